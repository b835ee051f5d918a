import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Database } from '../../lib/db.js';
import * as rules from '../../subgraphs/customer/health.js';
import {
  frequencySql,
  healthScoreSql,
  openTicketsSql,
  overdueSql,
  recencySql,
  satisfactionSql,
} from '../../subgraphs/customer/db/insight-sql.js';

const {
  frequencyValue,
  healthScore,
  medianDays,
  nextPurchaseExpected,
  openTicketsValue,
  overdueValue,
  recencyValue,
  satisfactionValue,
} = rules;
const values = (v: number[]) =>
  Object.fromEntries(rules.HEALTH_FACTORS.map((f, i) => [f, v[i]])) as Record<rules.HealthFactorName, number>;

describe('repurchase rules', () => {
  it('takes the median interval, the mean of the middle two rounded half up for an even count', () => {
    expect(medianDays([])).toBeNull();
    expect(medianDays([12])).toBe(12);
    expect(medianDays([50, 30, 40])).toBe(40);
    expect(medianDays([30, 41])).toBe(36);
    expect(medianDays([1, 2])).toBe(2);
    expect(medianDays([0, 0, 7, 100])).toBe(4);
  });

  it('expects the next purchase the median interval after the last one; none with fewer than 2 purchases', () => {
    expect(nextPurchaseExpected([])).toBeNull();
    expect(nextPurchaseExpected(['2026-01-10'])).toBeNull();
    expect(nextPurchaseExpected(['2026-03-11', '2026-01-10', '2026-02-09', '2026-04-30'])).toBe('2026-05-30'); // 30, 30, 50: 30
    expect(nextPurchaseExpected(['2026-01-01', '2026-01-31', '2026-03-12', '2026-05-01'])).toBe('2026-06-10'); // 30, 40, 50: 40
    expect(nextPurchaseExpected(['2026-05-01', '2026-05-01'])).toBe('2026-05-01'); // same day: a 0-day interval
  });
});

describe('health rules', () => {
  it('weights sum to 100', () => {
    expect(Object.values(rules.HEALTH_WEIGHTS).reduce((a, b) => a + b)).toBe(100);
  });

  it('RECENCY: 100 up to 30 days, 0 from 365 days or without a purchase, linear in between', () => {
    expect([null, -3, 0, 30, 31, 100, 197, 364, 365, 900].map(recencyValue)).toEqual([
      0, 100, 100, 100, 100, 79, 50, 0, 0, 0,
    ]);
  });

  it('FREQUENCY: a sixth of 100 per purchase in the last 365 days, up to 6', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 40].map(frequencyValue)).toEqual([0, 17, 33, 50, 67, 83, 100, 100, 100]);
  });

  it('OVERDUE_RECEIVABLES: 100 without overdue invoices, then 100/90 less per day the oldest is past due', () => {
    expect([null, 1, 30, 45, 89, 90, 400].map(overdueValue)).toEqual([100, 99, 67, 50, 1, 0, 0]);
  });

  it('OPEN_TICKETS: 25 less per open ticket, not below 0', () => {
    expect([0, 1, 2, 3, 4, 9].map(openTicketsValue)).toEqual([100, 75, 50, 25, 0, 0]);
  });

  it('SATISFACTION: (average - 1) x 25, rounded half up; 50 without ratings', () => {
    expect(satisfactionValue(0, 0)).toBe(50);
    expect(satisfactionValue(1, 1)).toBe(0);
    expect(satisfactionValue(5, 1)).toBe(100);
    expect(satisfactionValue(3, 2)).toBe(13); // 12.5
    expect(satisfactionValue(9, 2)).toBe(88); // 87.5
    expect(satisfactionValue(10, 3)).toBe(58); // 58.33
  });

  it('score: weighted sum / 100, rounded half up', () => {
    expect(healthScore(values([0, 0, 100, 100, 50]))).toBe(43); // 42.5
    expect(healthScore(values([100, 100, 100, 100, 100]))).toBe(100);
    expect(healthScore(values([0, 0, 0, 0, 0]))).toBe(0);
    expect(healthScore(values([96, 33, 67, 50, 88]))).toBe(70); // 70.35
  });
});

describe('the SQL of the rules agrees with the plain functions', () => {
  let database: Database;
  beforeAll(() => {
    database = connect(inject('databaseUrl'));
  });
  afterAll(() => database.close());

  /** Evaluates `expression` (over columns a, b of the rows) in PostgreSQL, one statement for all rows. */
  async function evaluate(rows: (number | null)[][], expression: (a: SQL, b: SQL) => SQL): Promise<number[]> {
    const a = rows.map((r) => r[0]);
    const b = rows.map((r) => r[1] ?? 0);
    const result = (await database.db.execute(sql`
      select ${expression(sql`a`, sql`b`)} as v from unnest(${sql.param(a)}::int[], ${sql.param(b)}::int[]) with ordinality as t(a, b, i) order by i`)) as unknown as {
      v: number;
    }[];
    return result.map((r) => r.v);
  }
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it('for every input in range', async () => {
    const days = [null, ...range(-10, 500)];
    expect(
      await evaluate(
        days.map((d) => [d]),
        (a) => recencySql(a),
      ),
    ).toEqual(days.map(recencyValue));
    const counts = range(0, 50);
    expect(
      await evaluate(
        counts.map((n) => [n]),
        (a) => frequencySql(a),
      ),
    ).toEqual(counts.map(frequencyValue));
    expect(
      await evaluate(
        counts.map((n) => [n]),
        (a) => openTicketsSql(a),
      ),
    ).toEqual(counts.map(openTicketsValue));
    const overdue = [null, ...range(1, 400)];
    expect(
      await evaluate(
        overdue.map((d) => [d]),
        (a) => overdueSql(a),
      ),
    ).toEqual(overdue.map(overdueValue));
    const ratings = range(0, 40).flatMap((n) => range(n, 5 * n).map((sum) => [sum, n]));
    expect(await evaluate(ratings, (a, b) => satisfactionSql(a, b))).toEqual(
      ratings.map(([sum, n]) => satisfactionValue(sum, n)),
    );
  });

  it('for the score, over every value of one factor with the others fixed at each tenth', async () => {
    const combos = rules.HEALTH_FACTORS.flatMap((_, k) =>
      range(0, 100).flatMap((v) =>
        range(0, 10).map((t) => rules.HEALTH_FACTORS.map((__, j) => (j === k ? v : t * 10))),
      ),
    );
    const columns = rules.HEALTH_FACTORS.map((_, j) => sql`${sql.param(combos.map((c) => c[j]))}::int[]`);
    const byFactor = Object.fromEntries(rules.HEALTH_FACTORS.map((f, j) => [f, sql.raw(`c${j}`)])) as Record<
      rules.HealthFactorName,
      SQL
    >;
    const rows = (await database.db.execute(sql`
      select ${healthScoreSql(byFactor)} as v from unnest(${sql.join(columns, sql`, `)}) with ordinality as t(c0, c1, c2, c3, c4, i) order by i`)) as unknown as {
      v: number;
    }[];
    expect(rows.map((r) => r.v)).toEqual(combos.map((c) => healthScore(values(c))));
  });
});
