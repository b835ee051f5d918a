import type { Queryable } from '../../../lib/db.js';
import { userError, type UserError } from '../../../lib/errors.js';
import { uuidv7 } from '../../../lib/ids.js';
import { checkDecimal, checkMoney, dec, MAX_QUANTITY, type MoneyInput } from '../../../lib/money.js';
import { failOn, findOrFail, inTransaction } from '../../../lib/mutation.js';
import { definedOnly, InputCheck } from '../../../lib/validate.js';
import type { FulfilmentContext } from '../context.js';
import { insertProduct, insertWarehouse, productsByIds, updateProduct, warehousesByIds } from '../db/queries.js';
import { ensureLevel } from '../db/stock-queries.js';
import { LockedStock } from '../stock.js';

interface ProductInput {
  sku?: string | null;
  name?: string | null;
  unit?: string | null;
  listPrice?: MoneyInput | null;
  unitCost?: MoneyInput | null;
  active?: boolean | null;
  replenishment?: string | null;
  reorderPoint?: string | null;
  reorderQuantity?: string | null;
  leadTimeDays?: number | null;
}

function productValues(input: ProductInput, currency: string, creating: boolean) {
  const check = new InputCheck();
  const errors: UserError[] = [];
  const quantity = (field: 'reorderPoint' | 'reorderQuantity') =>
    input[field] == null
      ? undefined
      : (checkDecimal(input[field]!, { field: ['input', field], min: '0', max: MAX_QUANTITY, scale: 4 }, errors) ??
        undefined);
  const sku = check.text('sku', input.sku, { max: 64, required: creating });
  if (sku && !/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/.test(sku))
    errors.push(userError('INVALID_SKU', ['input', 'sku'], 'SKU: letters, digits and . _ - / only'));
  if (
    input.leadTimeDays != null &&
    (!Number.isInteger(input.leadTimeDays) || input.leadTimeDays < 0 || input.leadTimeDays > 3650)
  ) {
    errors.push(userError('OUT_OF_RANGE', ['input', 'leadTimeDays'], 'Lead time must be 0 to 3650 days'));
  }
  const values = definedOnly({
    sku: sku ?? undefined,
    name: check.text('name', input.name, { max: 200, required: creating || input.name !== undefined }) ?? undefined,
    unit: check.text('unit', input.unit, { max: 20, required: input.unit !== undefined }) ?? undefined,
    listPrice: input.listPrice
      ? (checkMoney(input.listPrice, { currency, field: ['input', 'listPrice'], scale: 4 }, errors) ?? undefined)
      : undefined,
    unitCost: input.unitCost
      ? (checkMoney(input.unitCost, { currency, field: ['input', 'unitCost'], scale: 4 }, errors) ?? undefined)
      : undefined,
    active: input.active ?? undefined,
    replenishment: input.replenishment ?? undefined,
    reorderPoint: quantity('reorderPoint'),
    reorderQuantity: quantity('reorderQuantity'),
    leadTimeDays: input.leadTimeDays ?? undefined,
  });
  return { values, errors: [...check.errors, ...errors] };
}

const productFor = (tx: Queryable, ctx: FulfilmentContext, id: string, field: string[]) =>
  findOrFail(id, async (id) => (await productsByIds(tx, ctx.tenantId, [id]))[0], 'Product', field);

async function warehouseFor(tx: Queryable, ctx: FulfilmentContext, id: string, field: string[]) {
  const warehouse = await findOrFail(
    id,
    async (id) => (await warehousesByIds(tx, ctx.tenantId, [id]))[0],
    'Warehouse',
    field,
  );
  if (!warehouse.active) failOn([userError('WAREHOUSE_INACTIVE', field, `Warehouse ${warehouse.code} is inactive`)]);
  return warehouse;
}

const positiveQuantity = (value: string, field: string[], errors: UserError[]) =>
  checkDecimal(value, { field, min: '0', exclusiveMin: true, max: MAX_QUANTITY, scale: 4 }, errors);

/**
 * Receives stock into a warehouse (a receipt or a completed replenishment), then serves the
 * backlog waiting for the product. The caller's transaction holds everything.
 */
export async function receive(
  tx: Queryable,
  ctx: FulfilmentContext,
  productId: string,
  warehouseId: string,
  quantity: string,
  reference: string | null,
) {
  await ensureLevel(tx, ctx.tenantId, productId, warehouseId);
  const stock = await LockedStock.lock(tx, ctx.tenantId, [productId]);
  stock.receive(productId, warehouseId, quantity, reference);
  const [receipt] = await stock.flush();
  await stock.allocateWaiting([productId]);
  await stock.flush();
  return receipt;
}

export { productFor, warehouseFor, positiveQuantity };

