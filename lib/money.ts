import Big from 'big.js';

/** An amount with its currency, as the SDL's Money and MoneyInput both carry it. */
export interface Money {
  amount: string;
  currency: string;
}

/** Decimal arithmetic for the few sums done outside SQL: half-up rounding, never a binary float. */
export const dec = (value: string | number) => new Big(value);

/** amount x percent / 100, rounded half-up to the cent. */
export function percentOf(amount: string, percent: number | string): string {
  return dec(amount).times(percent).div(100).round(2, Big.roundHalfUp).toFixed(2);
}

export const money = (amount: string | null | undefined, currency: string): Money => ({
  amount: dec(amount ?? '0').toFixed(2),
  currency,
});

/**
 * The largest amount one value may hold: 10^13 - 0.01 (ten trillion). Columns hold 10^16, so a
 * thousand such values still add up without overflow.
 */
export const MAX_AMOUNT = '9999999999999.99';

/** The largest quantity one line or movement may hold (ten billion units). */
export const MAX_QUANTITY = '9999999999';

/** "3.0000" -> "3", "19.9900" -> "19.99" (keeping `minScale` decimals): exact, just without padding. */
export function trimDecimal(value: string, minScale = 0): string {
  const [int, frac = ''] = value.split('.');
  const kept = frac.replace(/0+$/, '').padEnd(minScale, '0');
  return kept ? `${int}.${kept}` : int;
}

/** part / whole as a fraction rounded to four places (a rate for BI); null when whole is zero. */
export const ratio = (part: number | string, whole: number | string): number | null =>
  dec(whole).eq(0) ? null : Number(dec(part).div(whole).round(4, Big.roundHalfUp).toFixed(4));

// ---- TEMPORARY: the old checkers, while subgraphs move to lib/check.ts
import { userError, type UserError } from './errors.js';
export interface MoneyInput {
  amount: string;
  currency: string;
}
/**
 * Checks a money input against the tenant's currency, the allowed precision and size; returns the
 * amount as a decimal string, or records a user error.
 */
export function checkMoney(
  input: MoneyInput,
  opts: { currency: string; field: string[]; scale?: number; allowNegative?: boolean; max?: string },
  errors: UserError[],
): string | null {
  if (input.currency.toUpperCase() !== opts.currency) {
    errors.push(
      userError(
        'CURRENCY_MISMATCH',
        [...opts.field, 'currency'],
        `Amounts are in ${opts.currency}, not ${input.currency}`,
      ),
    );
    return null;
  }
  const value = dec(input.amount);
  if (!opts.allowNegative && value.lt(0)) {
    errors.push(userError('NEGATIVE_AMOUNT', [...opts.field, 'amount'], 'Amount must not be negative'));
    return null;
  }
  const max = opts.max ?? MAX_AMOUNT;
  if (value.abs().gt(max)) {
    errors.push(userError('OUT_OF_RANGE', [...opts.field, 'amount'], `Amount must be at most ${max}`));
    return null;
  }
  const scale = opts.scale ?? 2;
  if (!value.eq(value.round(scale, Big.roundDown))) {
    errors.push(userError('TOO_PRECISE', [...opts.field, 'amount'], `Amount has more than ${scale} decimal places`));
    return null;
  }
  return value.toFixed(scale);
}

/** A decimal within [min, max] with at most `scale` decimals, or a user error. */
export function checkDecimal(
  value: string,
  opts: { field: string[]; min?: string; max?: string; scale: number; exclusiveMin?: boolean },
  errors: UserError[],
): string | null {
  const v = dec(value);
  const tooSmall = opts.min !== undefined && (opts.exclusiveMin ? v.lte(opts.min) : v.lt(opts.min));
  const tooLarge = opts.max !== undefined && v.gt(opts.max);
  if (tooSmall || tooLarge) {
    const range = `${opts.exclusiveMin ? 'greater than' : 'at least'} ${opts.min ?? '-∞'}${opts.max !== undefined ? ` and at most ${opts.max}` : ''}`;
    errors.push(userError('OUT_OF_RANGE', opts.field, `Must be ${range}`));
    return null;
  }
  if (!v.eq(v.round(opts.scale, Big.roundDown))) {
    errors.push(userError('TOO_PRECISE', opts.field, `At most ${opts.scale} decimal places`));
    return null;
  }
  return v.toFixed(opts.scale);
}
