import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../../lib/db.js';
import { customerInsightsSql } from './insight-sql.js';
import { purchases, receivables } from './insight-schema.js';
import { customers } from './schema.js';

/** Records a purchase once per order (or order-less invoice); a repeat keeps the earliest date. */
export async function recordPurchase(db: Queryable, values: typeof purchases.$inferInsert): Promise<void> {
  await db
    .insert(purchases)
    .values(values)
    .onConflictDoUpdate({
      target: [purchases.tenantId, purchases.sourceId],
      set: { purchasedOn: sql`least(${purchases.purchasedOn}, excluded.purchased_on)` },
    });
}

/**
 * Inserts or advances the mirror of an invoice. Whatever order the events come in, the row ends in
 * the state furthest along (OPEN < PAID, VOID) and keeps every fact any of them brought.
 */
export async function upsertReceivable(db: Queryable, values: typeof receivables.$inferInsert): Promise<void> {
  const keep = (column: AnyPgColumn) => sql`coalesce(excluded.${sql.identifier(column.name)}, ${column})`;
  await db
    .insert(receivables)
    .values(values)
    .onConflictDoUpdate({
      target: [receivables.tenantId, receivables.invoiceId],
      set: {
        status: sql`case when ${receivables.status} = 'OPEN' then excluded.status else ${receivables.status} end`,
        orderId: keep(receivables.orderId),
        total: keep(receivables.total),
        currency: keep(receivables.currency),
        dueDate: keep(receivables.dueDate),
        paidOn: keep(receivables.paidOn),
        updatedAt: new Date(),
      },
    });
}

/** What customerInsightsSql returns for one customer (dates as YYYY-MM-DD). */
export interface InsightRow {
  customer_id: string;
  purchase_count: number;
  last_purchase_on: string | null;
  next_purchase_on: string | null;
  days_since_last_purchase: number | null;
  purchases_last_year: number;
  overdue_invoices: number;
  oldest_days_past_due: number | null;
  open_tickets: number;
  ratings: number;
  rating_sum: number;
  rating_average: string | null;
  recency_value: number;
  frequency_value: number;
  overdue_receivables_value: number;
  open_tickets_value: number;
  satisfaction_value: number;
  health_score: number;
}

/** The insights of many customers in one statement. */
export async function insightsOf(
  db: Queryable,
  tenantId: string,
  today: string,
  customerIds: readonly string[],
): Promise<InsightRow[]> {
  return (await db.execute(sql`
    select i.*, i.last_purchase_on::text as last_purchase_on, i.next_purchase_on::text as next_purchase_on
    from (${customerInsightsSql(tenantId, today, customerIds)}) i`)) as unknown as InsightRow[];
}

export interface InsightFilter {
  repurchaseDueBefore?: string | null;
  lastPurchaseBefore?: string | null;
  healthBelow?: number | null;
}

/** `customers.id in (...)` for the insight filters that are set (undefined when none is). */
export function insightCondition(tenantId: string, today: string, filter: InsightFilter): SQL | undefined {
  const conditions: SQL[] = [];
  if (filter.repurchaseDueBefore != null)
    conditions.push(sql`i.next_purchase_on < ${filter.repurchaseDueBefore}::date`);
  if (filter.lastPurchaseBefore != null) conditions.push(sql`i.last_purchase_on < ${filter.lastPurchaseBefore}::date`);
  if (filter.healthBelow != null) conditions.push(sql`i.health_score < ${filter.healthBelow}::int`);
  if (conditions.length === 0) return undefined;
  return sql`${customers.id} in (select i.customer_id from (${customerInsightsSql(tenantId, today, null)}) i where ${sql.join(conditions, sql` and `)})`;
}
