import { ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';

/** The options of the global pipe (main.ts) and of every body validated against a chosen DTO. */
export const VALIDATION_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
};

/** A ValidationPipe with the global options: its errors are the framework's own 400s. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe(VALIDATION_OPTIONS);
}
