// Transfer destinations and everything they reach: TransferDestinationNumber/Sip, TransferPlan,
// CustomMessage, TextContent, ContextEngineeringPlan*, SummaryPlan, TransferFallbackPlan.
// Classes are declared leaves first: a decorator reads the classes it names when it runs.
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsEnum,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { Discriminated, IsDialableNumber, enumOf } from './decorators.js';

// prettier-ignore
export const LANGUAGES = enumOf([
  'aa', 'ab', 'ae', 'af', 'ak', 'am', 'an', 'ar', 'as', 'av', 'ay', 'az', 'ba', 'be', 'bg', 'bh', 'bi', 'bm',
  'bn', 'bo', 'br', 'bs', 'ca', 'ce', 'ch', 'co', 'cr', 'cs', 'cu', 'cv', 'cy', 'da', 'de', 'dv', 'dz', 'ee',
  'el', 'en', 'eo', 'es', 'et', 'eu', 'fa', 'ff', 'fi', 'fj', 'fo', 'fr', 'fy', 'ga', 'gd', 'gl', 'gn', 'gu',
  'gv', 'ha', 'he', 'hi', 'ho', 'hr', 'ht', 'hu', 'hy', 'hz', 'ia', 'id', 'ie', 'ig', 'ii', 'ik', 'io', 'is',
  'it', 'iu', 'ja', 'jv', 'ka', 'kg', 'ki', 'kj', 'kk', 'kl', 'km', 'kn', 'ko', 'kr', 'ks', 'ku', 'kv', 'kw',
  'ky', 'la', 'lb', 'lg', 'li', 'ln', 'lo', 'lt', 'lu', 'lv', 'mg', 'mh', 'mi', 'mk', 'ml', 'mn', 'mr', 'ms',
  'mt', 'my', 'na', 'nb', 'nd', 'ne', 'ng', 'nl', 'nn', 'no', 'nr', 'nv', 'ny', 'oc', 'oj', 'om', 'or', 'os',
  'pa', 'pi', 'pl', 'ps', 'pt', 'qu', 'rm', 'rn', 'ro', 'ru', 'rw', 'sa', 'sc', 'sd', 'se', 'sg', 'si', 'sk',
  'sl', 'sm', 'sn', 'so', 'sq', 'sr', 'ss', 'st', 'su', 'sv', 'sw', 'ta', 'te', 'tg', 'th', 'ti', 'tk', 'tl',
  'tn', 'to', 'tr', 'ts', 'tt', 'tw', 'ty', 'ug', 'uk', 'ur', 'uz', 've', 'vi', 'vo', 'wa', 'wo', 'xh', 'yi',
  'yue', 'yo', 'za', 'zh', 'zu',
]);

export const TRANSFER_MODES = enumOf([
  'blind-transfer',
  'blind-transfer-add-summary-to-sip-header',
  'warm-transfer-say-message',
  'warm-transfer-say-summary',
  'warm-transfer-twiml',
  'warm-transfer-wait-for-operator-to-speak-first-and-then-say-message',
  'warm-transfer-wait-for-operator-to-speak-first-and-then-say-summary',
  'warm-transfer-experimental',
]);

export class TextContent {
  @IsEnum(enumOf(['text']))
  type: 'text';

  @IsString()
  text: string;

  @IsEnum(LANGUAGES)
  language: string;
}

export class CustomMessage {
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TextContent)
  contents?: TextContent[];

  @IsEnum(enumOf(['custom-message']))
  type: 'custom-message';

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  content?: string;
}

/**
 * `message: string | CustomMessage` (an undiscriminated oneOf): a string is taken as it is, anything
 * else must be a CustomMessage object. `optional` adds `@IsOptional()` (null or absent passes).
 */
function StringOrCustomMessage(optional: boolean): PropertyDecorator {
  const decorators: PropertyDecorator[] = [
    ValidateIf((_object: object, value: unknown) => typeof value !== 'string'),
    IsObject(),
    ValidateNested(),
    Type(() => CustomMessage),
  ];
  if (optional) decorators.unshift(IsOptional());
  return (target: object, key: string | symbol) => {
    for (const decorate of decorators) decorate(target, key);
  };
}

