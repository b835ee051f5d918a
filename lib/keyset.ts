import { and, asc, count, desc, getTableColumns, lte, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Queryable } from './db.js';
import { badInput } from './errors.js';
import { isUuid } from './ids.js';
import { DECIMAL, isDay } from './scalars.js';
import type { PageWindow } from './pagination.js';

export type Direction = 'ASC' | 'DESC';

/** How a list is ordered: a sort column (with its SQL type for the cursor) and the id tie-breaker. */
export interface KeysetOrder {
  /** A column, or an expression over columns (coalesce, a cast). */
  column: AnyColumn | SQL;
  cast: 'text' | 'timestamptz' | 'numeric' | 'date';
  id: AnyColumn;
  direction: Direction;
}

/** The direction the query runs in: backward pages run the order in reverse. */
const effective = (order: KeysetOrder, window: PageWindow): Direction =>
  window.backward ? (order.direction === 'ASC' ? 'DESC' : 'ASC') : order.direction;

const CURSOR_VALUE: Record<KeysetOrder['cast'], (value: string) => boolean> = {
  text: () => true,
  numeric: (v) => DECIMAL.test(v),
  timestamptz: (v) =>
    v === 'infinity' ||
    (/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(v) && isDay(v.slice(0, 10)) && !Number.isNaN(Date.parse(v))),
  date: (v) => v === 'infinity' || isDay(v),
};

/**
 * `(sort, id) > (cursor)` or `<`, so that the next page starts right after the cursor. A cursor
 * whose contents do not fit the order (forged, or made for another order) is the caller's error.
 */
export function keysetWhere(order: KeysetOrder, window: PageWindow): SQL | undefined {
  if (!window.cursor) return undefined;
  if (!isUuid(window.cursor.id) || !CURSOR_VALUE[order.cast](window.cursor.value)) {
    const argument = window.backward ? 'before' : 'after';
    throw badInput(`"${argument}" is not a cursor of this list and order`, argument);
  }
  const op = effective(order, window) === 'ASC' ? sql`>` : sql`<`;
  return sql`(${order.column}, ${order.id}) ${op} (${window.cursor.value}::${sql.raw(order.cast)}, ${window.cursor.id}::uuid)`;
}

export function keysetOrderBy(order: KeysetOrder, window: PageWindow): SQL[] {
  const by = effective(order, window) === 'ASC' ? asc : desc;
  return [by(order.column), by(order.id)];
}

/** `row_number() over (partition by parent order by ...)`: one query pages many parents' children. */
export function rankWithin(parent: AnyColumn, order: KeysetOrder, window: PageWindow): SQL<number> {
  const dir = sql.raw(effective(order, window));
  return sql<number>`row_number() over (partition by ${parent} order by ${order.column} ${dir}, ${order.id} ${dir})`;
}

/**
 * One page of children for each of many parents, in one statement: rows are ranked within their
 * parent in page order and the first `window.fetch` of each are kept. Rows come back in rank
 * order, so grouping them by parent (childrenOf) keeps each page in order.
 */
export async function pagePerParent<Row>(
  db: Queryable,
  table: PgTable,
  parent: AnyColumn,
  where: SQL,
  order: KeysetOrder,
  window: PageWindow,
): Promise<Row[]> {
  const ranked = db
    .select({ ...getTableColumns(table), rank: rankWithin(parent, order, window).as('rank') })
    .from(table)
    .where(and(where, keysetWhere(order, window)))
    .as('ranked');
  return (await db.select().from(ranked).where(lte(ranked.rank, window.fetch)).orderBy(ranked.rank)) as Row[];
}

/** One page of a list in keyset order (the page plus one row, to know whether more follow). */
export async function pageOf<Row>(
  db: Queryable,
  table: PgTable,
  where: SQL,
  order: KeysetOrder,
  window: PageWindow,
): Promise<Row[]> {
  return (await db
    .select()
    .from(table)
    .where(and(where, keysetWhere(order, window)))
    .orderBy(...keysetOrderBy(order, window))
    .limit(window.fetch)) as Row[];
}

/** How many rows match (a list's totalCount). */
export async function countOf(db: Queryable, table: PgTable, where: SQL): Promise<number> {
  const [row] = await db.select({ n: count() }).from(table).where(where);
  return Number(row.n);
}

/** How many rows each parent has (a child connection's totalCount for many parents at once). */
export async function countPerParent(
  db: Queryable,
  table: PgTable,
  parent: AnyColumn,
  where: SQL,
): Promise<{ parentId: string; n: number }[]> {
  const rows = await db
    .select({ parentId: sql<string>`${parent}`, n: count() })
    .from(table)
    .where(where)
    .groupBy(sql`${parent}`);
  return rows.map((r) => ({ parentId: r.parentId, n: Number(r.n) }));
}

/** A list's `orderBy` argument. */
export type OrderArg<F extends string> = { field: F; direction?: Direction | null } | null | undefined;

/** The keyset order an `orderBy` argument asks for (ascending unless told otherwise). */
export function orderFrom<F extends string>(
  orders: Record<F, Omit<KeysetOrder, 'direction'>>,
  arg: OrderArg<F>,
  fallback: F,
): { field: F; order: KeysetOrder } {
  const field = arg?.field ?? fallback;
  return { field, order: { ...orders[field], direction: arg?.direction ?? 'ASC' } };
}
