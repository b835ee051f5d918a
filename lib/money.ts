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
