import type { CustomerContext } from '../context.js';
import type { InsightRow } from '../db/insight-queries.js';
import type { CustomerRow } from '../db/schema.js';
import { factorDetail, HEALTH_FACTORS, HEALTH_WEIGHTS, type HealthFacts } from '../health.js';

async function insightOf(c: CustomerRow, ctx: CustomerContext): Promise<InsightRow> {
  const row = await ctx.loaders.insights.load(c.id);
  if (!row) throw new Error(`No insights for customer ${c.id}`);
  return row;
}

const factsOf = (r: InsightRow): HealthFacts => ({
  daysSinceLastPurchase: r.days_since_last_purchase,
  purchasesLastYear: r.purchases_last_year,
  overdueInvoices: r.overdue_invoices,
  oldestDaysPastDue: r.oldest_days_past_due,
  openTickets: r.open_tickets,
  ratings: r.ratings,
  ratingSum: r.rating_sum,
  ratingAverage: r.rating_average,
});

/** Customer fields derived from events (purchases, receivables) and tickets; computed in SQL (db/insight-sql.ts). */
export const insightFields = {
  lastPurchaseAt: async (c: CustomerRow, _: unknown, ctx: CustomerContext) =>
    (await insightOf(c, ctx)).last_purchase_on,
  purchaseCount: async (c: CustomerRow, _: unknown, ctx: CustomerContext) => (await insightOf(c, ctx)).purchase_count,
  nextPurchaseExpectedAt: async (c: CustomerRow, _: unknown, ctx: CustomerContext) =>
    (await insightOf(c, ctx)).next_purchase_on,
  healthScore: async (c: CustomerRow, _: unknown, ctx: CustomerContext) => (await insightOf(c, ctx)).health_score,
  healthFactors: async (c: CustomerRow, _: unknown, ctx: CustomerContext) => {
    const row = await insightOf(c, ctx);
    return HEALTH_FACTORS.map((name) => ({
      name,
      weight: HEALTH_WEIGHTS[name],
      value: row[`${name.toLowerCase()}_value` as keyof InsightRow] as number,
      detail: factorDetail(name, factsOf(row)),
    }));
  },
};
