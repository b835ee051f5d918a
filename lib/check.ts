import Big from 'big.js';
import { failOn, InputErrorCode, userError, type UserError } from './errors.js';
import { isUuid } from './ids.js';
import { dec, MAX_AMOUNT, MAX_QUANTITY, type Money } from './money.js';
import { DECIMAL, isDay } from './scalars.js';

/** Drops keys whose value is undefined, so that a patch only touches what the client sent. */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The one way to check input, field by field: a mutation's input (already typed by the schema:
 * lengths, formats, money, decimal ranges) or an event's payload (anything at all: it came from
 * another service). Every problem is collected, so that a caller hears of all of them at once and
 * nothing is written while any remains (`done()` aborts the transaction). Fields are dotted paths
 * under `base` (`lines.0.quantity` is `["input", "lines", "0", "quantity"]`).
 */
export class FieldCheck {
  readonly errors: UserError[] = [];
  constructor(private readonly base: readonly string[] = ['input']) {}

  path(field: string): string[] {
    return field ? [...this.base, ...field.split('.')] : [...this.base];
  }

  /** Records an error at `field`; `code` is a shared code or one of the subgraph's own (its errors.ts). */
  add(field: string, code: string, message: string) {
    this.errors.push(userError(code, this.path(field), message));
  }

  check(condition: boolean, field: string, code: string, message: string) {
    if (!condition) this.add(field, code, message);
  }

  get ok() {
    return this.errors.length === 0;
  }

  /** Rolls the transaction back with every error collected, if there is any. */
  done() {
    failOn(this.errors);
  }

  // ---- a client's input

  /** Trims; enforces length; returns undefined when absent (so patches can tell absent from null). */
  text(field: string, value: string | null | undefined, opts: { max: number; required?: boolean; label?: string }) {
    const label = opts.label ?? field;
    if (value === undefined || value === null) {
      if (opts.required) this.add(field, InputErrorCode.REQUIRED, `${label} is required`);
      return value;
    }
    const trimmed = value.trim();
    if (opts.required && trimmed === '') this.add(field, InputErrorCode.REQUIRED, `${label} is required`);
    else if (trimmed.length > opts.max)
      this.add(field, InputErrorCode.TOO_LONG, `${label} must be at most ${opts.max} characters`);
    return trimmed === '' && !opts.required ? null : trimmed;
  }

