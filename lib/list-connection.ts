import type DataLoader from 'dataloader';
import { and, eq, type AnyColumn, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Queryable } from './db.js';
import { countPerParent, orderFrom, pagePerParent, type KeysetOrder, type OrderArg } from './keyset.js';
import { aggregateOf, childrenOf, perArguments } from './loaders.js';
import { pageWindow, toConnection, type Connection, type PageArgs, type PageWindow } from './pagination.js';
import { anyOf } from './sql.js';
import { badInput } from './errors.js';
import { syncHorizon } from './sync.js';

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
    /** The entity's loader, when it has one. */
    loader?: DataLoader<string, Row | null>;
    /** The order that is the list's updatedAt (ascending, forward pages get syncedUntil). */
    sync?: { field: F; updatedAt: (row: Row) => Date };
  },
) {
  const window = pageWindow(args);
  const { field, order } = orderFrom(opts.orders, args.orderBy, opts.fallback);
  const filter = args.filter ?? ({} as Filter);
  const inSync = opts.sync?.field === field && order.direction === 'ASC' && !window.backward;
  // Read before the page, so that the page's snapshot is taken after it (lib/sync.ts).
  const horizon = inSync ? await passHorizon(ctx.database.db, window) : undefined;
  const rows = await opts.list(ctx.database.db, ctx.tenantId, filter, order, window);
  for (const row of rows) opts.loader?.prime(row.id, row);
  return toConnection(
    rows,
    window,
    (r) => ({ value: opts.cursor[field](r), id: r.id }),
    () => opts.count(ctx.database.db, ctx.tenantId, filter),
    horizon === undefined ? undefined : { horizon, updatedAt: opts.sync!.updatedAt },
  );
}

/** The horizon of the sync pass: read on its first page, then carried by the cursors. */
async function passHorizon(db: Queryable, window: PageWindow): Promise<string> {
  const carried = window.cursor?.horizon;
  if (carried === undefined) return syncHorizon(db);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(carried) || Number.isNaN(Date.parse(carried))) {
    throw badInput('"after" is not a cursor of this list and order', 'after');
  }
  return carried;
}

/**
 * A connection under a parent entity (a customer's orders, interactions, invoices): which table,
 * which column names the parent, how it is ordered, and the conditions its arguments add.
 */
export interface ChildList<Row extends { id: string }, Filter> {
  table: PgTable;
  tenant: AnyColumn;
  parent: AnyColumn;
  parentOf: (row: Row) => string;
  order: KeysetOrder;
  /** The order column's value of a row, for its cursor. */
  cursor: (row: Row) => string;
  /** What the list's arguments (a status) add to tenant and parent. */
  where?: (filter: Filter) => SQL | undefined;
}

/**
 * The request's child connections: every parent asking for the same list with the same arguments
 * shares one statement for the pages (ranked within each parent) and one for the counts, made
 * only when totalCount is asked. Each subgraph's loaders hold one as `children`.
 */
export function childConnections(db: Queryable, tenantId: string) {
  type Loaders = {
    pages: (args: { filter: unknown; window: PageWindow }) => DataLoader<string, unknown[]>;
    counts: (filter: unknown) => DataLoader<string, number>;
  };
  const byList = new Map<ChildList<any, any>, Loaders>();
  const loadersOf = <Row extends { id: string }, F>(list: ChildList<Row, F>): Loaders => {
    let loaders = byList.get(list);
    if (!loaders) {
      const where = (ids: readonly string[], filter: F) =>
        and(eq(list.tenant, tenantId), anyOf(list.parent, ids), list.where?.(filter))!;
      loaders = {
        pages: perArguments(({ filter, window }: { filter: unknown; window: PageWindow }) =>
          childrenOf(
            (ids) => pagePerParent<Row>(db, list.table, list.parent, where(ids, filter as F), list.order, window),
            list.parentOf,
          ),
        ),
        counts: perArguments((filter: unknown) =>
          aggregateOf(
            (ids) => countPerParent(db, list.table, list.parent, where(ids, filter as F)),
            (r) => r.parentId,
            (r) => r.n,
            0,
          ),
        ),
      };
      byList.set(list, loaders);
    }
    return loaders;
  };

  return async function connection<Row extends { id: string }, Filter>(
    list: ChildList<Row, Filter>,
    parentId: string,
    args: PageArgs,
    filter: Filter,
  ): Promise<Connection<Row>> {
    const window = pageWindow({ first: args.first, after: args.after });
    const loaders = loadersOf(list);
    const rows = (await loaders.pages({ filter, window }).load(parentId)) as Row[];
    return toConnection(
      rows,
      window,
      (r) => ({ value: list.cursor(r), id: r.id }),
      () => loaders.counts(filter).load(parentId),
    );
  };
}
