import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signUpstream, stableStringify, verifyUpstream, type ForwardedAuth } from '../../lib/auth.js';
import {
  customFieldValues,
  mergeCustomFields,
  validateDefinition,
  type CustomFieldDefinition,
} from '../../lib/custom-fields.js';
import { isUuid, uuidv7 } from '../../lib/ids.js';
import { decodeCursor, encodeCursor, pageWindow, toConnection } from '../../lib/pagination.js';
import { DecimalScalar } from '../../lib/scalars.js';
import { FieldCheck } from '../../lib/check.js';
import { canMoveTicket, isValidSatisfactionScore } from '../../subgraphs/customer/rules.js';

const defs: CustomFieldDefinition[] = [
  { key: 'n', label: 'N', type: 'NUMBER', options: [], required: false },
  { key: 'd', label: 'D', type: 'DATE', options: [], required: true },
];

describe('custom field values', () => {
  it('canonicalises numbers so that equal numbers compare equal', () => {
    const cases: [unknown, string][] = [
      ['007.50', '7.5'],
      ['-0.0', '0'],
      [12, '12'],
      ['1.000', '1'],
      ['-3.25', '-3.25'],
      [0.5, '0.5'],
    ];
    for (const [input, stored] of cases) {
      expect(mergeCustomFields(defs, { d: '2026-01-01' }, { n: input }, []).values.n).toBe(stored);
    }
  });

  it('accepts only real calendar dates', () => {
    expect(mergeCustomFields(defs, {}, { d: '2024-02-29' }, []).errors).toEqual([]);
    expect(mergeCustomFields(defs, {}, { d: '2023-02-29' }, []).errors[0].code).toBe('INVALID_CUSTOM_FIELD_VALUE');
    expect(mergeCustomFields(defs, {}, { d: '2023-2-1' }, []).errors[0].code).toBe('INVALID_CUSTOM_FIELD_VALUE');
  });

  it('reports a missing required value once, not on top of an invalid one', () => {
    expect(mergeCustomFields(defs, {}, {}, ['x']).errors).toEqual([
      { code: 'REQUIRED_CUSTOM_FIELD', field: ['x', 'd'], message: 'D is required' },
    ]);
    expect(mergeCustomFields(defs, {}, { d: 'soon' }, []).errors.map((e) => e.code)).toEqual([
      'INVALID_CUSTOM_FIELD_VALUE',
    ]);
  });

  it('never loses a stored value it was not asked to change (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        (n, date) => {
          const d = date.toISOString().slice(0, 10);
          const { values, errors } = mergeCustomFields(defs, { d }, { n }, []);
          expect(errors).toEqual([]);
          expect(values).toEqual({ d, n: String(n) });
          expect(customFieldValues(defs, values).map((v) => v.number ?? v.date)).toEqual([String(n), d]);
        },
      ),
    );
  });
});

describe('input checks', () => {
  it('validates e-mail, phone, web address and country', () => {
    const check = new FieldCheck();
    expect(check.email('email', ' A@B.CN ')).toBe('a@b.cn');
    expect(check.url('website', 'example.com/x')).toBe('https://example.com/x');
    expect(check.country('country', 'cn')).toBe('CN');
    expect(check.phone('phone', '+86 (21) 5555-0100')).toBe('+86 (21) 5555-0100');
    expect(check.ok).toBe(true);
    check.email('email', 'a@b');
    check.phone('phone', '12-34');
    check.url('website', 'javascript:alert(1)');
    check.country('country', 'CHN');
    expect(check.errors.map((e) => e.code)).toEqual([
      'INVALID_EMAIL',
      'INVALID_PHONE',
      'INVALID_URL',
      'INVALID_COUNTRY',
    ]);
  });
});

describe('pagination', () => {
  it('round-trips cursors and refuses forged ones', () => {
    const cursor = encodeCursor({ value: '2026-01-01T00:00:00.000Z', id: 'x' });
    expect(decodeCursor(cursor, 'after')).toEqual({ value: '2026-01-01T00:00:00.000Z', id: 'x' });
    expect(() => decodeCursor('bm9wZQ', 'after')).toThrow(/not a valid cursor/);
  });

  it('bounds page sizes to 0..100', () => {
    expect(pageWindow({ first: 100 }).fetch).toBe(101);
    expect(() => pageWindow({ first: 101 })).toThrow(/between 0 and 100/);
    expect(() => pageWindow({ last: -1 })).toThrow(/between 0 and 100/);
    expect(() => pageWindow({ first: 1, last: 1 })).toThrow(/either/);
  });

  it('reports pages on both sides', () => {
    const window = pageWindow({ first: 2, after: encodeCursor({ value: 'a', id: '1' }) });
    const page = toConnection([{ id: '2' }, { id: '3' }, { id: '4' }], window, (r) => ({ value: r.id, id: r.id }));
    expect(page.nodes).toEqual([{ id: '2' }, { id: '3' }]);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });
});

