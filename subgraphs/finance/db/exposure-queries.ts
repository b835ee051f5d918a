import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../../lib/db.js';
import { customerAccounts, orderExposures } from './schema.js';

type Exposure = Pick<typeof orderExposures.$inferInsert, 'tenantId' | 'orderId' | 'customerId' | 'amount'>;

/**
 * Which order_exposures rows count as exposure now: confirmed orders, and reservations that have
 * not expired (a reservation whose confirmation never happened stops holding credit by itself).
 * `now()` is the database's clock, the same that set reserved_until.
 */
const COUNTS = sql.raw(`(e.status = 'CONFIRMED' or (e.status = 'RESERVED' and e.reserved_until > now()))`);

/**
 * A confirmed order counts as unbilled exposure (replacing its reservation, if any). Never revives
 * a cancelled order: a cancellation that arrived first (events may be reordered) keeps it CANCELLED.
 */
export async function confirmOrderExposure(db: Queryable, values: Exposure) {
  await db
    .insert(orderExposures)
    .values({ ...values, status: 'CONFIRMED', updatedAt: new Date() })
    .onConflictDoUpdate({
      target: [orderExposures.tenantId, orderExposures.orderId],
      set: {
        amount: values.amount,
        customerId: values.customerId,
        status: 'CONFIRMED',
        reservedUntil: null,
        updatedAt: new Date(),
      },
      setWhere: sql`${orderExposures.status} in ('CONFIRMED', 'RESERVED')`,
    });
}

/** A cancelled order no longer counts, whether its confirmation came before or comes later. */
export async function cancelOrderExposure(db: Queryable, values: Exposure) {
  await db
    .insert(orderExposures)
    .values({ ...values, status: 'CANCELLED', updatedAt: new Date() })
    .onConflictDoUpdate({
      target: [orderExposures.tenantId, orderExposures.orderId],
      set: { status: 'CANCELLED', reservedUntil: null, updatedAt: new Date() },
    });
}

/**
 * Holds `amount` for an order being confirmed until now() + `minutes`. A retry renews the same
 * row (one reservation per order); an order finance already knows as CONFIRMED or CANCELLED
 * keeps that state (its events are the truth).
 */
export async function reserveOrderExposure(db: Queryable, values: Exposure, minutes: number) {
  const until = sql`now() + make_interval(mins => ${minutes})`;
  await db
    .insert(orderExposures)
    .values({ ...values, status: 'RESERVED', reservedUntil: until, updatedAt: new Date() })
    .onConflictDoUpdate({
      target: [orderExposures.tenantId, orderExposures.orderId],
      set: { amount: values.amount, customerId: values.customerId, reservedUntil: until, updatedAt: new Date() },
      setWhere: sql`${orderExposures.status} = 'RESERVED'`,
    });
  const [row] = await db
    .select({ status: orderExposures.status, reservedUntil: orderExposures.reservedUntil })
    .from(orderExposures)
    .where(and(eq(orderExposures.tenantId, values.tenantId), eq(orderExposures.orderId, values.orderId)));
  return row;
}

/**
 * Locks the customer's account row (creating it, without a limit, if the customer has none yet):
 * credit decisions for one customer then run one at a time, each seeing the reservations of
 * those before it. Returns the credit limit.
 */
export async function lockAccount(db: Queryable, tenantId: string, customerId: string): Promise<string | null> {
  await db.insert(customerAccounts).values({ tenantId, customerId, updatedAt: new Date() }).onConflictDoNothing();
  const [row] = await db
    .select({ creditLimit: customerAccounts.creditLimit })
    .from(customerAccounts)
    .where(and(eq(customerAccounts.tenantId, tenantId), eq(customerAccounts.customerId, customerId)))
    .for('update');
  return row.creditLimit;
}

/** Whether finance knows the order from its events or a reservation (its invoices come from shipments). */
export async function isKnownOrder(db: Queryable, tenantId: string, orderId: string): Promise<boolean> {
  const rows = await db
    .select({ orderId: orderExposures.orderId })
    .from(orderExposures)
    .where(and(eq(orderExposures.tenantId, tenantId), eq(orderExposures.orderId, orderId)));
  return rows.length > 0;
}

/**
 * Orders' amounts (confirmed, or reserved and not expired) not yet covered by issued invoices,
 * per customer; `exceptOrderId` leaves one order out (a reservation being renewed must not count
 * itself). Order totals are net of tax, so what is billed is counted net too (the invoices'
 * subtotals): a part shipped and invoiced leaves unbilled exactly the net value of what is still
 * to be invoiced, and counts once, in outstanding receivables (with its tax).
 */
export async function unbilledOfCustomers(
  db: Queryable,
  tenantId: string,
  customerIds: readonly string[],
  exceptOrderId: string | null = null,
) {
  return (await db.execute(sql`
    select e.customer_id, sum(greatest(e.amount - coalesce(billed.total, 0), 0))::text as unbilled
    from finance.order_exposures e
    left join (select order_id, sum(subtotal) as total from finance.invoices
               where tenant_id = ${tenantId} and order_id is not null and status <> 'DRAFT' and status <> 'VOID' group by order_id) billed
      on billed.order_id = e.order_id
    where e.tenant_id = ${tenantId} and e.customer_id = any(${sql.param([...customerIds])}::uuid[]) and ${COUNTS}
      and e.order_id is distinct from ${exceptOrderId}::uuid
    group by e.customer_id`)) as unknown as { customer_id: string; unbilled: string }[];
}
