import type Big from 'big.js';
import type { Queryable } from '../../lib/db.js';
import { dec } from '../../lib/money.js';
import { documentNumber } from '../../lib/numbers.js';
import type { FulfilmentWrite } from './context.js';
import * as orders from './db/order-queries.js';
import { productsByIds, warehousesOf } from './db/queries.js';
import { publishBelowReorderPoint } from './publish.js';
import type { StockLevelRow } from './db/schema.js';
import { lockLevels, movement, recordMovements, type Movement } from './db/stock-queries.js';
import { planAllocation } from './rules.js';

/**
 * The stock levels of some products, locked for the transaction and tracked in memory while
 * reservations are planned, then written in a few statements. Every stock-changing mutation goes
 * through here: lock levels first (in a fixed order), then order lines, so writers never deadlock.
 */
export class LockedStock {
  private readonly levels = new Map<string, { row: StockLevelRow; onHand: Big; reserved: Big }[]>();
  private readonly movements: Movement[] = [];
  private readonly allocationChanges: { orderLineId: string; warehouseId: string; quantity: string }[] = [];
  private readonly lineChanges = new Map<
    string,
    { id: string; allocated: Big; shipped: Big; backorderedOnConfirm?: string }
  >();

  /** Each product's available quantity (over every warehouse) as last written: flush compares with it. */
  private readonly availableWritten = new Map<string, Big>();
  private readonly tenantId: string;

  private constructor(
    private readonly tx: Queryable,
    private readonly ctx: Pick<FulfilmentWrite, 'tenantId' | 'outbox'>,
    private readonly activeWarehouses: Map<string, string>,
  ) {
    this.tenantId = ctx.tenantId;
  }

  static async lock(
    tx: Queryable,
    ctx: Pick<FulfilmentWrite, 'tenantId' | 'outbox'>,
    productIds: string[],
  ): Promise<LockedStock> {
    const unique = [...new Set(productIds)].sort();
    const rows = await lockLevels(tx, ctx.tenantId, unique);
    const warehouses = await warehousesOf(tx, ctx.tenantId);
    const stock = new LockedStock(tx, ctx, new Map(warehouses.filter((w) => w.active).map((w) => [w.id, w.code])));
    for (const row of rows) {
      const list = stock.levels.get(row.productId) ?? [];
      list.push({ row, onHand: dec(row.onHand), reserved: dec(row.reserved) });
      stock.levels.set(row.productId, list);
    }
    for (const productId of stock.levels.keys()) stock.availableWritten.set(productId, stock.totalAvailable(productId));
    return stock;
  }

  private totalAvailable(productId: string): Big {
    return (this.levels.get(productId) ?? []).reduce((sum, l) => sum.plus(l.onHand.minus(l.reserved)), dec(0));
  }

  /**
   * stock.belowReorderPoint for each product whose available quantity went from at or above its
   * reorder point to below it since the last write (in the transaction of the change). Products
   * are read only when something became less available.
   */
  private async publishReorderCrossings() {
    const fell = [...this.availableWritten].filter(([id, before]) => this.totalAvailable(id).lt(before));
    for (const id of this.levels.keys()) this.availableWritten.set(id, this.totalAvailable(id));
    if (fell.length === 0) return;
    const before = new Map(fell);
    const products = await productsByIds(
      this.tx,
      this.tenantId,
      fell.map(([id]) => id),
    );
    const crossed = products.filter(
      (p) => before.get(p.id)!.gte(p.reorderPoint) && this.totalAvailable(p.id).lt(p.reorderPoint),
    );
    await publishBelowReorderPoint(
      this.tx,
      this.ctx,
      crossed.map((p) => ({
        productId: p.id,
        sku: p.sku,
        available: this.totalAvailable(p.id).toFixed(),
        reorderPoint: dec(p.reorderPoint).toFixed(),
      })),
    );
  }

  private level(productId: string, warehouseId: string) {
    const level = this.levels.get(productId)?.find((l) => l.row.warehouseId === warehouseId);
    if (!level) throw new Error(`stock level ${productId}/${warehouseId} was not locked`);
    return level;
  }

  available(productId: string, warehouseId: string): Big {
    const l = this.level(productId, warehouseId);
    return l.onHand.minus(l.reserved);
  }

