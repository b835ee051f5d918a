import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../../lib/db.js';
import { uuidv7 } from '../../../lib/ids.js';
import { anyOf } from '../../../lib/sql.js';
import { isBalanced, type Posting } from '../rules.js';
import { customerAccounts, invoiceSequences, journalEntries, journalLines, orderExposures, tenants } from './schema.js';

export async function provisionTenant(db: Queryable, tenantId: string): Promise<void> {
  await db.insert(tenants).values({ id: tenantId }).onConflictDoNothing();
}

export async function tenantById(db: Queryable, tenantId: string) {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
  return row;
}

export async function setTaxRate(db: Queryable, tenantId: string, taxRate: string) {
  const [row] = await db.update(tenants).set({ taxRate }).where(eq(tenants.id, tenantId)).returning();
  return row;
}

/** The next invoice number of the year; the row lock keeps concurrent issues in line, without gaps. */
export async function nextInvoiceNumber(db: Queryable, tenantId: string, year: number): Promise<number> {
  const [row] = await db
    .insert(invoiceSequences)
    .values({ tenantId, year, last: 1 })
    .onConflictDoUpdate({ target: [invoiceSequences.tenantId, invoiceSequences.year], set: { last: sql`${invoiceSequences.last} + 1` } })
    .returning({ n: invoiceSequences.last });
  return row.n;
}

export async function accountsOf(db: Queryable, tenantId: string, customerIds: readonly string[]) {
  return db.select().from(customerAccounts).where(and(eq(customerAccounts.tenantId, tenantId), anyOf(customerAccounts.customerId, customerIds)));
}

export async function upsertAccount(db: Queryable, tenantId: string, customerId: string, patch: { creditLimit?: string | null; paymentTermsDays?: number | null }) {
  await db
    .insert(customerAccounts)
    .values({ tenantId, customerId, ...patch, updatedAt: new Date() })
    .onConflictDoUpdate({ target: [customerAccounts.tenantId, customerAccounts.customerId], set: { ...patch, updatedAt: new Date() } });
}

type Exposure = Pick<typeof orderExposures.$inferInsert, 'tenantId' | 'orderId' | 'customerId' | 'amount'>;

/**
 * A confirmed order counts as unbilled exposure. Never revives a cancelled order: a cancellation
 * that arrived first (events may be reordered) keeps the order CANCELLED.
 */
export async function confirmOrderExposure(db: Queryable, values: Exposure) {
  await db
    .insert(orderExposures)
    .values({ ...values, status: 'CONFIRMED', updatedAt: new Date() })
    .onConflictDoUpdate({
      target: [orderExposures.tenantId, orderExposures.orderId],
      set: { amount: values.amount, customerId: values.customerId, updatedAt: new Date() },
      setWhere: sql`${orderExposures.status} = 'CONFIRMED'`,
    });
}

/** A cancelled order no longer counts, whether its confirmation came before or comes later. */
export async function cancelOrderExposure(db: Queryable, values: Exposure) {
  await db
    .insert(orderExposures)
    .values({ ...values, status: 'CANCELLED', updatedAt: new Date() })
    .onConflictDoUpdate({ target: [orderExposures.tenantId, orderExposures.orderId], set: { status: 'CANCELLED', updatedAt: new Date() } });
}

/**
 * Confirmed orders' amounts not yet covered by issued invoices, per customer. Order totals are
 * net of tax, so what is billed is counted net too (the invoices' subtotals): a part shipped and
 * invoiced leaves unbilled exactly the net value of what is still to be invoiced, and counts once,
 * in outstanding receivables (with its tax).
 */
export async function unbilledOfCustomers(db: Queryable, tenantId: string, customerIds: readonly string[]) {
  return (await db.execute(sql`
    select e.customer_id, sum(greatest(e.amount - coalesce(billed.total, 0), 0))::text as unbilled
    from finance.order_exposures e
    left join (select order_id, sum(subtotal) as total from finance.invoices
               where tenant_id = ${tenantId} and order_id is not null and status <> 'DRAFT' and status <> 'VOID' group by order_id) billed
      on billed.order_id = e.order_id
    where e.tenant_id = ${tenantId} and e.customer_id = any(${sql.param([...customerIds])}::uuid[]) and e.status = 'CONFIRMED'
    group by e.customer_id`)) as unknown as { customer_id: string; unbilled: string }[];
}

/** Posts one journal entry; an unbalanced one is a programming error and never reaches the ledger. */
export async function post(db: Queryable, tenantId: string, entry: { postedOn: string; description: string; reference: string | null }, postings: Posting[]) {
  if (!isBalanced(postings)) throw new Error(`Unbalanced journal entry: ${entry.description} ${entry.reference ?? ''}`);
  const id = uuidv7();
  await db.insert(journalEntries).values({ tenantId, id, ...entry, createdAt: new Date() });
  await db.insert(journalLines).values(
    postings.map((p, i) => ({ tenantId, entryId: id, position: i + 1, accountCode: p.account, debit: p.debit ?? '0', credit: p.credit ?? '0' })),
  );
  return id;
}
