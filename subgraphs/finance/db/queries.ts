import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../../lib/db.js';
import { uuidv7 } from '../../../lib/ids.js';
import { anyOf } from '../../../lib/sql.js';
import { isBalanced, type Posting } from '../rules.js';
import { customerAccounts, invoiceSequences, journalEntries, journalLines, tenants } from './schema.js';

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
    .onConflictDoUpdate({
      target: [invoiceSequences.tenantId, invoiceSequences.year],
      set: { last: sql`${invoiceSequences.last} + 1` },
    })
    .returning({ n: invoiceSequences.last });
  return row.n;
}

export async function accountsOf(db: Queryable, tenantId: string, customerIds: readonly string[]) {
  return db
    .select()
    .from(customerAccounts)
    .where(and(eq(customerAccounts.tenantId, tenantId), anyOf(customerAccounts.customerId, customerIds)));
}

export async function upsertAccount(
  db: Queryable,
  tenantId: string,
  customerId: string,
  patch: { creditLimit?: string | null; paymentTermsDays?: number | null },
) {
  await db
    .insert(customerAccounts)
    .values({ tenantId, customerId, ...patch, updatedAt: new Date() })
    .onConflictDoUpdate({
      target: [customerAccounts.tenantId, customerAccounts.customerId],
      set: { ...patch, updatedAt: new Date() },
    });
}

/** Posts one journal entry; an unbalanced one is a programming error and never reaches the ledger. */
export async function post(
  db: Queryable,
  tenantId: string,
  entry: { postedOn: string; description: string; reference: string | null },
  postings: Posting[],
) {
  if (!isBalanced(postings)) throw new Error(`Unbalanced journal entry: ${entry.description} ${entry.reference ?? ''}`);
  const id = uuidv7();
  await db.insert(journalEntries).values({ tenantId, id, ...entry, createdAt: new Date() });
  await db.insert(journalLines).values(
    postings.map((p, i) => ({
      tenantId,
      entryId: id,
      position: i + 1,
      accountCode: p.account,
      debit: p.debit ?? '0',
      credit: p.credit ?? '0',
    })),
  );
  return id;
}
