// Server (where Vapi sends webhooks) and its BackoffPlan, with the overlay's fixes: BackoffPlan.type
// is a string enum and excludedStatusCodes holds numbers.
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
  Min,
  ValidateNested,
} from 'class-validator';

import { enumOf } from './decorators.js';

export class BackoffPlan {
  @IsEnum(enumOf(['fixed', 'exponential']))
  type: string;

  @IsNumber()
  @Min(0)
  @Max(10)
  maxRetries: number;

  @IsNumber()
  @Min(0)
  @Max(10)
  baseDelaySeconds: number;

  @IsOptional()
  @IsArray()
  @IsNumber({}, { each: true })
  excludedStatusCodes?: number[];
}

export class Server {
  @IsOptional()
  @IsNumber()
  @Min(1)
  @Max(300)
  timeoutSeconds?: number;

  @IsOptional()
  @IsString()
  credentialId?: string;

  @IsOptional()
  @IsBoolean()
  staticIpAddressesEnabled?: boolean;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  encryptedPaths?: string[];

  @IsOptional()
  @IsString()
  url?: string;

  @IsOptional()
  @IsObject()
  headers?: Record<string, unknown>;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BackoffPlan)
  backoffPlan?: BackoffPlan;
}
