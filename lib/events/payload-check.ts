import { userError, type UserError } from '../errors.js';
import { isUuid } from '../ids.js';
import { checkDecimal, MAX_AMOUNT } from '../money.js';
import { isDay } from '../scalars.js';

const DECIMAL = /^\d{1,16}(\.\d{1,8})?$/;

/**
 * Checks an event's payload field by field. A payload that fails can never apply, however often
 * it is delivered: the errors end as a dead letter (inbox.ts), nothing is written.
 */
export class PayloadCheck {
  readonly errors: UserError[] = [];
  constructor(private readonly base: string[] = ['payload']) {}

  private add(field: string, code: string, message: string) {
    this.errors.push(userError(code, [...this.base, ...field.split('.')], message));
  }

  uuid(field: string, value: unknown): string {
    if (!isUuid(value)) this.add(field, 'INVALID_ID', `${field} must be a UUID`);
    return value as string;
  }

  text(field: string, value: unknown, max: number): string {
    if (typeof value !== 'string' || value.trim() === '' || value.length > max)
      this.add(field, 'INVALID_TEXT', `${field} must be 1 to ${max} characters`);
    return value as string;
  }

  /** A non-negative decimal string within [min, max] with at most `scale` decimals. */
  decimal(
    field: string,
    value: unknown,
    opts: { scale: number; min?: string; exclusiveMin?: boolean; max?: string },
  ): string {
    if (typeof value !== 'string' || !DECIMAL.test(value)) {
      this.add(field, 'INVALID_DECIMAL', `${field} must be a non-negative decimal string`);
      return '0';
    }
    return (
      checkDecimal(
        value,
        {
          field: [...this.base, ...field.split('.')],
          min: opts.min ?? '0',
          exclusiveMin: opts.exclusiveMin,
          max: opts.max ?? MAX_AMOUNT,
          scale: opts.scale,
        },
        this.errors,
      ) ?? '0'
    );
  }

  /** Amounts must be in the tenant's currency: finance never mixes currencies in one account. */
  currency(field: string, value: unknown, expected: string) {
    if (typeof value !== 'string' || value.toUpperCase() !== expected)
      this.add(field, 'CURRENCY_MISMATCH', `Amounts are in ${expected}, not ${String(value)}`);
  }

  /** Any ISO 4217 code (where amounts are kept with their currency rather than compared). */
  currencyCode(field: string, value: unknown): string {
    if (typeof value !== 'string' || !/^[A-Z]{3}$/.test(value))
      this.add(field, 'INVALID_CURRENCY', `${field} must be an ISO 4217 currency code`);
    return value as string;
  }

  /** A UUID or null. */
  optionalUuid(field: string, value: unknown): string | null {
    return value === null ? null : this.uuid(field, value);
  }

  day(field: string, value: unknown): string {
    if (!isDay(value)) {
      this.add(field, 'INVALID_DATE', `${field} must be a day (YYYY-MM-DD) between 1900 and 2999`);
    }
    return value as string;
  }

  list(field: string, value: unknown, opts: { min: number; max: number }): unknown[] {
    if (!Array.isArray(value) || value.length < opts.min || value.length > opts.max) {
      this.add(field, 'INVALID_LIST', `${field} must hold ${opts.min} to ${opts.max} items`);
      return [];
    }
    return value;
  }
}
