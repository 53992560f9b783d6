// Phone-number hooks: call.ringing hooks (prefix filters, an array of actions, of which only the
// first runs) and call.ending hooks (ended-reason filters, one action), told apart by `on`.
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEnum,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

import { Discriminated, enumOf } from './decorators.js';
import { DESTINATIONS, TransferDestinationBase } from './transfer.js';

export const ENDED_REASONS = enumOf([
  'assistant-request-failed',
  'assistant-request-returned-error',
  'assistant-request-returned-unspeakable-error',
  'assistant-request-returned-invalid-assistant',
  'assistant-request-returned-no-assistant',
  'assistant-request-returned-forwarding-phone-number',
]);

export class TransferPhoneNumberHookAction {
  @IsEnum(enumOf(['transfer']))
  type: 'transfer';

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Discriminated(TransferDestinationBase, 'type', DESTINATIONS)
  destination?: object;
}

export class SayPhoneNumberHookAction {
  @IsEnum(enumOf(['say']))
  type: 'say';

  @IsString()
  @MaxLength(4000)
  exact: string;
}

const ACTIONS = { transfer: TransferPhoneNumberHookAction, say: SayPhoneNumberHookAction };

/** What class-transformer builds for an action whose `type` is missing or unknown. */
export class PhoneNumberHookActionBase {
  @IsEnum(enumOf(Object.keys(ACTIONS)))
  type: string;
}

export class PhoneNumberCallRingingHookFilter {
  @IsEnum(enumOf(['startsWith']))
  @MaxLength(1000)
  type: 'startsWith';

  @IsEnum(enumOf(['number']))
  @MaxLength(1000)
  key: 'number';

  // The overlay's reading of the spec: at most 20 prefixes, each 1-20 digits without '+'.
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(20, { each: true })
  @Matches(/^[0-9]+$/, { each: true })
  startsWith: string[];
}

export class PhoneNumberCallEndingHookFilter {
  @IsEnum(enumOf(['oneOf']))
  @MaxLength(1000)
  type: 'oneOf';

  @IsEnum(enumOf(['call.endedReason']))
  @MaxLength(1000)
  key: 'call.endedReason';

  @IsArray()
  @IsEnum(ENDED_REASONS, { each: true })
  oneOf: string[];
}

export class PhoneNumberHookCallRinging {
  @IsEnum(enumOf(['call.ringing']))
  @MaxLength(1000)
  on: 'call.ringing';

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PhoneNumberCallRingingHookFilter)
  filters?: PhoneNumberCallRingingHookFilter[];

  // Only the first action runs; more are accepted (contracttest warns about them).
  @IsArray()
  @ValidateNested({ each: true })
  @Discriminated(PhoneNumberHookActionBase, 'type', ACTIONS)
  do: object[];
}

export class PhoneNumberHookCallEnding {
  @IsEnum(enumOf(['call.ending']))
  @MaxLength(1000)
  on: 'call.ending';

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PhoneNumberCallEndingHookFilter)
  filters?: PhoneNumberCallEndingHookFilter[];

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Discriminated(PhoneNumberHookActionBase, 'type', ACTIONS)
  do?: object;
}

export const HOOKS = { 'call.ringing': PhoneNumberHookCallRinging, 'call.ending': PhoneNumberHookCallEnding };

/** What class-transformer builds for a hook whose `on` is missing or unknown. */
export class PhoneNumberHookBase {
  @IsEnum(enumOf(Object.keys(HOOKS)))
  on: string;
}