export const catalogueMutations = {
  createProduct: (_: unknown, { input }: { input: ProductInput }, ctx: FulfilmentContext) =>
    inTransaction(ctx.database, async (tx) => {
      const tenant = await ctx.loaders.tenant();
      const { values, errors } = productValues(input, tenant.currency, true);
      if (!input.listPrice) errors.push(userError('REQUIRED', ['input', 'listPrice'], 'listPrice is required'));
      failOn(errors);
      const now = new Date();
      const product = await insertProduct(tx, {
        replenishment: 'PURCHASE',
        unit: 'piece',
        leadTimeDays: 7,
        ...values,
        sku: values.sku!,
        name: values.name!,
        listPrice: values.listPrice!,
        tenantId: ctx.tenantId,
        id: uuidv7(),
        currency: tenant.currency,
        createdAt: now,
        updatedAt: now,
      });
      if (!product) failOn([userError('DUPLICATE_SKU', ['input', 'sku'], `SKU ${values.sku} exists already`)]);
      return { product };
    }),

  updateProduct: (_: unknown, { input }: { input: ProductInput & { id: string } }, ctx: FulfilmentContext) =>
    inTransaction(ctx.database, async (tx) => {
      const current = await productFor(tx, ctx, input.id, ['input', 'id']);
      const { id: _id, ...fields } = input;
      const { values, errors } = productValues(fields, current.currency, false);
      failOn(errors);
      return {
        product: Object.keys(values).length ? await updateProduct(tx, ctx.tenantId, current.id, values) : current,
      };
    }),

  createWarehouse: (
    _: unknown,
    { input }: { input: { code: string; name: string; address?: string | null } },
    ctx: FulfilmentContext,
  ) =>
    inTransaction(ctx.database, async (tx) => {
      const check = new InputCheck();
      const code = check.text('code', input.code, { max: 20, required: true });
      const name = check.text('name', input.name, { max: 200, required: true });
      const address = check.text('address', input.address, { max: 500 });
      failOn(check.errors);
      const warehouse = await insertWarehouse(tx, {
        tenantId: ctx.tenantId,
        id: uuidv7(),
        code: code!.toUpperCase(),
        name: name!,
        address: address ?? null,
        createdAt: new Date(),
      });
      if (!warehouse) failOn([userError('DUPLICATE_CODE', ['input', 'code'], `Warehouse ${code} exists already`)]);
      return { warehouse };
    }),

  receiveStock: (
    _: unknown,
    { input }: { input: { productId: string; warehouseId: string; quantity: string; reference?: string | null } },
    ctx: FulfilmentContext,
  ) =>
    inTransaction(ctx.database, async (tx) => {
      const product = await productFor(tx, ctx, input.productId, ['input', 'productId']);
      const warehouse = await warehouseFor(tx, ctx, input.warehouseId, ['input', 'warehouseId']);
      const errors: UserError[] = [];
      const quantity = positiveQuantity(input.quantity, ['input', 'quantity'], errors);
      const check = new InputCheck();
      const reference = check.text('reference', input.reference, { max: 100 });
      failOn([...errors, ...check.errors]);
      const movement = await receive(tx, ctx, product.id, warehouse.id, quantity!, reference ?? null);
      return { product, movement };
    }),

  adjustStock: (
    _: unknown,
    { input }: { input: { productId: string; warehouseId: string; change: string; reason: string } },
    ctx: FulfilmentContext,
  ) =>
    inTransaction(ctx.database, async (tx) => {
      const product = await productFor(tx, ctx, input.productId, ['input', 'productId']);
      const warehouse = await warehouseFor(tx, ctx, input.warehouseId, ['input', 'warehouseId']);
      const check = new InputCheck();
      const reason = check.text('reason', input.reason, { max: 200, required: true });
      const errors: UserError[] = [...check.errors];
      const change = checkDecimal(
        input.change,
        { field: ['input', 'change'], min: `-${MAX_QUANTITY}`, max: MAX_QUANTITY, scale: 4 },
        errors,
      );
      if (change !== null && dec(change).eq(0))
        errors.push(userError('OUT_OF_RANGE', ['input', 'change'], 'change must not be zero'));
      failOn(errors);
      await ensureLevel(tx, ctx.tenantId, product.id, warehouse.id);
      const stock = await LockedStock.lock(tx, ctx.tenantId, [product.id]);
      // On-hand may not fall below what is reserved (nor below zero): reserved stock is promised.
      if (dec(change!).lt(0) && stock.available(product.id, warehouse.id).plus(change!).lt(0)) {
        failOn([
          userError(
            'BELOW_RESERVED',
            ['input', 'change'],
            `Only ${stock.available(product.id, warehouse.id).toFixed()} is unreserved in ${warehouse.code}`,
          ),
        ]);
      }
      stock.adjust(product.id, warehouse.id, change!, reason!);
      const [movement] = await stock.flush();
      // Stock found in a count serves waiting orders like a receipt does.
      if (dec(change!).gt(0)) {
        await stock.allocateWaiting([product.id]);
        await stock.flush();
      }
      return { product, movement };
    }),
};
