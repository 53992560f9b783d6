// Query parameters of the two list operations. Query values arrive as strings; @Type(() => Number)
// is class-transformer's documented way to read a number from one.
import { Type } from 'class-transformer';
import { IsDateString, IsEnum, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

import { enumOf } from './decorators.js';

export class ListPhoneNumbersQuery {
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1000)
  limit?: number;

  @IsOptional()
  @IsDateString()
  createdAtGt?: string;

  @IsOptional()
  @IsDateString()
  createdAtLt?: string;

  @IsOptional()
  @IsDateString()
  createdAtGe?: string;

  @IsOptional()
  @IsDateString()
  createdAtLe?: string;

  @IsOptional()
  @IsDateString()
  updatedAtGt?: string;

  @IsOptional()
  @IsDateString()
  updatedAtLt?: string;

  @IsOptional()
  @IsDateString()
  updatedAtGe?: string;

  @IsOptional()
  @IsDateString()
  updatedAtLe?: string;
}

export class PaginatedPhoneNumbersQuery extends ListPhoneNumbersQuery {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;

  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(1)
  page?: number;

  @IsOptional()
  @IsEnum(enumOf(['ASC', 'DESC']))
  sortOrder?: 'ASC' | 'DESC';

  @IsOptional()
  @IsEnum(enumOf(['createdAt', 'duration', 'cost']))
  sortBy?: 'createdAt' | 'duration' | 'cost';
}
