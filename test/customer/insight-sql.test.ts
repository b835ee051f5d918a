import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { daysBetween, todayUtc } from '../../lib/dates.js';
import { connect, type Database } from '../../lib/db.js';
import { uuidv7 } from '../../lib/ids.js';
import { insightsOf } from '../../subgraphs/customer/db/insight-queries.js';
import { customers, purchases, receivables, serviceTickets } from '../../subgraphs/customer/db/schema.js';
import {
  factorValues,
  HEALTH_FACTORS,
  healthScore,
  nextPurchaseExpected,
  type HealthFacts,
} from '../../subgraphs/customer/health.js';
import { newTenant } from '../support/stack.js';
import { day } from './insight-support.js';

/** Any whole number in the range, often one at the edges the rules draw. */
const around = (min: number, max: number, edges: number[]) =>
  fc.oneof(fc.integer({ min, max }), fc.constantFrom(...edges));

/** A customer's history, by day offsets from today. */
const history = fc.record({
  purchases: fc.array(around(-800, 3, [-366, -365, -364, -31, -30, 0]), { maxLength: 9 }),
  invoices: fc.array(
    fc.record({ status: fc.constantFrom('OPEN', 'PAID', 'VOID'), due: around(-200, 30, [-91, -90, -89, -1, 0]) }),
    { maxLength: 4 },
  ),
  tickets: fc.array(
    fc.record({
      status: fc.constantFrom('OPEN', 'IN_PROGRESS', 'RESOLVED', 'CLOSED'),
      score: fc.option(fc.integer({ min: 1, max: 5 })),
      ratedDaysAgo: around(-1, 400, [363, 364, 365]),
      ratedMs: around(0, 86_399_999, [0, 86_399_999]),
    }),
    { maxLength: 5 },
  ),
});
type History = typeof history extends fc.Arbitrary<infer H> ? H : never;

/** What the plain rules make of a history. */
function expected(h: History, today: string) {
  const dates = h.purchases.map(day);
  const windowStart = Date.parse(`${day(-364)}T00:00:00Z`);
  const overdue = h.invoices.filter((i) => i.status === 'OPEN' && i.due < 0).map((i) => -i.due);
  const rated = h.tickets.filter((t) => t.score !== null && ratedAt(t) >= windowStart);
  const scoreSum = rated.reduce((sum, t) => sum + t.score!, 0);
  const facts: HealthFacts = {
    daysSinceLastPurchase: dates.length ? daysBetween([...dates].sort().at(-1)!, today) : null,
    purchasesLastYear: dates.filter((d) => daysBetween(d, today) < 365).length,
    overdueInvoices: overdue.length,
    oldestDaysPastDue: overdue.length ? Math.max(...overdue) : null,
    openTickets: h.tickets.filter((t) => t.status === 'OPEN' || t.status === 'IN_PROGRESS').length,
    ratings: rated.length,
    ratingSum: scoreSum,
    // At most 5 ratings: no average falls on a float tie.
    ratingAverage: rated.length ? (Math.round((scoreSum * 100) / rated.length) / 100).toFixed(2) : null,
  };
  const values = factorValues(facts);
  return { purchaseCount: dates.length, next: nextPurchaseExpected(dates), facts, values, score: healthScore(values) };
}

const ratedAt = (t: History['tickets'][number]) => Date.parse(`${day(-t.ratedDaysAgo)}T00:00:00Z`) + t.ratedMs;

describe('customerInsightsSql', () => {
  let database: Database;
  beforeAll(() => {
    database = connect(inject('databaseUrl'));
  });
  afterAll(() => database.close());

  it('agrees with the plain rules on 300 generated customer histories', async () => {
    const tenantId = newTenant();
    const histories = fc.sample(history, { numRuns: 300, seed: 20261128 });
    const ids = histories.map(() => uuidv7());
    const now = new Date();
    await database.db
      .insert(customers)
      .values(ids.map((id, i) => ({ tenantId, id, name: `C${i}`, kind: 'COMPANY', createdAt: now, updatedAt: now })));
    const p = histories.flatMap((h, i) =>
      h.purchases.map((offset) => ({
        tenantId,
        sourceId: uuidv7(),
        source: 'ORDER',
        customerId: ids[i],
        purchasedOn: day(offset),
        amount: '1.00',
        currency: 'CNY',
      })),
    );
    const r = histories.flatMap((h, i) =>
      h.invoices.map((inv) => ({
        tenantId,
        invoiceId: uuidv7(),
        customerId: ids[i],
        status: inv.status,
        total: '1.00',
        currency: 'CNY',
        dueDate: day(inv.due),
      })),
    );
    const t = histories.flatMap((h, i) =>
      h.tickets.map((tk) => ({
        tenantId,
        id: uuidv7(),
        customerId: ids[i],
        subject: 'T',
        status: tk.status,
        priority: 'NORMAL',
        openedAt: now,
        satisfactionScore: tk.score,
        satisfactionAt: tk.score === null ? null : new Date(ratedAt(tk)),
      })),
    );
    if (p.length) await database.db.insert(purchases).values(p);
    if (r.length) await database.db.insert(receivables).values(r);
    if (t.length) await database.db.insert(serviceTickets).values(t);

    const today = todayUtc();
    const rows = new Map((await insightsOf(database.db, tenantId, today, ids)).map((row) => [row.customer_id, row]));
    expect(rows.size).toBe(ids.length);
    histories.forEach((h, i) => {
      const row = rows.get(ids[i])!;
      const want = expected(h, today);
      const got = {
        purchaseCount: row.purchase_count,
        next: row.next_purchase_on,
        facts: {
          daysSinceLastPurchase: row.days_since_last_purchase,
          purchasesLastYear: row.purchases_last_year,
          overdueInvoices: row.overdue_invoices,
          oldestDaysPastDue: row.oldest_days_past_due,
          openTickets: row.open_tickets,
          ratings: row.ratings,
          ratingSum: row.rating_sum,
          ratingAverage: row.rating_average,
        },
        values: Object.fromEntries(HEALTH_FACTORS.map((f) => [f, row[`${f.toLowerCase()}_value` as keyof typeof row]])),
        score: row.health_score,
      };
      expect(got, JSON.stringify(h)).toEqual(want);
    });
  });
});
