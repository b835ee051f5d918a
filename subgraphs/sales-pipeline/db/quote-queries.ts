import { and, asc, desc, eq } from 'drizzle-orm';
import type { Queryable } from '../../../lib/db.js';
import { uuidv7 } from '../../../lib/ids.js';
import { anyOf } from '../../../lib/sql.js';
import { opportunityLines, quoteLines, quotes, type QuoteLineRow, type QuoteRow } from './schema.js';

export async function quotesByIds(db: Queryable, tenantId: string, ids: readonly string[]): Promise<QuoteRow[]> {
  return db
    .select()
    .from(quotes)
    .where(and(eq(quotes.tenantId, tenantId), anyOf(quotes.id, ids)));
}

export async function quotesOfOpportunities(
  db: Queryable,
  tenantId: string,
  opportunityIds: readonly string[],
): Promise<QuoteRow[]> {
  return db
    .select()
    .from(quotes)
    .where(and(eq(quotes.tenantId, tenantId), anyOf(quotes.opportunityId, opportunityIds)))
    .orderBy(desc(quotes.number));
}

export async function lockQuote(db: Queryable, tenantId: string, id: string): Promise<QuoteRow | null> {
  const [row] = await db
    .select()
    .from(quotes)
    .where(and(eq(quotes.tenantId, tenantId), eq(quotes.id, id)))
    .for('update');
  return row ?? null;
}

export async function insertQuote(db: Queryable, values: typeof quotes.$inferInsert): Promise<QuoteRow> {
  const [row] = await db.insert(quotes).values(values).returning();
  return row;
}

export async function updateQuote(
  db: Queryable,
  tenantId: string,
  id: string,
  patch: Partial<typeof quotes.$inferInsert>,
): Promise<QuoteRow> {
  const [row] = await db
    .update(quotes)
    .set(patch)
    .where(and(eq(quotes.tenantId, tenantId), eq(quotes.id, id)))
    .returning();
  return row;
}

/** What a line carries over between an opportunity and a quote (amounts are computed columns). */
const copiedLine = (l: {
  productId: string | null;
  description: string | null;
  quantity: string;
  unitPrice: string;
  discountPercent: string;
  position: number;
}) => ({
  productId: l.productId,
  description: l.description,
  quantity: l.quantity,
  unitPrice: l.unitPrice,
  discountPercent: l.discountPercent,
  position: l.position,
});

/** Copies the opportunity's lines into the quote, in one statement. */
export async function copyOpportunityLinesToQuote(
  db: Queryable,
  tenantId: string,
  opportunityId: string,
  quoteId: string,
) {
  const lines = await db
    .select()
    .from(opportunityLines)
    .where(and(eq(opportunityLines.tenantId, tenantId), eq(opportunityLines.opportunityId, opportunityId)))
    .orderBy(asc(opportunityLines.position));
  if (lines.length === 0) return;
  await db.insert(quoteLines).values(lines.map((l) => ({ ...copiedLine(l), tenantId, id: uuidv7(), quoteId })));
}

/** Replaces the opportunity's lines by the quote's (when the quote is accepted). */
export async function copyQuoteLinesToOpportunity(
  db: Queryable,
  tenantId: string,
  quoteId: string,
  opportunityId: string,
) {
  await db
    .delete(opportunityLines)
    .where(and(eq(opportunityLines.tenantId, tenantId), eq(opportunityLines.opportunityId, opportunityId)));
  const lines = await linesOfQuotes(db, tenantId, [quoteId]);
  if (lines.length === 0) return;
  await db
    .insert(opportunityLines)
    .values(lines.map((l) => ({ ...copiedLine(l), tenantId, id: uuidv7(), opportunityId })));
}

export async function linesOfQuotes(
  db: Queryable,
  tenantId: string,
  quoteIds: readonly string[],
): Promise<QuoteLineRow[]> {
  return db
    .select()
    .from(quoteLines)
    .where(and(eq(quoteLines.tenantId, tenantId), anyOf(quoteLines.quoteId, quoteIds)))
    .orderBy(asc(quoteLines.position), asc(quoteLines.id));
}

export async function quoteLineById(db: Queryable, tenantId: string, id: string): Promise<QuoteLineRow | null> {
  const [row] = await db
    .select()
    .from(quoteLines)
    .where(and(eq(quoteLines.tenantId, tenantId), eq(quoteLines.id, id)));
  return row ?? null;
}

export async function updateQuoteLine(
  db: Queryable,
  tenantId: string,
  id: string,
  patch: Partial<typeof quoteLines.$inferInsert>,
) {
  await db
    .update(quoteLines)
    .set(patch)
    .where(and(eq(quoteLines.tenantId, tenantId), eq(quoteLines.id, id)));
}

/** Is there an accepted quote for the opportunity already? */
export async function acceptedQuoteOf(db: Queryable, tenantId: string, opportunityId: string) {
  const [row] = await db
    .select({ id: quotes.id })
    .from(quotes)
    .where(and(eq(quotes.tenantId, tenantId), eq(quotes.opportunityId, opportunityId), eq(quotes.status, 'ACCEPTED')));
  return row ?? null;
}
