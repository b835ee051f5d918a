/**
 * Customer intelligence rules as plain functions: the repurchase forecast and the health score.
 * PostgreSQL computes the same rules (db/insight-sql.ts) so that filters can use them; the tests
 * hold both to the same expectations. Every division rounds half up to a whole number.
 */
import { addDays, daysBetween } from '../../lib/dates.js';

export const HEALTH_FACTORS = ['RECENCY', 'FREQUENCY', 'OVERDUE_RECEIVABLES', 'OPEN_TICKETS', 'SATISFACTION'] as const;
export type HealthFactorName = (typeof HEALTH_FACTORS)[number];

/** How much each factor counts (they sum to 100). */
export const HEALTH_WEIGHTS: Record<HealthFactorName, number> = {
  RECENCY: 30,
  FREQUENCY: 20,
  OVERDUE_RECEIVABLES: 25,
  OPEN_TICKETS: 10,
  SATISFACTION: 15,
};

/** numerator / denominator rounded half up, for numerator >= 0 and denominator > 0 (integers). */
export const roundDiv = (numerator: number, denominator: number) =>
  Math.floor((2 * numerator + denominator) / (2 * denominator));

/** Median of whole-day intervals; for an even count the mean of the middle two, rounded half up. Null when empty. */
export function medianDays(intervals: readonly number[]): number | null {
  if (intervals.length === 0) return null;
  const sorted = [...intervals].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : roundDiv(sorted[mid - 1] + sorted[mid], 2);
}

/**
 * When the next purchase is expected: the last purchase date + the median interval between
 * consecutive purchase dates (sorted; two purchases on one day make a 0-day interval). Null with
 * fewer than two purchases.
 */
export function nextPurchaseExpected(purchaseDates: readonly string[]): string | null {
  if (purchaseDates.length < 2) return null;
  const sorted = [...purchaseDates].sort();
  const intervals = sorted.slice(1).map((day, i) => daysBetween(sorted[i], day));
  return addDays(sorted[sorted.length - 1], medianDays(intervals)!);
}

/** RECENCY: no purchase 0; d days since the last one: d <= 30 100, d >= 365 0, linear in between. */
export function recencyValue(daysSinceLastPurchase: number | null): number {
  const d = daysSinceLastPurchase;
  if (d === null) return 0;
  if (d <= 30) return 100;
  if (d >= 365) return 0;
  return roundDiv((365 - d) * 100, 335);
}

/** FREQUENCY: n purchases in the last 365 days: min(n, 6) x 100 / 6. */
export const frequencyValue = (purchasesLastYear: number) => roundDiv(Math.min(purchasesLastYear, 6) * 100, 6);

/** OVERDUE_RECEIVABLES: none overdue 100; else 100 - oldest days past due x 100 / 90, at least 0. */
export function overdueValue(oldestDaysPastDue: number | null): number {
  if (oldestDaysPastDue === null) return 100;
  if (oldestDaysPastDue >= 90) return 0;
  return roundDiv((90 - oldestDaysPastDue) * 100, 90);
}

/** OPEN_TICKETS: 100 - 25 per ticket OPEN or IN_PROGRESS, at least 0. */
export const openTicketsValue = (openTickets: number) => Math.max(0, 100 - 25 * openTickets);

/** SATISFACTION: (average score - 1) x 25 over the scores (1-5) rated in the last 365 days; none 50. */
export function satisfactionValue(scoreSum: number, ratings: number): number {
  if (ratings === 0) return 50;
  return roundDiv((scoreSum - ratings) * 25, ratings);
}

/** The score: sum of weight x value, / 100, rounded half up. */
export const healthScore = (values: Record<HealthFactorName, number>) =>
  roundDiv(
    HEALTH_FACTORS.reduce((sum, f) => sum + HEALTH_WEIGHTS[f] * values[f], 0),
    100,
  );

/** What the factors are computed from (as PostgreSQL counts them for a customer). */
export interface HealthFacts {
  daysSinceLastPurchase: number | null;
  purchasesLastYear: number;
  overdueInvoices: number;
  oldestDaysPastDue: number | null;
  openTickets: number;
  ratings: number;
  ratingSum: number;
  /** The average rating to two decimals (as PostgreSQL rounds it), for people to read. */
  ratingAverage: string | null;
}

export function factorValues(f: HealthFacts): Record<HealthFactorName, number> {
  return {
    RECENCY: recencyValue(f.daysSinceLastPurchase),
    FREQUENCY: frequencyValue(f.purchasesLastYear),
    OVERDUE_RECEIVABLES: overdueValue(f.oldestDaysPastDue),
    OPEN_TICKETS: openTicketsValue(f.openTickets),
    SATISFACTION: satisfactionValue(f.ratingSum, f.ratings),
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A line for people saying what a factor's value was computed from. */
export function factorDetail(name: HealthFactorName, f: HealthFacts): string {
  switch (name) {
    case 'RECENCY':
      return f.daysSinceLastPurchase === null
        ? 'No purchase yet'
        : `Last purchase ${plural(f.daysSinceLastPurchase, 'day')} ago`;
    case 'FREQUENCY':
      return `${plural(f.purchasesLastYear, 'purchase')} in the last 365 days`;
    case 'OVERDUE_RECEIVABLES':
      return f.overdueInvoices === 0
        ? 'No overdue invoices'
        : `${plural(f.overdueInvoices, 'overdue invoice')}, the oldest ${plural(f.oldestDaysPastDue!, 'day')} past due`;
    case 'OPEN_TICKETS':
      return `${plural(f.openTickets, 'open service ticket')}`;
    case 'SATISFACTION':
      return f.ratings === 0
        ? 'No satisfaction ratings in the last 365 days (neutral)'
        : `Average ${f.ratingAverage} over ${plural(f.ratings, 'rating')} in the last 365 days`;
  }
}
