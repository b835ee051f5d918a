import { addDays, todayUtc } from '../../../lib/dates.js';
import { userError, type UserError } from '../../../lib/errors.js';
import { uuidv7 } from '../../../lib/ids.js';
import { failOn, findOrFail, inTransaction } from '../../../lib/mutation.js';
import type { FulfilmentContext } from '../context.js';
import { nextNumber } from '../db/queries.js';
import * as shipmentsQ from '../db/shipment-queries.js';
import { formatNumber } from '../rules.js';
import { positiveQuantity, productFor, receive, warehouseFor } from './catalogue.js';

async function openRequest(tx: Parameters<typeof shipmentsQ.lockRequest>[0], ctx: FulfilmentContext, id: string) {
  const request = await findOrFail(id, (id) => shipmentsQ.lockRequest(tx, ctx.tenantId, id), 'Replenishment request', [
    'input',
    'id',
  ]);
  if (request.status !== 'OPEN')
    failOn([userError('INVALID_STATUS', ['input', 'id'], `The request is ${request.status}`)]);
  return request;
}

export const replenishmentMutations = {
  /** One open request per product: a second one for the same product is refused. */
  createReplenishmentRequest: (
    _: unknown,
    {
      input,
    }: {
      input: {
        productId: string;
        quantity: string;
        dueDate?: string | null;
        kind?: string | null;
        warehouseId?: string | null;
      };
    },
    ctx: FulfilmentContext,
  ) =>
    inTransaction(ctx.database, async (tx) => {
      const product = await productFor(tx, ctx, input.productId, ['input', 'productId']);
      const warehouse = input.warehouseId
        ? await warehouseFor(tx, ctx, input.warehouseId, ['input', 'warehouseId'])
        : null;
      const errors: UserError[] = [];
      const quantity = positiveQuantity(input.quantity, ['input', 'quantity'], errors);
      const today = todayUtc();
      if (input.dueDate && input.dueDate < today)
        errors.push(userError('INVALID_DATE', ['input', 'dueDate'], 'The due date must not be in the past'));
      failOn(errors);
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
        failOn([
          userError(
            'REQUEST_ALREADY_OPEN',
            ['input', 'productId'],
            `${product.sku} has an open replenishment request already`,
          ),
        ]);
      return { request };
    }),

  completeReplenishment: (
    _: unknown,
    { input }: { input: { id: string; warehouseId: string } },
    ctx: FulfilmentContext,
  ) =>
    inTransaction(ctx.database, async (tx) => {
      const request = await openRequest(tx, ctx, input.id);
      const warehouse = await warehouseFor(tx, ctx, input.warehouseId, ['input', 'warehouseId']);
      const completed = await shipmentsQ.updateRequest(tx, ctx.tenantId, request.id, {
        status: 'COMPLETED',
        completedAt: new Date(),
        warehouseId: warehouse.id,
      });
      await receive(tx, ctx, request.productId, warehouse.id, request.quantity, formatNumber('RR', request.number));
      return { request: completed };
    }),

  cancelReplenishment: (_: unknown, { input }: { input: { id: string } }, ctx: FulfilmentContext) =>
    inTransaction(ctx.database, async (tx) => {
      const request = await openRequest(tx, ctx, input.id);
      return { request: await shipmentsQ.updateRequest(tx, ctx.tenantId, request.id, { status: 'CANCELLED' }) };
    }),
};