export class ContextEngineeringPlanLastNMessages {
  @IsEnum(enumOf(['lastNMessages']))
  type: 'lastNMessages';

  @IsNumber()
  @Min(0)
  maxMessages: number;
}

export class ContextEngineeringPlanNone {
  @IsEnum(enumOf(['none']))
  type: 'none';
}

export class ContextEngineeringPlanAll {
  @IsEnum(enumOf(['all']))
  type: 'all';
}

const CONTEXT_PLANS = {
  lastNMessages: ContextEngineeringPlanLastNMessages,
  none: ContextEngineeringPlanNone,
  all: ContextEngineeringPlanAll,
};

/** What class-transformer builds for a context plan whose `type` is missing or unknown. */
export class ContextEngineeringPlanBase {
  @IsEnum(enumOf(Object.keys(CONTEXT_PLANS)))
  type: string;
}

export class SummaryPlan {
  @IsOptional()
  @IsArray()
  @IsObject({ each: true })
  messages?: Record<string, unknown>[];

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @IsNumber()
  @Min(1)
  @Max(60)
  timeoutSeconds?: number;
}

export class TransferFallbackPlan {
  @StringOrCustomMessage(false)
  message: string | CustomMessage;

  @IsOptional()
  @IsBoolean()
  endCallEnabled?: boolean;
}

export class TransferPlan {
  @IsEnum(TRANSFER_MODES)
  mode: string;

  @StringOrCustomMessage(true)
  message?: string | CustomMessage;

  @IsOptional()
  @IsNumber()
  @Min(1)
  @Max(600)
  timeout?: number;

  @IsOptional()
  @IsEnum(enumOf(['refer', 'bye', 'dial']))
  sipVerb?: string;

  @IsOptional()
  @IsNumber()
  @Min(1)
  @Max(600)
  dialTimeout?: number;

  @IsOptional()
  @IsString()
  holdAudioUrl?: string;

  @IsOptional()
  @IsString()
  transferCompleteAudioUrl?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Discriminated(ContextEngineeringPlanBase, 'type', CONTEXT_PLANS)
  contextEngineeringPlan?: object;

  @IsOptional()
  @IsString()
  @MaxLength(4096)
  twiml?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SummaryPlan)
  summaryPlan?: SummaryPlan;

  @IsOptional()
  @IsBoolean()
  sipHeadersInReferToEnabled?: boolean;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TransferFallbackPlan)
  fallbackPlan?: TransferFallbackPlan;
}

export class TransferDestinationNumber {
  @StringOrCustomMessage(true)
  message?: string | CustomMessage;

  @IsEnum(enumOf(['number']))
  type: 'number';

  @IsOptional()
  @IsBoolean()
  numberE164CheckEnabled?: boolean;

  @IsString()
  @MinLength(3)
  @MaxLength(40)
  @IsDialableNumber()
  number: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(10)
  extension?: string;

  // E.164 or a {{template}}, but providers accept other caller ids: contracttest only warns.
  @IsOptional()
  @IsString()
  @MaxLength(40)
  callerId?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TransferPlan)
  transferPlan?: TransferPlan;

  @IsOptional()
  @IsString()
  description?: string;
}

export class TransferDestinationSip {
  @StringOrCustomMessage(true)
  message?: string | CustomMessage;

  @IsEnum(enumOf(['sip']))
  type: 'sip';

  @IsString()
  sipUri: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  callerId?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TransferPlan)
  transferPlan?: TransferPlan;

  @IsOptional()
  @IsObject()
  sipHeaders?: Record<string, unknown>;

  @IsOptional()
  @IsString()
  description?: string;
}

export const DESTINATIONS = { number: TransferDestinationNumber, sip: TransferDestinationSip };

/** What class-transformer builds for a destination whose `type` is missing or unknown. */
export class TransferDestinationBase {
  @IsEnum(enumOf(Object.keys(DESTINATIONS)))
  type: string;
}
