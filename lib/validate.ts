import { userError, type UserError } from './errors.js';

/** Drops keys whose value is undefined, so that a patch only touches what the client sent. */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Collects field errors for one input, so that a mutation reports every problem at once and
 * writes nothing while any remains.
 */
export class InputCheck {
  readonly errors: UserError[] = [];
  constructor(private readonly base: string[] = ['input']) {}

  private add(field: string, code: string, message: string) {
    this.errors.push(userError(code, [...this.base, ...field.split('.')], message));
  }

  /** Trims; enforces length; returns undefined when absent (so patches can tell absent from null). */
  text(field: string, value: string | null | undefined, opts: { max: number; required?: boolean; label?: string }) {
    const label = opts.label ?? field;
    if (value === undefined || value === null) {
      if (opts.required) this.add(field, 'REQUIRED', `${label} is required`);
      return value;
    }
    const trimmed = value.trim();
    if (opts.required && trimmed === '') this.add(field, 'REQUIRED', `${label} is required`);
    else if (trimmed.length > opts.max) this.add(field, 'TOO_LONG', `${label} must be at most ${opts.max} characters`);
    return trimmed === '' && !opts.required ? null : trimmed;
  }

  email(field: string, value: string | null | undefined) {
    const v = this.text(field, value, { max: 254 });
    if (v && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v))
      this.add(field, 'INVALID_EMAIL', `${v} is not a valid e-mail address`);
    return v ? v.toLowerCase() : v;
  }

  phone(field: string, value: string | null | undefined) {
    const v = this.text(field, value, { max: 30 });
    if (v && (!/^\+?[0-9 ()\-.]+$/.test(v) || v.replace(/\D/g, '').length < 5)) {
      this.add(
        field,
        'INVALID_PHONE',
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
    this.add(field, 'INVALID_URL', `${v} is not a valid web address`);
    return v;
  }

  country(field: string, value: string | null | undefined) {
    const v = this.text(field, value, { max: 100 });
    if (v && !/^[A-Za-z]{2}$/.test(v))
      this.add(field, 'INVALID_COUNTRY', 'Country must be a two-letter ISO 3166-1 code');
    return v ? v.toUpperCase() : v;
  }

  /** Trimmed, de-duplicated labels. */
  tags(field: string, value: string[] | null | undefined) {
    if (!value) return [];
    const tags = [...new Set(value.map((t) => t.trim()))];
    if (tags.some((t) => t === '' || t.length > 50))
      this.add(field, 'INVALID_TAG', 'Each tag must be 1 to 50 characters');
    if (tags.length > 50) this.add(field, 'TOO_MANY_TAGS', 'At most 50 tags');
    return tags;
  }

  check(condition: boolean, field: string, code: string, message: string) {
    if (!condition) this.add(field, code, message);
  }

  get ok() {
    return this.errors.length === 0;
  }
}
