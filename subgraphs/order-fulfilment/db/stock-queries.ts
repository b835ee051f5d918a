import { and, asc, eq, gte, sql, type SQL } from 'drizzle-orm';
import { isUuid, uuidv7 } from '../../../lib/ids.js';
import { countOf, pageOf, type KeysetOrder } from '../../../lib/keyset.js';
import type { PageWindow } from '../../../lib/pagination.js';
import type { Queryable } from '../../../lib/db.js';
import { dec } from '../../../lib/money.js';
import { anyOf } from '../../../lib/sql.js';
import { stockLevels, stockMovements, type StockLevelRow, type MovementRow } from './schema.js';

export async function levelsOfProducts(
  db: Queryable,
  tenantId: string,
  productIds: readonly string[],
): Promise<StockLevelRow[]> {
  return db
    .select()
    .from(stockLevels)
    .where(and(eq(stockLevels.tenantId, tenantId), anyOf(stockLevels.productId, productIds)))
    .orderBy(asc(stockLevels.productId), asc(stockLevels.warehouseId));
}

/**
 * Locks the stock levels of these products for the rest of the transaction, always in (product,
 * warehouse) order so that concurrent writers never deadlock on each other.
 */
export async function lockLevels(
  db: Queryable,
  tenantId: string,
  productIds: readonly string[],
): Promise<StockLevelRow[]> {
  if (productIds.length === 0) return [];
  return db
    .select()
    .from(stockLevels)
    .where(and(eq(stockLevels.tenantId, tenantId), anyOf(stockLevels.productId, productIds)))
    .orderBy(asc(stockLevels.productId), asc(stockLevels.warehouseId))
    .for('update');
}

export async function ensureLevel(db: Queryable, tenantId: string, productId: string, warehouseId: string) {
  await db.insert(stockLevels).values({ tenantId, productId, warehouseId }).onConflictDoNothing();
}

export type MovementKind = 'RECEIPT' | 'SHIPMENT' | 'ADJUSTMENT' | 'RESERVATION' | 'RELEASE';

export interface Movement {
  productId: string;
  warehouseId: string;
  kind: MovementKind;
  quantity: string;
  onHandChange: string;
  reservedChange: string;
  reference: string | null;
}

/** The ledger effect of each kind of movement of a positive quantity. */
export function movement(
  kind: MovementKind,
  productId: string,
  warehouseId: string,
  quantity: string,
  reference: string | null,
  sign: 1 | -1 = 1,
): Movement {
  const q = dec(quantity);
  const neg = q.times(-1).toFixed();
  const changes: Record<MovementKind, [string, string]> = {
    RECEIPT: [q.toFixed(), '0'],
    SHIPMENT: [neg, neg],
    ADJUSTMENT: [sign === 1 ? q.toFixed() : neg, '0'],
    RESERVATION: ['0', q.toFixed()],
    RELEASE: ['0', neg],
  };
  const [onHandChange, reservedChange] = changes[kind];
  return { productId, warehouseId, kind, quantity: q.toFixed(), onHandChange, reservedChange, reference };
}

/**
 * Writes movements to the ledger and applies them to the levels, in two statements. The levels
 * must be locked already; their CHECK constraint refuses anything that would oversell.
 */
export async function recordMovements(db: Queryable, tenantId: string, movements: Movement[], at = new Date()) {
  if (movements.length === 0) return [];
  const totals = new Map<
    string,
    { productId: string; warehouseId: string; onHand: ReturnType<typeof dec>; reserved: ReturnType<typeof dec> }
  >();
  for (const m of movements) {
    const key = `${m.productId}/${m.warehouseId}`;
    const t = totals.get(key) ?? {
      productId: m.productId,
      warehouseId: m.warehouseId,
      onHand: dec(0),
      reserved: dec(0),
    };
    t.onHand = t.onHand.plus(m.onHandChange);
    t.reserved = t.reserved.plus(m.reservedChange);
    totals.set(key, t);
  }
  const rows = [...totals.values()];
  await db.execute(sql`
    update fulfilment.stock_levels s
    set on_hand = s.on_hand + v.on_hand_change, reserved = s.reserved + v.reserved_change
    from unnest(${sql.param(rows.map((r) => r.productId))}::uuid[], ${sql.param(rows.map((r) => r.warehouseId))}::uuid[],
                ${sql.param(rows.map((r) => r.onHand.toFixed()))}::text[]::numeric[], ${sql.param(rows.map((r) => r.reserved.toFixed()))}::text[]::numeric[])
      as v(product_id, warehouse_id, on_hand_change, reserved_change)
    where s.tenant_id = ${tenantId} and s.product_id = v.product_id and s.warehouse_id = v.warehouse_id`);
  return db
    .insert(stockMovements)
    .values(movements.map((m) => ({ ...m, tenantId, id: uuidv7(), occurredAt: at })))
    .returning();
}

export interface MovementFilter {
  /** One product's ledger; the whole tenant's without it. */
  productId?: string | null;
  updatedSince?: Date | null;
}

function movementConditions(tenantId: string, filter: MovementFilter): SQL | undefined {
  if (filter.productId != null && !isUuid(filter.productId)) return undefined;
  return and(
    eq(stockMovements.tenantId, tenantId),
    filter.productId != null ? eq(stockMovements.productId, filter.productId) : undefined,
    filter.updatedSince ? gte(stockMovements.recordedAt, filter.updatedSince) : undefined,
  );
}

export const movementOrders = {
  OCCURRED_AT: { column: stockMovements.occurredAt, cast: 'timestamptz', id: stockMovements.id },
  UPDATED_AT: { column: stockMovements.recordedAt, cast: 'timestamptz', id: stockMovements.id },
} as const;

/** A page of the ledger (a malformed product id names no movements). */
export async function movementsPage(
  db: Queryable,
  tenantId: string,
  filter: MovementFilter,
  order: KeysetOrder,
  window: PageWindow,
): Promise<MovementRow[]> {
  const where = movementConditions(tenantId, filter);
  return where ? pageOf<MovementRow>(db, stockMovements, where, order, window) : [];
}

export async function countMovements(db: Queryable, tenantId: string, filter: MovementFilter) {
  const where = movementConditions(tenantId, filter);
  return where ? countOf(db, stockMovements, where) : 0;
}

/** Levels that differ from the ledger's sums (there should never be any). */
export async function ledgerMismatches(db: Queryable, tenantId: string) {
  return (await db.execute(sql`
    select l.product_id, l.warehouse_id, l.on_hand, l.reserved, coalesce(m.on_hand, 0) as ledger_on_hand, coalesce(m.reserved, 0) as ledger_reserved
    from fulfilment.stock_levels l
    left join (select product_id, warehouse_id, sum(on_hand_change) as on_hand, sum(reserved_change) as reserved
               from fulfilment.stock_movements where tenant_id = ${tenantId} group by product_id, warehouse_id) m
      on m.product_id = l.product_id and m.warehouse_id = l.warehouse_id
    where l.tenant_id = ${tenantId} and (l.on_hand <> coalesce(m.on_hand, 0) or l.reserved <> coalesce(m.reserved, 0))`)) as unknown as Record<
    string,
    string
  >[];
}