  private lineChange(id: string) {
    let change = this.lineChanges.get(id);
    if (!change) this.lineChanges.set(id, (change = { id, allocated: dec(0), shipped: dec(0) }));
    return change;
  }

  private apply(m: Movement) {
    const l = this.level(m.productId, m.warehouseId);
    l.onHand = l.onHand.plus(m.onHandChange);
    l.reserved = l.reserved.plus(m.reservedChange);
    this.movements.push(m);
  }

  /** Reserves what it can of `need` for an order line; returns the shortfall. */
  reserve(line: { id: string; productId: string }, need: string, reference: string): string {
    const stock = (this.levels.get(line.productId) ?? [])
      .filter((l) => this.activeWarehouses.has(l.row.warehouseId))
      .map((l) => ({
        warehouseId: l.row.warehouseId,
        code: this.activeWarehouses.get(l.row.warehouseId)!,
        available: l.onHand.minus(l.reserved),
      }));
    const plan = planAllocation(need, stock);
    for (const pick of plan.picks) {
      this.apply(movement('RESERVATION', line.productId, pick.warehouseId, pick.quantity, reference));
      this.allocationChanges.push({ orderLineId: line.id, warehouseId: pick.warehouseId, quantity: pick.quantity });
      const change = this.lineChange(line.id);
      change.allocated = change.allocated.plus(pick.quantity);
    }
    return plan.shortfall;
  }

  /** Records what could not be reserved when the order was confirmed. */
  noteBackorder(lineId: string, shortfall: string) {
    this.lineChange(lineId).backorderedOnConfirm = shortfall;
  }

  /** Gives back a line's reservation in one warehouse. */
  release(line: { id: string; productId: string }, warehouseId: string, quantity: string, reference: string) {
    this.apply(movement('RELEASE', line.productId, warehouseId, quantity, reference));
    this.allocationChanges.push({ orderLineId: line.id, warehouseId, quantity: dec(quantity).times(-1).toFixed() });
    const change = this.lineChange(line.id);
    change.allocated = change.allocated.minus(quantity);
  }

  /** Ships reserved stock: on-hand and the reservation go down together. */
  ship(line: { id: string; productId: string }, warehouseId: string, quantity: string, reference: string) {
    this.apply(movement('SHIPMENT', line.productId, warehouseId, quantity, reference));
    this.allocationChanges.push({ orderLineId: line.id, warehouseId, quantity: dec(quantity).times(-1).toFixed() });
    const change = this.lineChange(line.id);
    change.allocated = change.allocated.minus(quantity);
    change.shipped = change.shipped.plus(quantity);
  }

  receive(productId: string, warehouseId: string, quantity: string, reference: string | null) {
    this.apply(movement('RECEIPT', productId, warehouseId, quantity, reference));
  }

  adjust(productId: string, warehouseId: string, change: string, reference: string) {
    const negative = dec(change).lt(0);
    this.apply(
      movement('ADJUSTMENT', productId, warehouseId, dec(change).abs().toFixed(), reference, negative ? -1 : 1),
    );
  }

  /**
   * Serves the backlog of these products from what is available, in allocation priority
   * (URGENT, HIGH, NORMAL; larger order total; older order).
   */
  async allocateWaiting(productIds: string[]) {
    const waiting = await orders.waitingLines(this.tx, this.tenantId, productIds);
    for (const line of waiting) {
      const change = this.lineChanges.get(line.id);
      const need = dec(line.waiting).minus(change?.allocated ?? 0);
      if (need.gt(0))
        this.reserve(
          { id: line.id, productId: line.product_id },
          need.toFixed(),
          documentNumber('SO', line.order_number),
        );
    }
  }

  /** Writes the ledger, the levels, the allocations and the lines. */
  async flush() {
    const written = await recordMovements(this.tx, this.tenantId, this.movements);
    await orders.adjustAllocations(this.tx, this.tenantId, this.allocationChanges);
    await orders.adjustLines(
      this.tx,
      this.tenantId,
      [...this.lineChanges.values()].map((c) => ({
        id: c.id,
        allocated: c.allocated.toFixed(),
        shipped: c.shipped.toFixed(),
        backorderedOnConfirm: c.backorderedOnConfirm ?? null,
      })),
    );
    await this.publishReorderCrossings();
    this.movements.length = 0;
    this.allocationChanges.length = 0;
    this.lineChanges.clear();
    return written;
  }
}
