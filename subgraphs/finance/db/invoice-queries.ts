import { and, asc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../../lib/db.js';
import { countOf, type KeysetOrder, pageOf } from '../../../lib/keyset.js';
import type { ChildList } from '../../../lib/list-connection.js';
import { timeKey, type PageWindow } from '../../../lib/pagination.js';
import { anyOf, idEquals } from '../../../lib/sql.js';
import { invoiceLines, invoices, type InvoiceLineRow, type InvoiceRow } from './schema.js';

export async function invoicesByIds(db: Queryable, tenantId: string, ids: readonly string[]): Promise<InvoiceRow[]> {
  return db
    .select()
    .from(invoices)
    .where(and(eq(invoices.tenantId, tenantId), anyOf(invoices.id, ids)));
}

export async function invoiceByNumber(
  db: Queryable,
  tenantId: string,
  year: number,
  number: number,
): Promise<InvoiceRow | null> {
  const [row] = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.tenantId, tenantId), eq(invoices.year, year), eq(invoices.number, number)));
  return row ?? null;
}

/** Locks invoices in id order, so that concurrent payers of the same invoices never deadlock. */
export async function lockInvoices(db: Queryable, tenantId: string, ids: readonly string[]): Promise<InvoiceRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(invoices)
    .where(and(eq(invoices.tenantId, tenantId), anyOf(invoices.id, ids)))
    .orderBy(asc(invoices.id))
    .for('update');
}

/** A customer's issued invoices with a balance, oldest due first, locked. */
export async function lockOpenInvoicesOfCustomer(
  db: Queryable,
  tenantId: string,
  customerId: string,
): Promise<InvoiceRow[]> {
  const rows = await db
    .select()
    .from(invoices)
    .where(
      and(
        eq(invoices.tenantId, tenantId),
        eq(invoices.customerId, customerId),
        anyOf(invoices.status, ['OPEN', 'PARTIALLY_PAID'], 'text'),
      ),
    )
    .orderBy(asc(invoices.id))
    .for('update');
  return rows.sort(
    (a, b) =>
      (a.dueDate ?? '').localeCompare(b.dueDate ?? '') ||
      (a.year ?? 0) - (b.year ?? 0) ||
      (a.number ?? 0) - (b.number ?? 0),
  );
}

export interface InvoiceFilter {
  status?: string[] | null;
  customerId?: string | null;
  overdueAsOf?: string | null;
  issuedAfter?: string | null;
  issuedBefore?: string | null;
  updatedSince?: Date | null;
}

function invoiceConditions(tenantId: string, filter: InvoiceFilter): SQL {
  return and(
    eq(invoices.tenantId, tenantId),
    filter.status?.length ? anyOf(invoices.status, filter.status, 'text') : undefined,
    filter.customerId ? idEquals(invoices.customerId, filter.customerId) : undefined,
    // Overdue on that day by the balance on that day: payments received later don't count.
    filter.overdueAsOf
      ? sql`${invoices.status} not in ('DRAFT', 'VOID') and ${invoices.issueDate} <= ${filter.overdueAsOf}::date and ${invoices.dueDate} < ${filter.overdueAsOf}::date
          and ${invoices.total} > coalesce((select sum(a.amount) from finance.payment_allocations a
            join finance.payments p on p.tenant_id = a.tenant_id and p.id = a.payment_id
            where a.tenant_id = ${invoices.tenantId} and a.invoice_id = ${invoices.id} and p.received_on <= ${filter.overdueAsOf}::date), 0)`
      : undefined,
    filter.issuedAfter ? gte(invoices.issueDate, filter.issuedAfter) : undefined,
    filter.issuedBefore ? lte(invoices.issueDate, filter.issuedBefore) : undefined,
    filter.updatedSince ? gte(invoices.updatedAt, filter.updatedSince) : undefined,
  )!;
}

export const invoiceOrders = {
  CREATED_AT: { column: invoices.createdAt, cast: 'timestamptz', id: invoices.id },
  ISSUE_DATE: { column: sql`coalesce(${invoices.issueDate}, 'infinity'::date)`, cast: 'date', id: invoices.id },
  DUE_DATE: { column: sql`coalesce(${invoices.dueDate}, 'infinity'::date)`, cast: 'date', id: invoices.id },
  TOTAL: { column: invoices.total, cast: 'numeric', id: invoices.id },
  UPDATED_AT: { column: invoices.updatedAt, cast: 'timestamptz', id: invoices.id },
} as const;

export async function listInvoices(
  db: Queryable,
  tenantId: string,
  filter: InvoiceFilter,
  order: KeysetOrder,
  window: PageWindow,
) {
  return pageOf<typeof invoices.$inferSelect>(db, invoices, invoiceConditions(tenantId, filter), order, window);
}

export async function countInvoices(db: Queryable, tenantId: string, filter: InvoiceFilter): Promise<number> {
  return countOf(db, invoices, invoiceConditions(tenantId, filter));
}

/** A customer's invoices, newest first, of one status or all (Customer.invoices). */
export const invoicesOfCustomer: ChildList<InvoiceRow, { status: string | null }> = {
  table: invoices,
  tenant: invoices.tenantId,
  parent: invoices.customerId,
  parentOf: (r) => r.customerId,
  order: { column: invoices.createdAt, cast: 'timestamptz', id: invoices.id, direction: 'DESC' },
  cursor: (r) => timeKey(r.createdAt),
  where: ({ status }) => (status ? eq(invoices.status, status) : undefined),
};

export async function insertInvoice(db: Queryable, values: typeof invoices.$inferInsert): Promise<InvoiceRow> {
  const [row] = await db.insert(invoices).values(values).returning();
  return row;
}

/** Inserts the invoice of a shipment unless the shipment already has one (null then). */
export async function insertShipmentInvoice(
  db: Queryable,
  values: typeof invoices.$inferInsert & { shipmentId: string },
): Promise<InvoiceRow | null> {
  const [row] = await db
    .insert(invoices)
    .values(values)
    .onConflictDoNothing({ target: [invoices.tenantId, invoices.shipmentId] })
    .returning();
  return row ?? null;
}

/** Applies a patch and recomputes subtotal, tax and total as the exact sums of the lines. */
export async function updateInvoice(
  db: Queryable,
  tenantId: string,
  id: string,
  patch: Partial<typeof invoices.$inferInsert> = {},
): Promise<InvoiceRow> {
  const sums = (column: string) =>
    sql`coalesce((select sum(l.${sql.raw(column)}) from finance.invoice_lines l where l.tenant_id = ${tenantId} and l.invoice_id = ${id}), 0)`;
  const [row] = await db
    .update(invoices)
    .set({ ...patch, subtotal: sums('amount'), taxTotal: sums('tax'), total: sql`${sums('amount')} + ${sums('tax')}` })
    .where(and(eq(invoices.tenantId, tenantId), eq(invoices.id, id)))
    .returning();
  return row;
}

export async function linesOfInvoices(
  db: Queryable,
  tenantId: string,
  invoiceIds: readonly string[],
): Promise<InvoiceLineRow[]> {
  return db
    .select()
    .from(invoiceLines)
    .where(and(eq(invoiceLines.tenantId, tenantId), anyOf(invoiceLines.invoiceId, invoiceIds)))
    .orderBy(asc(invoiceLines.position));
}

export async function insertLines(db: Queryable, values: (typeof invoiceLines.$inferInsert)[]) {
  if (values.length) await db.insert(invoiceLines).values(values);
}
