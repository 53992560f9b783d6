// Helpers the DTOs share: enums as class-validator wants them, class-transformer discriminators,
// and the one rule of the spec that no built-in decorator says (Vapi's phone number check).
import { Type } from 'class-transformer';
import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

/** `{value: value}` for `@IsEnum`: its message lists the values ("one of the following values: a, b"). */
export function enumOf<const T extends readonly string[]>(values: T): { [K in T[number]]: K } {
  return Object.fromEntries(values.map((v) => [v, v])) as { [K in T[number]]: K };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Constructor = new (...args: any[]) => object;

/**
 * class-transformer's discriminator: the object is built as the class its `property` names; an
 * object whose tag is missing or unknown is built as `base`, which validates only the tag (so the
 * answer names the tag, and whitelisting names the members the base does not declare). Declare
 * the classes before the property that uses them: the decorator reads them when it runs.
 */
export function Discriminated(
  base: Constructor,
  property: string,
  subTypes: Record<string, Constructor>,
): PropertyDecorator {
  const decorate = Type(() => base, {
    discriminator: {
      property,
      subTypes: Object.entries(subTypes).map(([name, value]) => ({ name, value })),
    },
    keepDiscriminatorProperty: true,
  });
  return (target: object, key: string | symbol) => decorate(target, key as string);
}

/** `^\+[1-9]\d{1,14}$`: E.164 as the README states it (`+`, country code 1-9, at most 15 digits). */
export const E164 = /^\+[1-9]\d{1,14}$/;
/** With `numberE164CheckEnabled: false` the number must still match this (the spec's own regex). */
export const ALPHANUMERIC = /^\+?[a-zA-Z0-9]+$/;

/**
 * Vapi's phone number rule: E.164 unless the sibling `numberE164CheckEnabled` is `false`, then
 * letters and digits with an optional leading `+`. class-validator has no decorator that looks at
 * a sibling, so this one is registered the documented way (`registerDecorator`).
 */
export function IsDialableNumber(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isDialableNumber',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate(value: unknown, args: ValidationArguments): boolean {
          if (typeof value !== 'string') return false;
          return (e164Enabled(args) ? E164 : ALPHANUMERIC).test(value);
        },
        defaultMessage(args: ValidationArguments): string {
          return e164Enabled(args)
            ? '$property must be a valid E.164 phone number: +, a country code 1-9, at most 15 digits'
            : '$property must contain only letters and digits after an optional + (numberE164CheckEnabled is false)';
        },
      },
    });
  };
}

function e164Enabled(args: ValidationArguments): boolean {
  return (args.object as { numberE164CheckEnabled?: unknown }).numberE164CheckEnabled !== false;
}
