import { FieldCheck } from '../../lib/check.js';
import type { Queryable } from '../../lib/db.js';
import { dec, MAX_QUANTITY } from '../../lib/money.js';
import { productFor, warehouseFor } from './catalogue.js';
import type { FulfilmentWrite } from './context.js';
import type { MovementRow } from './db/schema.js';
import { ensureLevel } from './db/stock-queries.js';
import { Code, refuse } from './errors.js';
import type { AdjustStockInput, ReceiveStockInput } from './generated/resolvers.js';
import { LockedStock } from './stock.js';

/**
 * Receives stock into a warehouse (a receipt or a completed replenishment), then serves the
 * backlog waiting for the product. The caller's transaction holds everything.
 */
export async function receive(
  tx: Queryable,
  ctx: FulfilmentWrite,
  productId: string,
  warehouseId: string,
  quantity: string,
  reference: string | null,
): Promise<MovementRow> {
  await ensureLevel(tx, ctx.tenantId, productId, warehouseId);
  const stock = await LockedStock.lock(tx, ctx, [productId]);
  stock.receive(productId, warehouseId, quantity, reference);
  const [receipt] = await stock.flush();
  await stock.allocateWaiting([productId]);
  await stock.flush();
  return receipt;
}

/** A receipt into a warehouse; waiting backorders are then allocated in priority order. */
export async function receiveStock(tx: Queryable, ctx: FulfilmentWrite, input: ReceiveStockInput) {
  const product = await productFor(tx, ctx, input.productId, ['input', 'productId']);
  const warehouse = await warehouseFor(tx, ctx, input.warehouseId, ['input', 'warehouseId']);
  const check = new FieldCheck();
  const quantity = check.quantity('quantity', input.quantity);
  const reference = check.text('reference', input.reference, { max: 100 });
  check.done();
  const movement = await receive(tx, ctx, product.id, warehouse.id, quantity!, reference ?? null);
  return { product, movement };
}

/** A correction of on-hand stock; it can't take on-hand below zero or below what is reserved. */
export async function adjustStock(tx: Queryable, ctx: FulfilmentWrite, input: AdjustStockInput) {
  const product = await productFor(tx, ctx, input.productId, ['input', 'productId']);
  const warehouse = await warehouseFor(tx, ctx, input.warehouseId, ['input', 'warehouseId']);
  const check = new FieldCheck();
  const reason = check.text('reason', input.reason, { max: 200, required: true });
  const change = check.decimal('change', input.change, { min: `-${MAX_QUANTITY}`, max: MAX_QUANTITY, scale: 4 });
  if (change !== undefined && dec(change).eq(0)) check.add('change', Code.OUT_OF_RANGE, 'change must not be zero');
  check.done();
  await ensureLevel(tx, ctx.tenantId, product.id, warehouse.id);
  const stock = await LockedStock.lock(tx, ctx, [product.id]);
  // On-hand may not fall below what is reserved (nor below zero): reserved stock is promised.
  if (dec(change!).lt(0) && stock.available(product.id, warehouse.id).plus(change!).lt(0)) {
    refuse(
      Code.BELOW_RESERVED,
      ['input', 'change'],
      `Only ${stock.available(product.id, warehouse.id).toFixed()} is unreserved in ${warehouse.code}`,
    );
  }
  stock.adjust(product.id, warehouse.id, change!, reason!);
  const [movement] = await stock.flush();
  // Stock found in a count serves waiting orders like a receipt does.
  if (dec(change!).gt(0)) {
    await stock.allocateWaiting([product.id]);
    await stock.flush();
  }
  return { product, movement };
}
