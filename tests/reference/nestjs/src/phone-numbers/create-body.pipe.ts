import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';

import { validationPipe } from '../validation.js';
import { CREATE_DTOS, CreatePhoneNumberBaseDTO } from './dto/phone-number.js';

/**
 * POST /phone-number takes one of five DTOs, chosen by `provider`, the way class-transformer's
 * discriminator chooses a nested one: a missing or unknown tag falls back to the base class, which
 * validates only the tag. The ValidationPipe then validates against the chosen class, so every
 * 400 is the framework's own.
 */
@Injectable()
export class CreatePhoneNumberBodyPipe implements PipeTransform {
  private readonly validation = validationPipe();

  transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const tag =
      value !== null && typeof value === 'object' && 'provider' in value ? value.provider : undefined;
    const metatype =
      typeof tag === 'string' && Object.hasOwn(CREATE_DTOS, tag)
        ? CREATE_DTOS[tag as keyof typeof CREATE_DTOS]
        : CreatePhoneNumberBaseDTO;
    return this.validation.transform(value, { ...metadata, metatype });
  }
}
