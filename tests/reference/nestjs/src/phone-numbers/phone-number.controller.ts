import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';

import { BearerGuard, OrgId } from '../auth.guard.js';
import { validationPipe } from '../validation.js';
import { CreatePhoneNumberBodyPipe } from './create-body.pipe.js';
import { type CreatePhoneNumberDTO, UPDATE_DTOS } from './dto/phone-number.js';
import { ListPhoneNumbersQuery, PaginatedPhoneNumbersQuery } from './dto/query.js';
import { type PhoneNumber, PhoneNumberStore } from './phone-number.store.js';

@Controller()
@UseGuards(BearerGuard)
export class PhoneNumberController {
  private readonly validation = validationPipe();

  constructor(private readonly store: PhoneNumberStore) {}

  @Post('phone-number')
  create(@OrgId() orgId: string, @Body(CreatePhoneNumberBodyPipe) body: CreatePhoneNumberDTO): PhoneNumber {
    return this.store.create(orgId, body);
  }

  @Get('phone-number')
  findAll(@OrgId() orgId: string, @Query() query: ListPhoneNumbersQuery): PhoneNumber[] {
    return this.store.findAll(orgId, query);
  }

  @Get('v2/phone-number')
  findAllPaginated(@OrgId() orgId: string, @Query() query: PaginatedPhoneNumbersQuery) {
    return this.store.findAllPaginated(orgId, query);
  }

  @Get('phone-number/:id')
  findOne(@OrgId() orgId: string, @Param('id', ParseUUIDPipe) id: string): PhoneNumber {
    return this.store.get(orgId, id);
  }

  /**
   * The body is validated against the update DTO of the stored phone number's provider, so the
   * phone number is looked up first: an unknown id is 404 whatever the body.
   */
  @Patch('phone-number/:id')
  async update(
    @OrgId() orgId: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
  ): Promise<PhoneNumber> {
    const stored = this.store.get(orgId, id);
    const dto = (await this.validation.transform(body, {
      type: 'body',
      metatype: UPDATE_DTOS[stored.provider],
    })) as object;
    return this.store.update(orgId, id, dto);
  }

  @Delete('phone-number/:id')
  remove(@OrgId() orgId: string, @Param('id', ParseUUIDPipe) id: string): PhoneNumber {
    return this.store.remove(orgId, id);
  }
}