describe('upstream signatures', () => {
  const auth: ForwardedAuth = {
    tenantId: 'acme',
    userId: 'u',
    scopes: ['crm:read'],
    exp: 1_000_000_030,
    requestId: 'r',
    aud: 'customer',
  };

  it('verify what the gateway signed, in any key order', () => {
    const signature = signUpstream('s3cret', '{a}', { b: 1, a: 2 }, auth);
    const now = 1_000_000_000;
    const body = (variables: Record<string, number>) => ({
      query: '{a}',
      variables,
      extensions: { auth, 'hmac-signature': signature },
    });
    expect(verifyUpstream('s3cret', body({ a: 2, b: 1 }), now, 'customer')).toEqual(auth);
    expect(verifyUpstream('other', body({ a: 2, b: 1 }), now, 'customer')).toBeNull();
    expect(verifyUpstream('s3cret', body({ a: 3, b: 1 }), now, 'customer')).toBeNull();
    expect(verifyUpstream('s3cret', body({ a: 2, b: 1 }), now, 'finance')).toBeNull();
    expect(verifyUpstream('s3cret', body({ a: 2, b: 1 }), now + 31, 'customer')).toBeNull();
  });

  it('stringify stably', () => {
    expect(stableStringify({ b: [1, { d: 1, c: null }], a: 'x', u: undefined })).toBe(
      '{"a":"x","b":[1,{"c":null,"d":1}]}',
    );
  });
});

describe('ids and scalars', () => {
  it('makes time-ordered UUIDv7s', () => {
    const a = uuidv7(1_000);
    const b = uuidv7(2_000);
    expect(isUuid(a)).toBe(true);
    expect(a[14]).toBe('7');
    expect(a < b).toBe(true);
  });

  it('takes decimals as strings or integers, never floats', () => {
    expect(DecimalScalar.parseValue('19.99')).toBe('19.99');
    expect(DecimalScalar.parseValue(3)).toBe('3');
    expect(() => DecimalScalar.parseValue(0.1)).toThrow(/never a float/);
    expect(() => DecimalScalar.parseValue('1e3')).toThrow();
  });
});

describe('service ticket rules', () => {
  it('allow only the documented status moves', () => {
    expect(canMoveTicket('OPEN', 'IN_PROGRESS')).toBe(true);
    expect(canMoveTicket('RESOLVED', 'OPEN')).toBe(true);
    expect(canMoveTicket('RESOLVED', 'CLOSED')).toBe(true);
    expect(canMoveTicket('OPEN', 'RESOLVED')).toBe(false);
    expect(canMoveTicket('CLOSED', 'OPEN')).toBe(false);
    expect([0, 1, 5, 6, 2.5].map(isValidSatisfactionScore)).toEqual([false, true, true, false, false]);
  });
});

describe('shared dates, rates and postings', () => {
  it('count calendar days in UTC, across month and year ends', async () => {
    const { addDays, daysBetween } = await import('../../lib/dates.js');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(daysBetween('2026-01-31', '2026-03-01')).toBe(29);
  });

  it('round rates half-up to four places and have none for an empty whole', async () => {
    const { ratio } = await import('../../lib/money.js');
    expect([ratio(2, 3), ratio(1, 3), ratio('1', '8'), ratio(0, 5), ratio(1, 0)]).toEqual([
      0.6667,
      0.3333,
      0.125,
      0,
      null,
    ]);
  });

  it('only balanced journal postings are accepted', async () => {
    const { invoicePostings, isBalanced, paymentPostings, reversal } = await import('../../subgraphs/finance/rules.js');
    expect(isBalanced(invoicePostings('113.00', '100.00', '13.00'))).toBe(true);
    expect(isBalanced(reversal(paymentPostings('5.00')))).toBe(true);
    expect(
      isBalanced([
        { account: '1100', debit: '113.00' },
        { account: '4000', credit: '100.00' },
      ]),
    ).toBe(false);
  });
});

describe('custom field definitions', () => {
  it('names each problem with a shared code at its path', () => {
    expect(
      validateDefinition({ key: '1st', label: ' ', type: 'SELECT', options: ['a', 'a', 'x'.repeat(101)] }),
    ).toEqual([
      {
        code: 'INVALID_KEY',
        field: ['input', 'key'],
        message: 'Key must start with a letter and hold only letters, digits and underscores (at most 40)',
      },
      { code: 'REQUIRED', field: ['input', 'label'], message: 'Label is required' },
      { code: 'DUPLICATE', field: ['input', 'options'], message: 'Options must be unique' },
      { code: 'TOO_LONG', field: ['input', 'options', '2'], message: 'An option must be at most 100 characters' },
    ]);
    expect(validateDefinition({ key: 'tier', label: 'Tier', type: 'TEXT', options: ['a'] })).toEqual([
      { code: 'OPTIONS_NOT_ALLOWED', field: ['input', 'options'], message: 'Only SELECT fields have options' },
    ]);
    expect(validateDefinition({ key: 'tier', label: 'Tier', type: 'SELECT', options: [] })[0].code).toBe(
      'OPTIONS_REQUIRED',
    );
  });
});
