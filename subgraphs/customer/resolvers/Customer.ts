import { customFieldValues, type StoredValue } from '../../../lib/custom-fields.js';
import type { CustomerContext } from '../context.js';
import { interactionsOfCustomer, ticketsOfCustomer } from '../db/activity-queries.js';
import type { InsightRow } from '../db/insight-queries.js';
import type { CustomerResolvers } from '../generated/resolvers.js';
import { factorDetail, HEALTH_FACTORS, HEALTH_WEIGHTS, type HealthFacts } from '../health.js';

/** Purchases, forecast and health of a customer (db/insight-sql.ts), one statement per batch of customers. */
async function insightOf(customerId: string, ctx: CustomerContext): Promise<InsightRow> {
  const row = await ctx.loaders.insights.load(customerId);
  if (!row) throw new Error(`No insights for customer ${customerId}`);
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

export const Customer: CustomerResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.customer.load(ref.id),

  address: (c) => {
    const address = {
      line1: c.addressLine1,
      line2: c.addressLine2,
      city: c.city,
      region: c.region,
      postalCode: c.postalCode,
      country: c.country,
    };
    return Object.values(address).some((v) => v !== null) ? address : null;
  },

  customFields: async (c, _, ctx) =>
    customFieldValues(
      await ctx.loaders.customFieldDefinitions.load('CUSTOMER'),
      c.customFields as Record<string, StoredValue>,
    ),

  contacts: (c, _, ctx) => ctx.loaders.contactsOfCustomer.load(c.id),

  interactions: (c, args, ctx) => ctx.loaders.children(interactionsOfCustomer, c.id, args, {}),

  serviceTickets: (c, args, ctx) =>
    ctx.loaders.children(ticketsOfCustomer, c.id, args, { status: args.status ?? null }),

  satisfaction: (c, _, ctx) => ctx.loaders.satisfaction.load(c.id),

  // Derived from events (purchases, receivables) and tickets, computed in SQL (db/insight-sql.ts).
  lastPurchaseAt: async (c, _, ctx) => (await insightOf(c.id, ctx)).last_purchase_on,
  purchaseCount: async (c, _, ctx) => (await insightOf(c.id, ctx)).purchase_count,
  nextPurchaseExpectedAt: async (c, _, ctx) => (await insightOf(c.id, ctx)).next_purchase_on,
  healthScore: async (c, _, ctx) => (await insightOf(c.id, ctx)).health_score,
  healthFactors: async (c, _, ctx) => {
    const row = await insightOf(c.id, ctx);
    return HEALTH_FACTORS.map((name) => ({
      name,
      weight: HEALTH_WEIGHTS[name],
      value: row[`${name.toLowerCase()}_value` as keyof InsightRow] as number,
      detail: factorDetail(name, factsOf(row)),
    }));
  },
};