  email(field: string, value: string | null | undefined) {
    const v = this.text(field, value, { max: 254 });
    if (v && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v))
      this.add(field, InputErrorCode.INVALID_EMAIL, `${v} is not a valid e-mail address`);
    return v ? v.toLowerCase() : v;
  }

  phone(field: string, value: string | null | undefined) {
    const v = this.text(field, value, { max: 30 });
    if (v && (!/^\+?[0-9 ()\-.]+$/.test(v) || v.replace(/\D/g, '').length < 5)) {
      this.add(
        field,
        InputErrorCode.INVALID_PHONE,
        `${v} is not a valid phone number (digits, spaces, + ( ) - . and at least 5 digits)`,
      );
    }
    return v;
  }

  url(field: string, value: string | null | undefined) {
    const v = this.text(field, value, { max: 2048 });
    if (!v) return v;
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `https://${v}`;
    try {
      const url = new URL(withScheme);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.includes('.')) return url.toString();
    } catch {
      // reported below
    }
    this.add(field, InputErrorCode.INVALID_URL, `${v} is not a valid web address`);
    return v;
  }

  country(field: string, value: string | null | undefined) {
    const v = this.text(field, value, { max: 100 });
    if (v && !/^[A-Za-z]{2}$/.test(v))
      this.add(field, InputErrorCode.INVALID_COUNTRY, 'Country must be a two-letter ISO 3166-1 code');
    return v ? v.toUpperCase() : v;
  }

  /** Trimmed, de-duplicated labels. */
  tags(field: string, value: string[] | null | undefined) {
    if (!value) return [];
    const tags = [...new Set(value.map((t) => t.trim()))];
    if (tags.some((t) => t === '' || t.length > 50))
      this.add(field, InputErrorCode.INVALID_TAG, 'Each tag must be 1 to 50 characters');
    if (tags.length > 50) this.add(field, InputErrorCode.TOO_MANY, 'At most 50 tags');
    return tags;
  }

  /** At most `max` items (and at least one when required). */
  count(field: string, items: readonly unknown[], opts: { max: number; required?: boolean; what: string }) {
    if (opts.required && items.length === 0) this.add(field, InputErrorCode.REQUIRED, `Give at least one ${opts.what}`);
    else if (items.length > opts.max) this.add(field, InputErrorCode.TOO_MANY, `At most ${opts.max} ${opts.what}s`);
  }

  /**
   * A money input in the tenant's currency, within the allowed precision and size: the amount as a
   * decimal string, or undefined (absent, or an error recorded at `field.currency`/`field.amount`).
   */
  money(
    field: string,
    input: Money | null | undefined,
    opts: { currency: string; scale?: number; allowNegative?: boolean; max?: string },
  ): string | undefined {
    if (!input) return undefined;
    const at = (part: string) => (field ? `${field}.${part}` : part);
    if (input.currency.toUpperCase() !== opts.currency) {
      this.add(
        at('currency'),
        InputErrorCode.CURRENCY_MISMATCH,
        `Amounts are in ${opts.currency}, not ${input.currency}`,
      );
      return undefined;
    }
    const value = dec(input.amount);
    if (!opts.allowNegative && value.lt(0)) {
      this.add(at('amount'), InputErrorCode.NEGATIVE_AMOUNT, 'Amount must not be negative');
      return undefined;
    }
    const max = opts.max ?? MAX_AMOUNT;
    if (value.abs().gt(max)) {
      this.add(at('amount'), InputErrorCode.OUT_OF_RANGE, `Amount must be at most ${max}`);
      return undefined;
    }
    const scale = opts.scale ?? 2;
    if (!value.eq(value.round(scale, Big.roundDown))) {
      this.add(at('amount'), InputErrorCode.TOO_PRECISE, `Amount has more than ${scale} decimal places`);
      return undefined;
    }
    return value.toFixed(scale);
  }

  /** A decimal within [min, max] with at most `scale` decimals, fixed to `scale`; undefined when absent or wrong. */
  decimal(
    field: string,
    value: string | null | undefined,
    opts: { min?: string; max?: string; scale: number; exclusiveMin?: boolean },
  ): string | undefined {
    if (value === null || value === undefined) return undefined;
    const v = dec(value);
    const tooSmall = opts.min !== undefined && (opts.exclusiveMin ? v.lte(opts.min) : v.lt(opts.min));
    const tooLarge = opts.max !== undefined && v.gt(opts.max);
    if (tooSmall || tooLarge) {
      const range = `${opts.exclusiveMin ? 'greater than' : 'at least'} ${opts.min ?? '-∞'}${opts.max !== undefined ? ` and at most ${opts.max}` : ''}`;
      this.add(field, InputErrorCode.OUT_OF_RANGE, `Must be ${range}`);
      return undefined;
    }
    if (!v.eq(v.round(opts.scale, Big.roundDown))) {
      this.add(field, InputErrorCode.TOO_PRECISE, `At most ${opts.scale} decimal places`);
      return undefined;
    }
    return v.toFixed(opts.scale);
  }

  /** A quantity of goods: more than zero, at most MAX_QUANTITY, four decimals. */
  quantity(field: string, value: string | null | undefined) {
    return this.decimal(field, value, { min: '0', exclusiveMin: true, max: MAX_QUANTITY, scale: 4 });
  }

  /** A percentage from 0 to 100 with two decimals (a discount, a tax rate). */
  percent(field: string, value: string | null | undefined) {
    return this.decimal(field, value, { min: '0', max: '100', scale: 2 });
  }

  // ---- an event's payload: values of any shape

  uuid(field: string, value: unknown): string {
    if (!isUuid(value)) this.add(field, InputErrorCode.INVALID_ID, `${field} must be a UUID`);
    return value as string;
  }

  /** A UUID or null. */
  optionalUuid(field: string, value: unknown): string | null {
    return value === null ? null : this.uuid(field, value);
  }

  /** A string of 1 to `max` characters. */
  someText(field: string, value: unknown, max: number): string {
    if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
      this.add(field, InputErrorCode.INVALID_TEXT, `${field} must be 1 to ${max} characters`);
    }
    return value as string;
  }

  /** A non-negative decimal string within [min, max] with at most `scale` decimals ('0' when wrong). */
  decimalText(
    field: string,
    value: unknown,
    opts: { scale: number; min?: string; exclusiveMin?: boolean; max?: string },
  ): string {
    if (typeof value !== 'string' || !DECIMAL.test(value) || value.startsWith('-')) {
      this.add(field, InputErrorCode.INVALID_DECIMAL, `${field} must be a non-negative decimal string`);
      return '0';
    }
    return this.decimal(field, value, { ...opts, min: opts.min ?? '0', max: opts.max ?? MAX_AMOUNT }) ?? '0';
  }

  /** Amounts must be in the tenant's currency: finance never mixes currencies in one account. */
  currency(field: string, value: unknown, expected: string) {
    if (typeof value !== 'string' || value.toUpperCase() !== expected) {
      this.add(field, InputErrorCode.CURRENCY_MISMATCH, `Amounts are in ${expected}, not ${String(value)}`);
    }
  }

  /** Any ISO 4217 code (where amounts are kept with their currency rather than compared). */
  currencyCode(field: string, value: unknown): string {
    if (typeof value !== 'string' || !/^[A-Z]{3}$/.test(value)) {
      this.add(field, InputErrorCode.INVALID_CURRENCY, `${field} must be an ISO 4217 currency code`);
    }
    return value as string;
  }

  day(field: string, value: unknown): string {
    if (!isDay(value))
      this.add(field, InputErrorCode.INVALID_DATE, `${field} must be a day (YYYY-MM-DD) between 1900 and 2999`);
    return value as string;
  }

  list(field: string, value: unknown, opts: { min: number; max: number }): unknown[] {
    if (!Array.isArray(value) || value.length < opts.min || value.length > opts.max) {
      this.add(field, InputErrorCode.INVALID_LIST, `${field} must hold ${opts.min} to ${opts.max} items`);
      return [];
    }
    return value;
  }
}
