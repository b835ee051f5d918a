import { and, asc, count, eq, gte, lte, sql } from 'drizzle-orm';
import type { Queryable } from '../../../lib/db.js';
import { keysetOrderBy, keysetWhere, type KeysetOrder } from '../../../lib/keyset.js';
import type { PageWindow } from '../../../lib/pagination.js';
import { anyOf } from '../../../lib/sql.js';
import { journalEntries, journalLines, type JournalLineRow } from './schema.js';

export const entryOrder: KeysetOrder = {
  column: journalEntries.postedOn,
  cast: 'date',
  id: journalEntries.id,
  direction: 'ASC',
};

const window_ = (tenantId: string, from: string | null, to: string | null) =>
  and(
    eq(journalEntries.tenantId, tenantId),
    from ? gte(journalEntries.postedOn, from) : undefined,
    to ? lte(journalEntries.postedOn, to) : undefined,
  )!;

export async function listEntries(
  db: Queryable,
  tenantId: string,
  from: string | null,
  to: string | null,
  window: PageWindow,
) {
  return db
    .select()
    .from(journalEntries)
    .where(and(window_(tenantId, from, to), keysetWhere(entryOrder, window)))
    .orderBy(...keysetOrderBy(entryOrder, window))
    .limit(window.fetch);
}

export async function countEntries(db: Queryable, tenantId: string, from: string | null, to: string | null) {
  const [row] = await db
    .select({ n: count() })
    .from(journalEntries)
    .where(window_(tenantId, from, to));
  return Number(row.n);
}

export async function linesOfEntries(
  db: Queryable,
  tenantId: string,
  entryIds: readonly string[],
): Promise<JournalLineRow[]> {
  return db
    .select()
    .from(journalLines)
    .where(and(eq(journalLines.tenantId, tenantId), anyOf(journalLines.entryId, entryIds)))
    .orderBy(asc(journalLines.position));
}

/** Debit and credit totals per account of everything posted up to `asOf`. */
export async function accountTotals(db: Queryable, tenantId: string, asOf: string) {
  return (await db.execute(sql`
    select l.account_code, sum(l.debit)::text as debit, sum(l.credit)::text as credit
    from finance.journal_lines l
    join finance.journal_entries e on e.tenant_id = l.tenant_id and e.id = l.entry_id
    where l.tenant_id = ${tenantId} and e.posted_on <= ${asOf}::date
    group by l.account_code`)) as unknown as { account_code: string; debit: string; credit: string }[];
}
