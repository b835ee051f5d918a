import { and, asc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../../lib/db.js';
import { countOf, type KeysetOrder, pageOf } from '../../../lib/keyset.js';
import type { ChildList } from '../../../lib/list-connection.js';
import { timeKey, type PageWindow } from '../../../lib/pagination.js';
import { dec } from '../../../lib/money.js';
import { anyOf, idEquals } from '../../../lib/sql.js';
import { paymentAllocations, payments, type AllocationRow, type PaymentRow } from './schema.js';

export async function paymentsByIds(db: Queryable, tenantId: string, ids: readonly string[]): Promise<PaymentRow[]> {
  return db
    .select()
    .from(payments)
    .where(and(eq(payments.tenantId, tenantId), anyOf(payments.id, ids)));
}

export async function lockPayment(db: Queryable, tenantId: string, id: string): Promise<PaymentRow | null> {
  const [row] = await db
    .select()
    .from(payments)
    .where(and(eq(payments.tenantId, tenantId), eq(payments.id, id)))
    .for('update');
  return row ?? null;
}

export interface PaymentFilter {
  customerId?: string | null;
  receivedAfter?: string | null;
  receivedBefore?: string | null;
  unallocated?: boolean | null;
  updatedSince?: Date | null;
}

function paymentConditions(tenantId: string, filter: PaymentFilter): SQL {
  return and(
    eq(payments.tenantId, tenantId),
    filter.customerId ? idEquals(payments.customerId, filter.customerId) : undefined,
    filter.receivedAfter ? gte(payments.receivedOn, filter.receivedAfter) : undefined,
    filter.receivedBefore ? lte(payments.receivedOn, filter.receivedBefore) : undefined,
    filter.unallocated === true ? sql`${payments.allocated} < ${payments.amount}` : undefined,
    filter.unallocated === false ? sql`${payments.allocated} = ${payments.amount}` : undefined,
    filter.updatedSince ? gte(payments.updatedAt, filter.updatedSince) : undefined,
  )!;
}

export const paymentOrder: KeysetOrder = {
  column: payments.createdAt,
  cast: 'timestamptz',
  id: payments.id,
  direction: 'DESC',
};

export const paymentOrders = {
  CREATED_AT: { column: payments.createdAt, cast: 'timestamptz', id: payments.id },
  UPDATED_AT: { column: payments.updatedAt, cast: 'timestamptz', id: payments.id },
} as const;

export async function listPayments(
  db: Queryable,
  tenantId: string,
  filter: PaymentFilter,
  order: KeysetOrder,
  window: PageWindow,
) {
  return pageOf<typeof payments.$inferSelect>(db, payments, paymentConditions(tenantId, filter), order, window);
}

export async function countPayments(db: Queryable, tenantId: string, filter: PaymentFilter): Promise<number> {
  return countOf(db, payments, paymentConditions(tenantId, filter));
}

/** A customer's payments, newest first (Customer.payments). */
export const paymentsOfCustomer: ChildList<PaymentRow, object> = {
  table: payments,
  tenant: payments.tenantId,
  parent: payments.customerId,
  parentOf: (r) => r.customerId,
  order: paymentOrder,
  cursor: (r) => timeKey(r.createdAt),
};

export async function insertPayment(db: Queryable, values: typeof payments.$inferInsert): Promise<PaymentRow> {
  const [row] = await db.insert(payments).values(values).returning();
  return row;
}

/**
 * Records allocations and applies them to the payment and the invoices (whose status follows
 * what is paid); returns the invoices they paid off. The CHECK constraints refuse over-payment
 * even if the caller got it wrong.
 */
export async function applyAllocations(
  db: Queryable,
  tenantId: string,
  paymentId: string,
  allocations: { invoiceId: string; amount: string }[],
) {
  if (allocations.length === 0) return [];
  await db
    .insert(paymentAllocations)
    .values(
      allocations.map((a) => ({
        tenantId,
        paymentId,
        invoiceId: a.invoiceId,
        amount: a.amount,
        createdAt: new Date(),
      })),
    )
    .onConflictDoUpdate({
      target: [paymentAllocations.tenantId, paymentAllocations.paymentId, paymentAllocations.invoiceId],
      set: { amount: sql`${paymentAllocations.amount} + excluded.amount` },
    });
  const total = allocations.reduce((sum, a) => sum.plus(a.amount), dec(0)).toFixed(2);
  await db.execute(
    sql`update finance.payments set allocated = allocated + ${total}::numeric where tenant_id = ${tenantId} and id = ${paymentId}`,
  );
  const updated = (await db.execute(sql`
    update finance.invoices i
    set amount_paid = i.amount_paid + v.amount,
        status = case when i.amount_paid + v.amount >= i.total then 'PAID' else 'PARTIALLY_PAID' end
    from unnest(${sql.param(allocations.map((a) => a.invoiceId))}::uuid[], ${sql.param(allocations.map((a) => a.amount))}::text[]::numeric[]) as v(id, amount)
    where i.tenant_id = ${tenantId} and i.id = v.id
    returning i.id, i.year, i.number, i.customer_id, i.order_id, i.total::text, i.currency, i.status`)) as unknown as PaidOff[];
  return updated.filter((i) => i.status === 'PAID');
}

export interface PaidOff {
  id: string;
  year: number;
  number: number;
  customer_id: string;
  order_id: string | null;
  total: string;
  currency: string;
  status: string;
}

export async function allocationsOfPayments(
  db: Queryable,
  tenantId: string,
  paymentIds: readonly string[],
): Promise<AllocationRow[]> {
  return db
    .select()
    .from(paymentAllocations)
    .where(and(eq(paymentAllocations.tenantId, tenantId), anyOf(paymentAllocations.paymentId, paymentIds)))
    .orderBy(asc(paymentAllocations.createdAt));
}

/** Allocations to these invoices, with the day their payment was received (for balances as of a day). */
export async function allocationsOfInvoices(db: Queryable, tenantId: string, invoiceIds: readonly string[]) {
  const rows = await db
    .select({ allocation: paymentAllocations, receivedOn: payments.receivedOn })
    .from(paymentAllocations)
    .innerJoin(
      payments,
      and(eq(payments.tenantId, paymentAllocations.tenantId), eq(payments.id, paymentAllocations.paymentId)),
    )
    .where(and(eq(paymentAllocations.tenantId, tenantId), anyOf(paymentAllocations.invoiceId, invoiceIds)))
    .orderBy(asc(paymentAllocations.createdAt));
  return rows.map((r) => ({ ...r.allocation, receivedOn: r.receivedOn }));
}
