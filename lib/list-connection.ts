import type DataLoader from 'dataloader';
import type { Queryable } from './db.js';
import { orderFrom, type KeysetOrder, type OrderArg } from './keyset.js';
import { pageWindow, toConnection, type PageArgs, type PageWindow } from './pagination.js';

/**
 * A tenant's filtered, ordered list as a Relay connection: the page arguments validated, the
 * order chosen (cursor values from `cursor`), the rows primed into the entity's loader so that
 * references to them later in the request cost nothing, and totalCount counted only when asked.
 */
export async function orderedConnection<Row extends { id: string }, F extends string, Filter extends object>(
  args: PageArgs & { filter?: Filter | null; orderBy?: OrderArg<F> },
  ctx: { database: { db: Queryable }; tenantId: string },
  opts: {
    orders: Record<F, Omit<KeysetOrder, 'direction'>>;
    fallback: F;
    cursor: Record<F, (row: Row) => string>;
    list: (db: Queryable, tenantId: string, filter: Filter, order: KeysetOrder, window: PageWindow) => Promise<Row[]>;
    count: (db: Queryable, tenantId: string, filter: Filter) => Promise<number>;
    loader: DataLoader<string, Row | null>;
  },
) {
  const window = pageWindow(args);
  const { field, order } = orderFrom(opts.orders, args.orderBy, opts.fallback);
  const filter = args.filter ?? ({} as Filter);
  const rows = await opts.list(ctx.database.db, ctx.tenantId, filter, order, window);
  for (const row of rows) opts.loader.prime(row.id, row);
  return toConnection(
    rows,
    window,
    (r) => ({ value: opts.cursor[field](r), id: r.id }),
    () => opts.count(ctx.database.db, ctx.tenantId, filter),
  );
}
