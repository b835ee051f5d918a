import { definedOnly, FieldCheck } from '../../lib/check.js';
import type { Queryable } from '../../lib/db.js';
import { uuidv7 } from '../../lib/ids.js';
import { MAX_QUANTITY } from '../../lib/money.js';
import { findOrFail } from '../../lib/transaction.js';
import type { FulfilmentWrite } from './context.js';
import { insertProduct, insertWarehouse, productsByIds, updateProduct, warehousesByIds } from './db/queries.js';
import type { ProductRow, WarehouseRow } from './db/schema.js';
import { Code, refuse } from './errors.js';
import type { CreateProductInput, CreateWarehouseInput, UpdateProductInput } from './generated/resolvers.js';

/** The fields of a product that create and update share. */
type ProductFields = Omit<UpdateProductInput, 'id'> & { sku?: string | null };

/** Validates product input (for create, `sku` and `name` are required) into column values. */
function productValues(input: ProductFields, currency: string, creating: boolean) {
  const check = new FieldCheck();
  const sku = check.text('sku', input.sku, { max: 64, required: creating });
  const name = check.text('name', input.name, { max: 200, required: creating || input.name !== undefined });
  const unit = check.text('unit', input.unit, { max: 20, required: input.unit !== undefined });
  if (sku && !/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/.test(sku))
    check.add('sku', Code.INVALID_SKU, 'SKU: letters, digits and . _ - / only');
  if (
    input.leadTimeDays != null &&
    (!Number.isInteger(input.leadTimeDays) || input.leadTimeDays < 0 || input.leadTimeDays > 3650)
  ) {
    check.add('leadTimeDays', Code.OUT_OF_RANGE, 'Lead time must be 0 to 3650 days');
  }
  const quantity = (field: 'reorderPoint' | 'reorderQuantity') =>
    check.decimal(field, input[field], { min: '0', max: MAX_QUANTITY, scale: 4 });
  const values = definedOnly({
    sku: sku ?? undefined,
    name: name ?? undefined,
    unit: unit ?? undefined,
    listPrice: check.money('listPrice', input.listPrice, { currency, scale: 4 }),
    unitCost: check.money('unitCost', input.unitCost, { currency, scale: 4 }),
    active: input.active ?? undefined,
    replenishment: input.replenishment ?? undefined,
    reorderPoint: quantity('reorderPoint'),
    reorderQuantity: quantity('reorderQuantity'),
    leadTimeDays: input.leadTimeDays ?? undefined,
  });
  return { values, check };
}

/** A product of the tenant; NOT_FOUND at `field` otherwise. */
export const productFor = (tx: Queryable, ctx: FulfilmentWrite, id: string, field: string[]): Promise<ProductRow> =>
  findOrFail(id, async (id) => (await productsByIds(tx, ctx.tenantId, [id]))[0], 'Product', field);

/** An active warehouse of the tenant; NOT_FOUND or WAREHOUSE_INACTIVE at `field` otherwise. */
export async function warehouseFor(
  tx: Queryable,
  ctx: FulfilmentWrite,
  id: string,
  field: string[],
): Promise<WarehouseRow> {
  const warehouse = await findOrFail(
    id,
    async (id) => (await warehousesByIds(tx, ctx.tenantId, [id]))[0],
    'Warehouse',
    field,
  );
  if (!warehouse.active) refuse(Code.WAREHOUSE_INACTIVE, field, `Warehouse ${warehouse.code} is inactive`);
  return warehouse;
}

/** A product priced in the tenant's currency; SKUs are unique per tenant. */
export async function createProduct(tx: Queryable, ctx: FulfilmentWrite, input: CreateProductInput) {
  const { currency } = ctx.settings;
  const { values, check } = productValues(input, currency, true);
  if (!input.listPrice) check.add('listPrice', Code.REQUIRED, 'listPrice is required');
  check.done();
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
    currency,
    createdAt: now,
    updatedAt: now,
  });
  if (!product) refuse(Code.TAKEN, ['input', 'sku'], `SKU ${values.sku} exists already`);
  return product!;
}

/** Changes what was sent; prices stay in the product's currency. */
export async function updateProductFields(tx: Queryable, ctx: FulfilmentWrite, input: UpdateProductInput) {
  const current = await productFor(tx, ctx, input.id, ['input', 'id']);
  const { id: _id, ...fields } = input;
  const { values, check } = productValues(fields, current.currency, false);
  check.done();
  return Object.keys(values).length ? updateProduct(tx, ctx.tenantId, current.id, values) : current;
}

/** Warehouse codes are upper case and unique per tenant. */
export async function createWarehouse(tx: Queryable, ctx: FulfilmentWrite, input: CreateWarehouseInput) {
  const check = new FieldCheck();
  const code = check.text('code', input.code, { max: 20, required: true });
  const name = check.text('name', input.name, { max: 200, required: true });
  const address = check.text('address', input.address, { max: 500 });
  check.done();
  const warehouse = await insertWarehouse(tx, {
    tenantId: ctx.tenantId,
    id: uuidv7(),
    code: code!.toUpperCase(),
    name: name!,
    address: address ?? null,
    createdAt: new Date(),
  });
  if (!warehouse) refuse(Code.TAKEN, ['input', 'code'], `Warehouse ${code} exists already`);
  return warehouse!;
}
