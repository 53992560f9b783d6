// The request bodies of POST /phone-number and PATCH /phone-number/{id}: one class per provider,
// as in the spec (Create*PhoneNumberDTO, Update*PhoneNumberDTO), over the members they share.
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsEnum,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';

import { Discriminated, IsDialableNumber, enumOf } from './decorators.js';
import { HOOKS, PhoneNumberHookBase } from './hooks.js';
import { Server } from './server.js';
import { DESTINATIONS, TransferDestinationBase } from './transfer.js';

export const PROVIDERS = ['byo-phone-number', 'twilio', 'vonage', 'vapi', 'telnyx'] as const;
export type Provider = (typeof PROVIDERS)[number];

export class SipAuthentication {
  @IsOptional()
  @IsString()
  realm?: string;

  @IsString()
  @MinLength(20)
  @MaxLength(40)
  username: string;

  @IsString()
  @MinLength(20)
  @MaxLength(40)
  password: string;
}

/** Members every provider's create and update DTO has. */
abstract class PhoneNumberCommon {
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Discriminated(TransferDestinationBase, 'type', DESTINATIONS)
  fallbackDestination?: object;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Discriminated(PhoneNumberHookBase, 'on', HOOKS)
  hooks?: object[];

  @IsOptional()
  @IsString()
  @MaxLength(40)
  name?: string;

  @IsOptional()
  @IsString()
  assistantId?: string;

  @IsOptional()
  @IsString()
  workflowId?: string;

  @IsOptional()
  @IsString()
  squadId?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => Server)
  server?: Server;
}

// ----------------------------------------------------------------------------------- create
export class CreateByoPhoneNumberDTO extends PhoneNumberCommon {
  @IsEnum(enumOf(['byo-phone-number']))
  provider: 'byo-phone-number';

  @IsOptional()
  @IsBoolean()
  numberE164CheckEnabled?: boolean;

  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(40)
  @IsDialableNumber()
  number?: string;

  @IsString()
  credentialId: string;
}

export class CreateTwilioPhoneNumberDTO extends PhoneNumberCommon {
  @IsEnum(enumOf(['twilio']))
  provider: 'twilio';

  @IsOptional()
  @IsBoolean()
  smsEnabled?: boolean;

  @IsString()
  number: string;

  @IsString()
  twilioAccountSid: string;

  @IsOptional()
  @IsString()
  twilioAuthToken?: string;

  @IsOptional()
  @IsString()
  twilioApiKey?: string;

  @IsOptional()
  @IsString()
  twilioApiSecret?: string;
}

export class CreateVonagePhoneNumberDTO extends PhoneNumberCommon {
  @IsEnum(enumOf(['vonage']))
  provider: 'vonage';

  @IsString()
  number: string;

  @IsString()
  credentialId: string;
}

export class CreateVapiPhoneNumberDTO extends PhoneNumberCommon {
  @IsEnum(enumOf(['vapi']))
  provider: 'vapi';

  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(3)
  numberDesiredAreaCode?: string;

  @IsOptional()
  @IsString()
  sipUri?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SipAuthentication)
  authentication?: SipAuthentication;
}

export class CreateTelnyxPhoneNumberDTO extends PhoneNumberCommon {
  @IsEnum(enumOf(['telnyx']))
  provider: 'telnyx';

  @IsString()
  number: string;

  @IsString()
  credentialId: string;
}

export const CREATE_DTOS = {
  'byo-phone-number': CreateByoPhoneNumberDTO,
  twilio: CreateTwilioPhoneNumberDTO,
  vonage: CreateVonagePhoneNumberDTO,
  vapi: CreateVapiPhoneNumberDTO,
  telnyx: CreateTelnyxPhoneNumberDTO,
} satisfies Record<Provider, unknown>;

export type CreatePhoneNumberDTO = InstanceType<(typeof CREATE_DTOS)[Provider]>;

/** What a create body whose `provider` is missing or unknown is validated as (only the tag). */
export class CreatePhoneNumberBaseDTO {
  @IsEnum(enumOf(PROVIDERS))
  provider: string;
}

// ----------------------------------------------------------------------------------- update
// Every member is optional. `provider` may be sent but must be the stored one: the server picks
// the DTO from the phone number being updated.
export class UpdateByoPhoneNumberDTO extends PhoneNumberCommon {
  @IsOptional()
  @IsEnum(enumOf(['byo-phone-number']))
  provider?: 'byo-phone-number';

  @IsOptional()
  @IsBoolean()
  numberE164CheckEnabled?: boolean;

  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(40)
  @IsDialableNumber()
  number?: string;

  @IsOptional()
  @IsString()
  credentialId?: string;
}

export class UpdateTwilioPhoneNumberDTO extends PhoneNumberCommon {
  @IsOptional()
  @IsEnum(enumOf(['twilio']))
  provider?: 'twilio';

  @IsOptional()
  @IsBoolean()
  smsEnabled?: boolean;

  @IsOptional()
  @IsString()
  number?: string;

  @IsOptional()
  @IsString()
  twilioAccountSid?: string;

  @IsOptional()
  @IsString()
  twilioAuthToken?: string;

  @IsOptional()
  @IsString()
  twilioApiKey?: string;

  @IsOptional()
  @IsString()
  twilioApiSecret?: string;
}

export class UpdateVonagePhoneNumberDTO extends PhoneNumberCommon {
  @IsOptional()
  @IsEnum(enumOf(['vonage']))
  provider?: 'vonage';

  @IsOptional()
  @IsString()
  number?: string;

  @IsOptional()
  @IsString()
  credentialId?: string;
}

export class UpdateVapiPhoneNumberDTO extends PhoneNumberCommon {
  @IsOptional()
  @IsEnum(enumOf(['vapi']))
  provider?: 'vapi';

  @IsOptional()
  @IsString()
  sipUri?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SipAuthentication)
  authentication?: SipAuthentication;
}

export class UpdateTelnyxPhoneNumberDTO extends PhoneNumberCommon {
  @IsOptional()
  @IsEnum(enumOf(['telnyx']))
  provider?: 'telnyx';

  @IsOptional()
  @IsString()
  number?: string;

  @IsOptional()
  @IsString()
  credentialId?: string;
}

export const UPDATE_DTOS = {
  'byo-phone-number': UpdateByoPhoneNumberDTO,
  twilio: UpdateTwilioPhoneNumberDTO,
  vonage: UpdateVonagePhoneNumberDTO,
  vapi: UpdateVapiPhoneNumberDTO,
  telnyx: UpdateTelnyxPhoneNumberDTO,
} satisfies Record<Provider, unknown>;

export type UpdatePhoneNumberDTO = InstanceType<(typeof UPDATE_DTOS)[Provider]>;
