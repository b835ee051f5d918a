import { FieldCheck } from '../../lib/check.js';
import { addDays, todayUtc } from '../../lib/dates.js';
import type { Queryable } from '../../lib/db.js';
import { uuidv7 } from '../../lib/ids.js';
import { documentNumber } from '../../lib/numbers.js';
import { findOrFail } from '../../lib/transaction.js';
import { productFor, warehouseFor } from './catalogue.js';
import type { FulfilmentWrite } from './context.js';
import { nextNumber } from './db/queries.js';
import type { ReplenishmentRow } from './db/schema.js';
import * as shipmentsQ from './db/shipment-queries.js';
import { Code, refuse } from './errors.js';
import type {
  CancelReplenishmentInput,
  CompleteReplenishmentInput,
  CreateReplenishmentRequestInput,
} from './generated/resolvers.js';
import { receive } from './stock-changes.js';

/** An OPEN request, locked; NOT_FOUND or INVALID_STATUS otherwise. */
async function openRequest(tx: Queryable, ctx: FulfilmentWrite, id: string): Promise<ReplenishmentRow> {
  const request = await findOrFail(id, (id) => shipmentsQ.lockRequest(tx, ctx.tenantId, id), 'Replenishment request', [
    'input',
    'id',
  ]);
  if (request.status !== 'OPEN') refuse(Code.INVALID_STATUS, ['input', 'id'], `The request is ${request.status}`);
  return request;
}

/** One open request per product: a second one for the same product is refused. */
export async function createRequest(tx: Queryable, ctx: FulfilmentWrite, input: CreateReplenishmentRequestInput) {
  const product = await productFor(tx, ctx, input.productId, ['input', 'productId']);
  const warehouse = input.warehouseId ? await warehouseFor(tx, ctx, input.warehouseId, ['input', 'warehouseId']) : null;
  const check = new FieldCheck();
  const quantity = check.quantity('quantity', input.quantity);
  const today = todayUtc();
  if (input.dueDate && input.dueDate < today)
    check.add('dueDate', Code.INVALID_DATE, 'The due date must not be in the past');
  check.done();
  const request = await shipmentsQ.insertRequest(tx, {
    tenantId: ctx.tenantId,
    id: uuidv7(),
    number: await nextNumber(tx, ctx.tenantId, 'replenishmentSeq'),
    productId: product.id,
    kind: input.kind ?? product.replenishment,
    quantity: quantity!,
    dueDate: input.dueDate ?? addDays(today, product.leadTimeDays),
    status: 'OPEN',
    warehouseId: warehouse?.id ?? null,
    createdAt: new Date(),
  });
  if (!request)
    refuse(
      Code.REQUEST_ALREADY_OPEN,
      ['input', 'productId'],
      `${product.sku} has an open replenishment request already`,
    );
  return request!;
}

/** Receives the request's quantity into a warehouse and allocates waiting backorders. */
export async function completeRequest(tx: Queryable, ctx: FulfilmentWrite, input: CompleteReplenishmentInput) {
  const request = await openRequest(tx, ctx, input.id);
  const warehouse = await warehouseFor(tx, ctx, input.warehouseId, ['input', 'warehouseId']);
  const completed = await shipmentsQ.updateRequest(tx, ctx.tenantId, request.id, {
    status: 'COMPLETED',
    completedAt: new Date(),
    warehouseId: warehouse.id,
  });
  await receive(tx, ctx, request.productId, warehouse.id, request.quantity, documentNumber('RR', request.number));
  return completed;
}

export async function cancelRequest(tx: Queryable, ctx: FulfilmentWrite, input: CancelReplenishmentInput) {
  const request = await openRequest(tx, ctx, input.id);
  return shipmentsQ.updateRequest(tx, ctx.tenantId, request.id, { status: 'CANCELLED' });
}
