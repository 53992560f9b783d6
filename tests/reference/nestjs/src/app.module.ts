import { Module } from '@nestjs/common';

import { BearerGuard } from './auth.guard.js';
import { PhoneNumberController } from './phone-numbers/phone-number.controller.js';
import { PhoneNumberStore } from './phone-numbers/phone-number.store.js';

@Module({
  controllers: [PhoneNumberController],
  providers: [PhoneNumberStore, BearerGuard],
})
export class AppModule {}
