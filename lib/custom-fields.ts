import { FieldCheck } from './check.js';
import { InputErrorCode, userError, type UserError } from './errors.js';
import { DECIMAL, isDay } from './scalars.js';

export type { CustomFieldType } from './generated/shared.js';
import type { CustomFieldType } from './generated/shared.js';

export interface CustomFieldDefinition {
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[];
  required: boolean;
}

/** Stored form: TEXT/SELECT strings, NUMBER canonical decimal strings, DATE 'YYYY-MM-DD', BOOLEAN booleans. */
export type StoredValue = string | boolean;

const KEY = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
const MAX_TEXT = 1000;

/** Checks a definition's key, label and options (codes from the SDL's InputErrorCode). */
export function validateDefinition(input: {
  key: string;
  label: string;
  type: CustomFieldType;
  options?: string[] | null;
}): UserError[] {
  const check = new FieldCheck();
  check.check(
    KEY.test(input.key),
    'key',
    InputErrorCode.INVALID_KEY,
    'Key must start with a letter and hold only letters, digits and underscores (at most 40)',
  );
  check.text('label', input.label, { max: 100, required: true, label: 'Label' });
  const options = input.options ?? [];
  if (input.type === 'SELECT') {
    check.check(
      options.length > 0,
      'options',
      InputErrorCode.OPTIONS_REQUIRED,
      'A SELECT field needs at least one option',
    );
    check.check(
      new Set(options).size === options.length,
      'options',
      InputErrorCode.DUPLICATE,
      'Options must be unique',
    );
    options.forEach((option, i) =>
      check.text(`options.${i}`, option, { max: 100, required: true, label: 'An option' }),
    );
  } else {
    check.check(options.length === 0, 'options', InputErrorCode.OPTIONS_NOT_ALLOWED, 'Only SELECT fields have options');
  }
  return check.errors;
}

/** "120.50" and "120.5" are the same number: store one form so that filters compare equal. */
function canonicalDecimal(text: string): string {
  const [int, frac] = text.split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = int.replace('-', '').replace(/^0+(?=\d)/, '');
  const fraction = (frac ?? '').replace(/0+$/, '');
  const result = fraction ? `${digits}.${fraction}` : digits;
  return result === '0' ? '0' : sign + result;
}

function coerce(def: CustomFieldDefinition, value: unknown): StoredValue | null {
  switch (def.type) {
    case 'TEXT':
      return typeof value === 'string' && value.length <= MAX_TEXT ? value : null;
    case 'SELECT':
      return typeof value === 'string' && def.options.includes(value) ? value : null;
    case 'BOOLEAN':
      return typeof value === 'boolean' ? value : null;
    case 'DATE':
      return typeof value === 'string' && isDay(value) ? value : null;
    case 'NUMBER': {
      const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
      return typeof text === 'string' && DECIMAL.test(text) ? canonicalDecimal(text) : null;
    }
  }
}

const expected: Record<CustomFieldType, string> = {
  TEXT: `a string of at most ${MAX_TEXT} characters`,
  SELECT: 'one of the field’s options',
  BOOLEAN: 'true or false',
  DATE: 'a date as YYYY-MM-DD',
  NUMBER: 'a decimal number',
};

/**
 * Validates custom field input against the tenant's definitions and merges it into the current
 * values. A key set to null removes the value. Unknown keys, wrong types, options not in the
 * list and missing required values are all reported; on any error nothing should be saved.
 */
export function mergeCustomFields(
  definitions: CustomFieldDefinition[],
  current: Record<string, StoredValue>,
  input: Record<string, unknown>,
  path: string[],
): { values: Record<string, StoredValue>; errors: UserError[] } {
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const values: Record<string, StoredValue> = { ...current };
  const errors: UserError[] = [];
  const invalid = new Set<string>();
  for (const [key, raw] of Object.entries(input)) {
    const def = byKey.get(key);
    if (!def) {
      errors.push(userError(InputErrorCode.UNKNOWN_CUSTOM_FIELD, [...path, key], `There is no custom field "${key}"`));
      continue;
    }
    if (raw === null) {
      delete values[key];
      continue;
    }
    const value = coerce(def, raw);
    if (value === null) {
      const code =
        def.type === 'SELECT' && typeof raw === 'string'
          ? InputErrorCode.INVALID_OPTION
          : InputErrorCode.INVALID_CUSTOM_FIELD_VALUE;
      errors.push(userError(code, [...path, key], `${def.label} must be ${expected[def.type]}`));
      invalid.add(key);
    } else values[key] = value;
  }
  for (const def of definitions) {
    if (def.required && values[def.key] === undefined && !invalid.has(def.key)) {
      errors.push(userError(InputErrorCode.REQUIRED_CUSTOM_FIELD, [...path, def.key], `${def.label} is required`));
    }
  }
  return { values, errors };
}

/** The typed values a client reads, in definition order; values of deleted definitions are dropped. */
export function customFieldValues(definitions: CustomFieldDefinition[], stored: Record<string, StoredValue>) {
  return definitions
    .filter((def) => stored[def.key] !== undefined)
    .map((def) => {
      const value = stored[def.key];
      return {
        key: def.key,
        label: def.label,
        type: def.type,
        text: def.type === 'TEXT' || def.type === 'SELECT' ? String(value) : null,
        number: def.type === 'NUMBER' ? String(value) : null,
        date: def.type === 'DATE' ? String(value) : null,
        boolean: def.type === 'BOOLEAN' ? value === true : null,
      };
    });
}
