import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLedgerConsistent, strictClient } from '../support/fulfilment.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/**
 * The catalogue, the stock ledger, allocation on confirmation and on receipt, replenishment and
 * available-to-promise, all through the gateway. Every test works in a tenant of its own; every
 * scenario that moves stock ends by checking the levels against the ledger.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

// ---- helpers

const UNKNOWN_ID = '018f0000-0000-7000-8000-000000000000';
const ERRORS = 'userErrors { code field message }';
const PRODUCT = `id sku name unit listPrice { amount currency } active replenishment reorderPoint reorderQuantity leadTimeDays`;
const MOVEMENT = 'kind quantity onHandChange reservedChange reference warehouse { code } product { sku }';
const LINE_STATE = 'quantity allocatedQuantity backorderedQuantity shippedQuantity';
const REQUEST = 'id number kind quantity dueDate status warehouse { code } product { sku } completedAt';

const cny = (amount: string) => ({ amount, currency: 'CNY' });
const today = () => new Date().toISOString().slice(0, 10);
/** A UTC calendar day `days` after today. */
const daysFromToday = (days: number) => {
  const d = new Date(`${today()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
/** User errors without their (free-text) messages. */
const codes = (errors: { code: string; field: string[] | null }[]) =>
  errors.map(({ code, field }) => ({ code, field }));

/** A fresh tenant with a strict client (fails on GraphQL or user errors) and a lenient one, plus builders. */
async function tenantClient(prefix = 'stock') {
  const tenant = newTenant(prefix);
  const token = await stack.token(tenant);
  const run = strictClient(stack, token);
  /** Returns the root field's payload whatever it holds (for expected user errors). */
  const attempt = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await stack.query(token, query, variables);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return Object.values(res.data)[0] as any;
  };

  const createProduct = async (input: Record<string, unknown>) =>
    (
      await run(
        `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { ${PRODUCT} } ${ERRORS} } }`,
        {
          input: { listPrice: cny('10'), ...input },
        },
      )
    ).product;
  const createWarehouse = async (code: string, name = code) =>
    (
      await run(
        `mutation($input: CreateWarehouseInput!) { createWarehouse(input: $input) { warehouse { id code name } ${ERRORS} } }`,
        { input: { code, name } },
      )
    ).warehouse.id as string;
  const receive = (productId: string, warehouseId: string, quantity: string, reference?: string) =>
    run(
      `mutation($input: ReceiveStockInput!) { receiveStock(input: $input) { movement { ${MOVEMENT} } product { availableQuantity } ${ERRORS} } }`,
      { input: { productId, warehouseId, quantity, ...(reference ? { reference } : {}) } },
    );
  const adjust = (productId: string, warehouseId: string, change: string, reason: string) =>
    attempt(
      `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { movement { ${MOVEMENT} } ${ERRORS} } }`,
      {
        input: { productId, warehouseId, change, reason },
      },
    );
  let customerId: string | undefined;
  const customer = async () =>
    (customerId ??= (
      await run(`mutation { createCustomer(input: {name: "Stock Buyer"}) { customer { id } ${ERRORS} } }`)
    ).customer.id as string);
  /** A DRAFT order of one or more lines. */
  const draft = async (lines: { productId: string; quantity: string; unitPrice?: string }[], priority = 'NORMAL') =>
    (
      await run(
        `mutation($input: CreateSalesOrderInput!) { createSalesOrder(input: $input) { order { id number total { amount } } ${ERRORS} } }`,
        {
          input: {
            customerId: await customer(),
            priority,
            lines: lines.map((l) => ({
              productId: l.productId,
              quantity: l.quantity,
              ...(l.unitPrice ? { unitPrice: cny(l.unitPrice) } : {}),
            })),
          },
        },
      )
    ).order as { id: string; number: string; total: { amount: string } };
  const confirm = async (orderId: string) =>
    (
      await run(
        `mutation($id: ID!) { confirmSalesOrder(input: {id: $id}) { order { id number status promisedDate lines { ${LINE_STATE} } } ${ERRORS} } }`,
        {
          id: orderId,
        },
      )
    ).order;
  /** Drafts and confirms a one-line order. */
  const order = async (productId: string, quantity: string, opts: { unitPrice?: string; priority?: string } = {}) => {
    const created = await draft([{ productId, quantity, unitPrice: opts.unitPrice }], opts.priority);
    return { ...(await confirm(created.id)), total: created.total.amount };
  };
  const orderLines = async (orderId: string) =>
    (await run(`query($id: ID!) { salesOrder(id: $id) { lines { ${LINE_STATE} } } }`, { id: orderId })).lines.map(
      (l: any) => ({
        allocated: l.allocatedQuantity,
        backordered: l.backorderedQuantity,
      }),
    );
  /** Per warehouse code: on hand / reserved / available. */
  const levels = async (productId: string) => {
    const product = await run(
      `query($id: ID!) { product(id: $id) { stock { warehouse { code } onHand reserved available } } }`,
      { id: productId },
    );
    return Object.fromEntries(
      product.stock.map((s: any) => [
        s.warehouse.code,
        { onHand: s.onHand, reserved: s.reserved, available: s.available },
      ]),
    );
  };
  const movements = async (productId: string, args = '') =>
    run(
      `query($id: ID!) { stockMovements(productId: $id${args}) { totalCount nodes { ${MOVEMENT} } pageInfo { hasNextPage hasPreviousPage endCursor } } }`,
      {
        id: productId,
      },
    );
  const requests = async (productId?: string) =>
    (
      await run(
        `query($filter: ReplenishmentFilter) { replenishmentRequests(filter: $filter) { totalCount nodes { ${REQUEST} } } }`,
        {
          filter: productId ? { productId } : null,
        },
      )
    ).nodes as any[];

  return {
    tenant,
    token,
    run,
    attempt,
    createProduct,
    createWarehouse,
    receive,
    adjust,
    customer,
    draft,
    confirm,
    order,
    orderLines,
    levels,
    movements,
    requests,
  };
}

// ---- 1. catalogue

describe('catalogue', () => {
  it('creates a product with the defaults: piece, PURCHASE, lead time 7, no reorder point, nothing in stock', async () => {
    const { run } = await tenantClient();
    const created = await run(
      `mutation { createProduct(input: {sku: " WID-1 ", name: "  Widget ", listPrice: {amount: "12.5", currency: "CNY"}}) {
        product { ${PRODUCT} unitCost { amount currency } stock { onHand } availableQuantity incomingQuantity createdAt } ${ERRORS} } }`,
    );
    const { id, createdAt, ...rest } = created.product;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(createdAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(rest).toEqual({
      sku: 'WID-1',
      name: 'Widget',
      unit: 'piece',
      listPrice: { amount: '12.50', currency: 'CNY' },
      active: true,
      replenishment: 'PURCHASE',
      reorderPoint: '0',
      reorderQuantity: '0',
      leadTimeDays: 7,
      unitCost: { amount: '0.00', currency: 'CNY' },
      stock: [],
      availableQuantity: '0',
      incomingQuantity: '0',
    });

    const full = await run(
      `mutation { createProduct(input: {sku: "FLOUR/25.kg_x", name: "Flour", unit: "kg", listPrice: {amount: "3.1234", currency: "cny"},
        unitCost: {amount: "2", currency: "CNY"}, replenishment: PRODUCTION, reorderPoint: "12.5", reorderQuantity: "40", leadTimeDays: 0}) {
        product { ${PRODUCT} unitCost { amount } } ${ERRORS} } }`,
    );
    expect(full.product).toMatchObject({
      sku: 'FLOUR/25.kg_x',
      unit: 'kg',
      listPrice: { amount: '3.1234', currency: 'CNY' },
      unitCost: { amount: '2.00' },
      replenishment: 'PRODUCTION',
      reorderPoint: '12.5',
      reorderQuantity: '40',
      leadTimeDays: 0,
    });
  });

  it('refuses a duplicate SKU, a malformed SKU, a blank name, a foreign currency and a lead time out of range, creating nothing', async () => {
    const { run, attempt, createProduct } = await tenantClient();
    await createProduct({ sku: 'WID-1', name: 'Widget' });
    const tryCreate = async (input: Record<string, unknown>) => {
      const payload = await attempt(
        `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } ${ERRORS} } }`,
        {
          input: { sku: 'NEW-1', name: 'New', listPrice: cny('1'), ...input },
        },
      );
      expect(payload.product).toBeNull();
      return codes(payload.userErrors);
    };
    expect(await tryCreate({ sku: 'WID-1' })).toEqual([{ code: 'TAKEN', field: ['input', 'sku'] }]);
    expect(await tryCreate({ sku: 'bad sku' })).toEqual([{ code: 'INVALID_SKU', field: ['input', 'sku'] }]);
    expect(await tryCreate({ sku: '-LEADING' })).toEqual([{ code: 'INVALID_SKU', field: ['input', 'sku'] }]);
    expect(await tryCreate({ name: '   ' })).toEqual([{ code: 'REQUIRED', field: ['input', 'name'] }]);
    expect(await tryCreate({ listPrice: { amount: '1', currency: 'USD' } })).toEqual([
      { code: 'CURRENCY_MISMATCH', field: ['input', 'listPrice', 'currency'] },
    ]);
    expect(await tryCreate({ unitCost: { amount: '1', currency: 'EUR' } })).toEqual([
      { code: 'CURRENCY_MISMATCH', field: ['input', 'unitCost', 'currency'] },
    ]);
    expect(await tryCreate({ leadTimeDays: -1 })).toEqual([{ code: 'OUT_OF_RANGE', field: ['input', 'leadTimeDays'] }]);
    expect(await tryCreate({ leadTimeDays: 3651 })).toEqual([
      { code: 'OUT_OF_RANGE', field: ['input', 'leadTimeDays'] },
    ]);
    expect(await tryCreate({ reorderQuantity: '-1' })).toEqual([
      { code: 'OUT_OF_RANGE', field: ['input', 'reorderQuantity'] },
    ]);
    // every problem at once
    expect(await tryCreate({ sku: 'no good', name: '', leadTimeDays: 5000 })).toEqual(
      expect.arrayContaining([
        { code: 'INVALID_SKU', field: ['input', 'sku'] },
        { code: 'REQUIRED', field: ['input', 'name'] },
        { code: 'OUT_OF_RANGE', field: ['input', 'leadTimeDays'] },
      ]),
    );
    const longest = await attempt(
      `mutation { createProduct(input: {sku: "NEW-1", name: "New", listPrice: {amount: "1", currency: "CNY"}, leadTimeDays: 3650}) { product { leadTimeDays } ${ERRORS} } }`,
    );
    expect(longest).toEqual({ product: { leadTimeDays: 3650 }, userErrors: [] });
    const all = await run('{ products { totalCount nodes { sku } } }');
    expect(all).toEqual({ totalCount: 2, nodes: [{ sku: 'NEW-1' }, { sku: 'WID-1' }] });
  });

  it('updates only the fields given, and answers NOT_FOUND for an unknown product', async () => {
    const { run, attempt, createProduct } = await tenantClient();
    const product = await createProduct({ sku: 'WID-1', name: 'Widget', listPrice: cny('12'), reorderQuantity: '5' });
    const updated = await run(
      `mutation($id: ID!) { updateProduct(input: {id: $id, name: "Widget Pro", reorderPoint: "3.5", unitCost: {amount: "4.25", currency: "CNY"}}) {
        product { ${PRODUCT} unitCost { amount } } ${ERRORS} } }`,
      { id: product.id },
    );
    expect(updated.product).toEqual({
      ...product,
      name: 'Widget Pro',
      reorderPoint: '3.5',
      unitCost: { amount: '4.25' },
    });
    const again = await run(
      `mutation($id: ID!) { updateProduct(input: {id: $id, leadTimeDays: 21, active: false, replenishment: PRODUCTION}) { product { ${PRODUCT} } ${ERRORS} } }`,
      {
        id: product.id,
      },
    );
    expect(again.product).toEqual({
      ...product,
      name: 'Widget Pro',
      reorderPoint: '3.5',
      leadTimeDays: 21,
      active: false,
      replenishment: 'PRODUCTION',
    });

    for (const id of [UNKNOWN_ID, 'not-an-id']) {
      const missing = await attempt(
        `mutation($id: ID!) { updateProduct(input: {id: $id, name: "X"}) { product { id } ${ERRORS} } }`,
        { id },
      );
      expect(missing.product).toBeNull();
      expect(codes(missing.userErrors)).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    }
    const invalid = await attempt(
      `mutation($id: ID!) { updateProduct(input: {id: $id, name: " ", leadTimeDays: 4000}) { product { id } ${ERRORS} } }`,
      { id: product.id },
    );
    expect(codes(invalid.userErrors)).toEqual(
      expect.arrayContaining([
        { code: 'REQUIRED', field: ['input', 'name'] },
        { code: 'OUT_OF_RANGE', field: ['input', 'leadTimeDays'] },
      ]),
    );
    expect(invalid.userErrors).toHaveLength(2);
    // nothing written by the refused update
    expect(await run(`query($id: ID!) { product(id: $id) { name leadTimeDays } }`, { id: product.id })).toEqual({
      name: 'Widget Pro',
      leadTimeDays: 21,
    });
  });

  it('reads a product by id and by SKU', async () => {
    const { token, createProduct } = await tenantClient();
    const product = await createProduct({ sku: 'WID-1', name: 'Widget' });
    const res = await stack.query(
      token,
      `query($id: ID!) { byId: product(id: $id) { sku name } bySku: productBySku(sku: "WID-1") { id } padded: productBySku(sku: " WID-1 ") { id }
        unknownSku: productBySku(sku: "WID-2") { id } unknownId: product(id: "${UNKNOWN_ID}") { id } badId: product(id: "x") { id } }`,
      { id: product.id },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      byId: { sku: 'WID-1', name: 'Widget' },
      bySku: { id: product.id },
      padded: { id: product.id },
      unknownSku: null,
      unknownId: null,
      badId: null,
    });
    // another tenant does not see it
    const other = await stack.query(
      await stack.token(newTenant()),
      `query($id: ID!) { product(id: $id) { id } productBySku(sku: "WID-1") { id } }`,
      { id: product.id },
    );
    expect(other.data).toEqual({ product: null, productBySku: null });
  });

  it('lists products with search, active and below-reorder-point filters, three orders and paging', async () => {
    const { tenant, run, createProduct, createWarehouse, receive, order } = await tenantClient();
    const w = await createWarehouse('MAIN');
    // created in this order: C-300, A-100, B-200, D-400 (so SKU, NAME and CREATED_AT orders all differ)
    const c = await createProduct({ sku: 'C-300', name: 'Apple juice', reorderPoint: '5' });
    const a = await createProduct({ sku: 'A-100', name: 'Cherry jam', reorderPoint: '5' });
    await createProduct({ sku: 'B-200', name: 'Banana bread' });
    const d = await createProduct({ sku: 'D-400', name: 'Date syrup', reorderPoint: '1' });
    await run(`mutation($id: ID!) { updateProduct(input: {id: $id, active: false}) { product { id } ${ERRORS} } }`, {
      id: d.id,
    });

    // A-100: 2 available + 4 incoming = 6 > 5 -> not below
    await receive(a.id, w, '2');
    await run(
      `mutation($p: ID!) { createReplenishmentRequest(input: {productId: $p, quantity: "4"}) { request { id } ${ERRORS} } }`,
      { p: a.id },
    );
    // B-200: 0 <= 0 -> below
    // C-300: 8 on hand, 3 reserved: 5 available <= 5 -> below
    await receive(c.id, w, '8');
    await order(c.id, '3');
    // D-400: 3 > 1 -> not below
    await receive(d.id, w, '3');

    const list = async (args: string) => {
      const conn = await run(
        `{ products${args ? `(${args})` : ''} { totalCount nodes { sku } pageInfo { hasNextPage hasPreviousPage endCursor } } }`,
      );
      return {
        skus: conn.nodes.map((n: { sku: string }) => n.sku),
        totalCount: conn.totalCount,
        pageInfo: conn.pageInfo,
      };
    };
    expect((await list('')).skus).toEqual(['A-100', 'B-200', 'C-300', 'D-400']);
    expect((await list('orderBy: {field: SKU, direction: DESC}')).skus).toEqual(['D-400', 'C-300', 'B-200', 'A-100']);
    expect((await list('orderBy: {field: NAME}')).skus).toEqual(['C-300', 'B-200', 'A-100', 'D-400']);
    expect((await list('orderBy: {field: NAME, direction: DESC}')).skus).toEqual(['D-400', 'A-100', 'B-200', 'C-300']);
    expect((await list('orderBy: {field: CREATED_AT}')).skus).toEqual(['C-300', 'A-100', 'B-200', 'D-400']);
    expect((await list('orderBy: {field: CREATED_AT, direction: DESC}')).skus).toEqual([
      'D-400',
      'B-200',
      'A-100',
      'C-300',
    ]);

    expect(await list('filter: {search: "JAM"}')).toMatchObject({ skus: ['A-100'], totalCount: 1 });
    expect((await list('filter: {search: "b-2"}')).skus).toEqual(['B-200']);
    expect((await list('filter: {search: " a "}')).skus).toEqual(['A-100', 'B-200', 'C-300', 'D-400']);
    expect(await list('filter: {search: "%"}')).toMatchObject({ skus: [], totalCount: 0 });
    expect((await list('filter: {active: false}')).skus).toEqual(['D-400']);
    expect(await list('filter: {active: true}')).toMatchObject({ skus: ['A-100', 'B-200', 'C-300'], totalCount: 3 });
    expect(await list('filter: {belowReorderPoint: true}')).toMatchObject({ skus: ['B-200', 'C-300'], totalCount: 2 });
    expect((await list('filter: {belowReorderPoint: false}')).skus).toEqual(['A-100', 'D-400']);
    expect((await list('filter: {belowReorderPoint: true, search: "apple"}')).skus).toEqual(['C-300']);

    const first = await list('first: 2');
    expect(first).toMatchObject({
      skus: ['A-100', 'B-200'],
      totalCount: 4,
      pageInfo: { hasNextPage: true, hasPreviousPage: false },
    });
    const second = await list(`first: 2, after: "${first.pageInfo.endCursor}"`);
    expect(second).toMatchObject({
      skus: ['C-300', 'D-400'],
      totalCount: 4,
      pageInfo: { hasNextPage: false, hasPreviousPage: true },
    });
    const byName = await list('first: 3, orderBy: {field: NAME, direction: DESC}');
    expect(byName.skus).toEqual(['D-400', 'A-100', 'B-200']);
    expect(
      (await list(`first: 3, after: "${byName.pageInfo.endCursor}", orderBy: {field: NAME, direction: DESC}`)).skus,
    ).toEqual(['C-300']);
    const byCreation = await list('first: 1, orderBy: {field: CREATED_AT}');
    expect(
      (await list(`first: 2, after: "${byCreation.pageInfo.endCursor}", orderBy: {field: CREATED_AT}`)).skus,
    ).toEqual(['A-100', 'B-200']);
    await expectLedgerConsistent(stack, tenant);
  });

  it('creates warehouses with upper-cased codes, refuses a duplicate code, and lists them by code', async () => {
    const { run, attempt } = await tenantClient();
    const east = await run(
      `mutation { createWarehouse(input: {code: " east-1 ", name: "East", address: "1 Harbour Road"}) { warehouse { id code name address active } ${ERRORS} } }`,
    );
    expect(east.warehouse).toEqual({
      id: expect.any(String),
      code: 'EAST-1',
      name: 'East',
      address: '1 Harbour Road',
      active: true,
    });
    const duplicate = await attempt(
      `mutation { createWarehouse(input: {code: "East-1", name: "East again"}) { warehouse { id } ${ERRORS} } }`,
    );
    expect(duplicate.warehouse).toBeNull();
    expect(codes(duplicate.userErrors)).toEqual([{ code: 'TAKEN', field: ['input', 'code'] }]);
    const blank = await attempt(
      `mutation { createWarehouse(input: {code: " ", name: "Nameless"}) { warehouse { id } ${ERRORS} } }`,
    );
    expect(codes(blank.userErrors)).toEqual([{ code: 'REQUIRED', field: ['input', 'code'] }]);
    await run(`mutation { createWarehouse(input: {code: "west", name: "West"}) { warehouse { id } ${ERRORS} } }`);
    await run(`mutation { createWarehouse(input: {code: "Central", name: "Central"}) { warehouse { id } ${ERRORS} } }`);
    const res = await run('{ warehouses { code name address } }');
    expect(res).toEqual([
      { code: 'CENTRAL', name: 'Central', address: null },
      { code: 'EAST-1', name: 'East', address: '1 Harbour Road' },
      { code: 'WEST', name: 'West', address: null },
    ]);
  });

  it('shows unitCost only to a token with finance:read', async () => {
    const { tenant, createProduct, run } = await tenantClient();
    const product = await createProduct({ sku: 'WID-1', name: 'Widget', unitCost: cny('4.5') });
    expect(
      await run(`query($id: ID!) { product(id: $id) { unitCost { amount currency } } }`, { id: product.id }),
    ).toEqual({ unitCost: { amount: '4.50', currency: 'CNY' } });

    const finance = await stack.token(tenant, ['fulfilment:read', 'finance:read']);
    const allowed = await stack.query(finance, `query($id: ID!) { product(id: $id) { sku unitCost { amount } } }`, {
      id: product.id,
    });
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data).toEqual({ product: { sku: 'WID-1', unitCost: { amount: '4.50' } } });

    const readOnly = await stack.token(tenant, ['fulfilment:read']);
    const denied = await stack.query(readOnly, `query($id: ID!) { product(id: $id) { sku unitCost { amount } } }`, {
      id: product.id,
    });
    expect(denied.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['product', 'unitCost'], 'FORBIDDEN']]);
    expect(JSON.stringify(denied.data)).not.toContain('4.5');
    // the rest of the query still runs
    const rest = await stack.query(readOnly, `query($id: ID!) { product(id: $id) { sku listPrice { amount } } }`, {
      id: product.id,
    });
    expect(rest).toMatchObject({ data: { product: { sku: 'WID-1', listPrice: { amount: '10.00' } } } });
    expect(rest.errors).toBeUndefined();
  });
});

// ---- 2. stock

describe('stock', () => {
  it('receives stock as RECEIPT movements and shows on-hand and available per warehouse', async () => {
    const { tenant, run, createProduct, createWarehouse, receive, levels } = await tenantClient();
    const a = await createWarehouse('A');
    const b = await createWarehouse('B');
    const product = await createProduct({ sku: 'BOX-1', name: 'Box' });
    const first = await receive(product.id, a, '10', 'DN-7');
    expect(first).toEqual({
      movement: {
        kind: 'RECEIPT',
        quantity: '10',
        onHandChange: '10',
        reservedChange: '0',
        reference: 'DN-7',
        warehouse: { code: 'A' },
        product: { sku: 'BOX-1' },
      },
      product: { availableQuantity: '10' },
      userErrors: [],
    });
    const second = await receive(product.id, b, '4');
    expect(second.movement).toEqual({
      kind: 'RECEIPT',
      quantity: '4',
      onHandChange: '4',
      reservedChange: '0',
      reference: null,
      warehouse: { code: 'B' },
      product: { sku: 'BOX-1' },
    });
    expect(second.product).toEqual({ availableQuantity: '14' });
    await receive(product.id, a, '1');
    expect(await levels(product.id)).toEqual({
      A: { onHand: '11', reserved: '0', available: '11' },
      B: { onHand: '4', reserved: '0', available: '4' },
    });
    const read = await run(
      `query($id: ID!) { product(id: $id) { availableQuantity incomingQuantity stock { incoming } } }`,
      { id: product.id },
    );
    expect(read).toEqual({
      availableQuantity: '15',
      incomingQuantity: '0',
      stock: [{ incoming: '0' }, { incoming: '0' }],
    });
    await expectLedgerConsistent(stack, tenant);
  });

  it('refuses a receipt of zero, a negative or too precise quantity, and unknown products or warehouses', async () => {
    const { tenant, attempt, createProduct, createWarehouse, levels } = await tenantClient();
    const w = await createWarehouse('A');
    const product = await createProduct({ sku: 'BOX-1', name: 'Box' });
    const tryReceive = async (input: Record<string, unknown>) => {
      const payload = await attempt(
        `mutation($input: ReceiveStockInput!) { receiveStock(input: $input) { movement { kind } product { id } ${ERRORS} } }`,
        {
          input: { productId: product.id, warehouseId: w, quantity: '1', ...input },
        },
      );
      expect(payload.movement).toBeNull();
      return codes(payload.userErrors);
    };
    expect(await tryReceive({ quantity: '0' })).toEqual([{ code: 'OUT_OF_RANGE', field: ['input', 'quantity'] }]);
    expect(await tryReceive({ quantity: '-3' })).toEqual([{ code: 'OUT_OF_RANGE', field: ['input', 'quantity'] }]);
    expect(await tryReceive({ quantity: '1.00001' })).toEqual([{ code: 'TOO_PRECISE', field: ['input', 'quantity'] }]);
    expect(await tryReceive({ productId: UNKNOWN_ID })).toEqual([{ code: 'NOT_FOUND', field: ['input', 'productId'] }]);
    expect(await tryReceive({ productId: 'nope' })).toEqual([{ code: 'NOT_FOUND', field: ['input', 'productId'] }]);
    expect(await tryReceive({ warehouseId: UNKNOWN_ID })).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'warehouseId'] },
    ]);
    // a warehouse of another tenant is unknown here
    const other = await tenantClient();
    const foreign = await other.createWarehouse('A');
    expect(await tryReceive({ warehouseId: foreign })).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'warehouseId'] },
    ]);
    expect(await levels(product.id)).toEqual({});
    await expectLedgerConsistent(stack, tenant);
  });

  it('adjusts stock up and down, never below what is reserved, with a reason and a non-zero change', async () => {
    const { tenant, createProduct, createWarehouse, receive, adjust, order, levels } = await tenantClient();
    const a = await createWarehouse('A');
    const b = await createWarehouse('B');
    const c = await createWarehouse('C');
    const product = await createProduct({ sku: 'BOX-1', name: 'Box' });
    await receive(product.id, a, '10');
    await receive(product.id, b, '3');
    const confirmed = await order(product.id, '6'); // wholly in A
    expect(confirmed.lines).toEqual([
      { quantity: '6', allocatedQuantity: '6', backorderedQuantity: '0', shippedQuantity: '0' },
    ]);

    const up = await adjust(product.id, b, '2', 'Found in count');
    expect(up).toEqual({
      movement: {
        kind: 'ADJUSTMENT',
        quantity: '2',
        onHandChange: '2',
        reservedChange: '0',
        reference: 'Found in count',
        warehouse: { code: 'B' },
        product: { sku: 'BOX-1' },
      },
      userErrors: [],
    });
    const down = await adjust(product.id, a, '-3', 'Water damage');
    expect(down.movement).toEqual({
      kind: 'ADJUSTMENT',
      quantity: '3',
      onHandChange: '-3',
      reservedChange: '0',
      reference: 'Water damage',
      warehouse: { code: 'A' },
      product: { sku: 'BOX-1' },
    });
    expect(await levels(product.id)).toEqual({
      A: { onHand: '7', reserved: '6', available: '1' },
      B: { onHand: '5', reserved: '0', available: '5' },
    });

    // A has 7 on hand, 6 reserved: only 1 may go
    const below = await adjust(product.id, a, '-2', 'Lost');
    expect(below.movement).toBeNull();
    expect(codes(below.userErrors)).toEqual([{ code: 'BELOW_RESERVED', field: ['input', 'change'] }]);
    // never stocked in C: it cannot go below zero, and no level appears
    const belowZero = await adjust(product.id, c, '-1', 'Lost');
    expect(codes(belowZero.userErrors)).toEqual([{ code: 'BELOW_RESERVED', field: ['input', 'change'] }]);
    const noReason = await adjust(product.id, a, '1', '  ');
    expect(codes(noReason.userErrors)).toEqual([{ code: 'REQUIRED', field: ['input', 'reason'] }]);
    const zero = await adjust(product.id, a, '0', 'Nothing');
    expect(codes(zero.userErrors)).toEqual([{ code: 'OUT_OF_RANGE', field: ['input', 'change'] }]);
    const unknown = await adjust(UNKNOWN_ID, a, '1', 'x');
    expect(codes(unknown.userErrors)).toEqual([{ code: 'NOT_FOUND', field: ['input', 'productId'] }]);
    const unknownWarehouse = await adjust(product.id, UNKNOWN_ID, '1', 'x');
    expect(codes(unknownWarehouse.userErrors)).toEqual([{ code: 'NOT_FOUND', field: ['input', 'warehouseId'] }]);
    const missingReason = await stack.query(
      await stack.token(tenant),
      `mutation($p: ID!, $w: ID!) { adjustStock(input: {productId: $p, warehouseId: $w, change: "1"}) { ${ERRORS} } }`,
      { p: product.id, w: a },
    );
    expect(missingReason.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const exact = await adjust(product.id, a, '-1', 'Recount');
    expect(exact.userErrors).toEqual([]);
    expect(await levels(product.id)).toEqual({
      A: { onHand: '6', reserved: '6', available: '0' },
      B: { onHand: '5', reserved: '0', available: '5' },
    });
    await expectLedgerConsistent(stack, tenant);
  });

  it('lists the ledger of a product newest first, with on-hand and reserved changes, in pages', async () => {
    const { tenant, createProduct, createWarehouse, receive, adjust, order, movements } = await tenantClient();
    const a = await createWarehouse('A');
    const b = await createWarehouse('B');
    const product = await createProduct({ sku: 'BOX-1', name: 'Box' });
    const other = await createProduct({ sku: 'BOX-2', name: 'Other box' });
    await receive(product.id, a, '10', 'DN-1');
    await receive(other.id, a, '99');
    await receive(product.id, b, '5');
    const confirmed = await order(product.id, '4');
    expect((await adjust(product.id, b, '-2', 'Broken')).userErrors).toEqual([]);
    expect((await adjust(product.id, a, '1.5', 'Count')).userErrors).toEqual([]);

    const ledger = await movements(product.id);
    expect(ledger.totalCount).toBe(5);
    expect(ledger.nodes).toEqual([
      {
        kind: 'ADJUSTMENT',
        quantity: '1.5',
        onHandChange: '1.5',
        reservedChange: '0',
        reference: 'Count',
        warehouse: { code: 'A' },
        product: { sku: 'BOX-1' },
      },
      {
        kind: 'ADJUSTMENT',
        quantity: '2',
        onHandChange: '-2',
        reservedChange: '0',
        reference: 'Broken',
        warehouse: { code: 'B' },
        product: { sku: 'BOX-1' },
      },
      {
        kind: 'RESERVATION',
        quantity: '4',
        onHandChange: '0',
        reservedChange: '4',
        reference: confirmed.number,
        warehouse: { code: 'A' },
        product: { sku: 'BOX-1' },
      },
      {
        kind: 'RECEIPT',
        quantity: '5',
        onHandChange: '5',
        reservedChange: '0',
        reference: null,
        warehouse: { code: 'B' },
        product: { sku: 'BOX-1' },
      },
      {
        kind: 'RECEIPT',
        quantity: '10',
        onHandChange: '10',
        reservedChange: '0',
        reference: 'DN-1',
        warehouse: { code: 'A' },
        product: { sku: 'BOX-1' },
      },
    ]);
    expect(confirmed.number).toBe('SO-000001');

    const page1 = await movements(product.id, ', first: 2');
    expect(page1.nodes.map((m: any) => m.kind)).toEqual(['ADJUSTMENT', 'ADJUSTMENT']);
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const page2 = await movements(product.id, `, first: 2, after: "${page1.pageInfo.endCursor}"`);
    expect(page2.nodes.map((m: any) => m.kind)).toEqual(['RESERVATION', 'RECEIPT']);
    const page3 = await movements(product.id, `, first: 2, after: "${page2.pageInfo.endCursor}"`);
    expect(page3.nodes.map((m: any) => m.reference)).toEqual(['DN-1']);
    expect(page3.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    expect(await movements(UNKNOWN_ID)).toMatchObject({ totalCount: 0, nodes: [] });
    expect(await movements('nope')).toMatchObject({ totalCount: 0, nodes: [] });
    await expectLedgerConsistent(stack, tenant);
  });

  it('keeps decimal quantities exact: 12.5 kg received, 2.25 kg reserved', async () => {
    const { tenant, run, createProduct, createWarehouse, receive, order, levels, movements } = await tenantClient();
    const w = await createWarehouse('A');
    const flour = await createProduct({ sku: 'FLOUR', name: 'Flour', unit: 'kg', listPrice: cny('3.2') });
    expect(flour.unit).toBe('kg');
    expect((await receive(flour.id, w, '12.5')).product).toEqual({ availableQuantity: '12.5' });
    const confirmed = await order(flour.id, '2.25');
    expect(confirmed.lines).toEqual([
      { quantity: '2.25', allocatedQuantity: '2.25', backorderedQuantity: '0', shippedQuantity: '0' },
    ]);
    expect(confirmed.total).toBe('7.20');
    expect(await levels(flour.id)).toEqual({ A: { onHand: '12.5', reserved: '2.25', available: '10.25' } });
    expect((await movements(flour.id)).nodes[0]).toMatchObject({
      kind: 'RESERVATION',
      quantity: '2.25',
      onHandChange: '0',
      reservedChange: '2.25',
    });
    expect(
      (
        await run(
          `mutation($p: ID!, $w: ID!) { adjustStock(input: {productId: $p, warehouseId: $w, change: "-0.125", reason: "Spill"}) { movement { quantity onHandChange } ${ERRORS} } }`,
          {
            p: flour.id,
            w,
          },
        )
      ).movement,
    ).toEqual({ quantity: '0.125', onHandChange: '-0.125' });
    expect(
      await run(
        `query($id: ID!) { product(id: $id) { availableQuantity availableToPromise(quantity: "10.125") { quantity date } } }`,
        { id: flour.id },
      ),
    ).toEqual({
      availableQuantity: '10.125',
      availableToPromise: { quantity: '10.125', date: today() },
    });
    await expectLedgerConsistent(stack, tenant);
  });
});

// ---- 3. allocation on confirmation

describe('allocation on confirmation', () => {
  it('reserves in the warehouse that covers the whole line, best stocked first, otherwise splits best stocked first and backorders the rest', async () => {
    const { tenant, createProduct, createWarehouse, receive, order, levels, movements, orderLines, requests } =
      await tenantClient();
    const a = await createWarehouse('A');
    const b = await createWarehouse('B');
    const product = await createProduct({ sku: 'SPLIT', name: 'Split', reorderQuantity: '0' });
    await receive(product.id, a, '6');
    await receive(product.id, b, '4');

    // 5: only A (6) covers it
    const first = await order(product.id, '5');
    expect(first.lines).toEqual([
      { quantity: '5', allocatedQuantity: '5', backorderedQuantity: '0', shippedQuantity: '0' },
    ]);
    expect(await levels(product.id)).toEqual({
      A: { onHand: '6', reserved: '5', available: '1' },
      B: { onHand: '4', reserved: '0', available: '4' },
    });

    // 3: A has 1 left, B has 4: B covers it whole
    const second = await order(product.id, '3');
    expect(second.lines).toEqual([
      { quantity: '3', allocatedQuantity: '3', backorderedQuantity: '0', shippedQuantity: '0' },
    ]);
    expect(await levels(product.id)).toEqual({
      A: { onHand: '6', reserved: '5', available: '1' },
      B: { onHand: '4', reserved: '3', available: '1' },
    });

    // 4: nobody covers it; A and B have 1 each (a tie, by code): 1 from A, 1 from B, 2 backordered
    const third = await order(product.id, '4');
    expect(third.status).toBe('CONFIRMED');
    expect(third.lines).toEqual([
      { quantity: '4', allocatedQuantity: '2', backorderedQuantity: '2', shippedQuantity: '0' },
    ]);
    expect(await levels(product.id)).toEqual({
      A: { onHand: '6', reserved: '6', available: '0' },
      B: { onHand: '4', reserved: '4', available: '0' },
    });

    const ledger = (await movements(product.id)).nodes.filter((m: any) => m.kind === 'RESERVATION');
    const byOrder = (number: string) =>
      ledger
        .filter((m: any) => m.reference === number)
        .map((m: any) => [m.warehouse.code, m.quantity])
        .sort();
    expect(byOrder(first.number)).toEqual([['A', '5']]);
    expect(byOrder(second.number)).toEqual([['B', '3']]);
    expect(byOrder(third.number)).toEqual([
      ['A', '1'],
      ['B', '1'],
    ]);
    // re-read: the lines are stored as reported
    expect(await orderLines(third.id)).toEqual([{ allocated: '2', backordered: '2' }]);
    expect(await orderLines(first.id)).toEqual([{ allocated: '5', backordered: '0' }]);
    // the shortage of 2 raised a request for max(0, 2)
    expect((await requests(product.id)).map((r) => [r.quantity, r.status])).toEqual([['2', 'OPEN']]);
    await expectLedgerConsistent(stack, tenant);
  });

  it('picks the best-stocked of several covering warehouses, and splits a line best stocked first', async () => {
    const { tenant, createProduct, createWarehouse, receive, order, levels } = await tenantClient();
    const [a, b, c] = [await createWarehouse('A'), await createWarehouse('B'), await createWarehouse('C')];
    const product = await createProduct({ sku: 'MULTI', name: 'Multi' });
    await receive(product.id, a, '5');
    await receive(product.id, b, '8');
    await receive(product.id, c, '6');
    // all three cover 4: the best stocked (B) gets it
    expect((await order(product.id, '4')).lines[0]).toMatchObject({ allocatedQuantity: '4', backorderedQuantity: '0' });
    expect(await levels(product.id)).toEqual({
      A: { onHand: '5', reserved: '0', available: '5' },
      B: { onHand: '8', reserved: '4', available: '4' },
      C: { onHand: '6', reserved: '0', available: '6' },
    });
    // 13: nobody covers it; C (6), A (5), then B (4) for the last 2
    expect((await order(product.id, '13')).lines[0]).toMatchObject({
      allocatedQuantity: '13',
      backorderedQuantity: '0',
    });
    expect(await levels(product.id)).toEqual({
      A: { onHand: '5', reserved: '5', available: '0' },
      B: { onHand: '8', reserved: '6', available: '2' },
      C: { onHand: '6', reserved: '6', available: '0' },
    });
    await expectLedgerConsistent(stack, tenant);
  });
});

// ---- 4. replenishment

describe('replenishment', () => {
  it('raises one request per shortage for max(reorder quantity, shortfall), due after the lead time, of the product’s kind', async () => {
    const { tenant, run, createProduct, createWarehouse, receive, order, requests } = await tenantClient();
    const w = await createWarehouse('A');
    const gear = await createProduct({
      sku: 'GEAR',
      name: 'Gear',
      replenishment: 'PRODUCTION',
      reorderQuantity: '10',
      leadTimeDays: 5,
    });
    const bolt = await createProduct({ sku: 'BOLT', name: 'Bolt', reorderQuantity: '2' });
    await receive(gear.id, w, '2');

    const first = await order(gear.id, '5');
    expect(first.lines[0]).toMatchObject({ allocatedQuantity: '2', backorderedQuantity: '3' });
    expect(first.promisedDate).toBe(daysFromToday(5));
    expect(await requests(gear.id)).toEqual([
      {
        id: expect.any(String),
        number: 'RR-000001',
        kind: 'PRODUCTION',
        quantity: '10',
        dueDate: daysFromToday(5),
        status: 'OPEN',
        warehouse: null,
        product: { sku: 'GEAR' },
        completedAt: null,
      },
    ]);

    // a second shortage of the same product raises nothing: still the one open request
    const second = await order(gear.id, '20');
    expect(second.lines[0]).toMatchObject({ allocatedQuantity: '0', backorderedQuantity: '20' });
    // 10 incoming, 3 already waiting: 7 left for this order's 20
    expect(second.promisedDate).toBeNull();
    expect((await requests(gear.id)).map((r) => [r.number, r.quantity, r.status])).toEqual([
      ['RR-000001', '10', 'OPEN'],
    ]);
    expect(
      await run(`query($id: ID!) { product(id: $id) { incomingQuantity availableQuantity } }`, { id: gear.id }),
    ).toEqual({
      incomingQuantity: '10',
      availableQuantity: '0',
    });

    // shortfall 7 beats reorder quantity 2; PURCHASE and the default lead time of 7 days
    await order(bolt.id, '7');
    expect((await requests(bolt.id)).map((r) => [r.number, r.kind, r.quantity, r.dueDate])).toEqual([
      ['RR-000002', 'PURCHASE', '7', daysFromToday(7)],
    ]);
    expect((await run(`{ replenishmentRequests(filter: {status: [OPEN]}) { totalCount } }`)).totalCount).toBe(2);
    await expectLedgerConsistent(stack, tenant);
  });

  it('creates requests by hand with defaults, one open per product, never due in the past', async () => {
    const { attempt, run, createProduct } = await tenantClient();
    const nut = await createProduct({ sku: 'NUT', name: 'Nut', replenishment: 'PRODUCTION', leadTimeDays: 3 });
    const washer = await createProduct({ sku: 'WASHER', name: 'Washer' });
    const create = (input: Record<string, unknown>) =>
      attempt(
        `mutation($input: CreateReplenishmentRequestInput!) { createReplenishmentRequest(input: $input) { request { ${REQUEST} } ${ERRORS} } }`,
        { input },
      );

    const made = await create({ productId: nut.id, quantity: '50' });
    expect(made).toEqual({
      request: {
        id: expect.any(String),
        number: 'RR-000001',
        kind: 'PRODUCTION',
        quantity: '50',
        dueDate: daysFromToday(3),
        status: 'OPEN',
        warehouse: null,
        product: { sku: 'NUT' },
        completedAt: null,
      },
      userErrors: [],
    });
    const again = await create({ productId: nut.id, quantity: '5' });
    expect(again.request).toBeNull();
    expect(codes(again.userErrors)).toEqual([{ code: 'REQUEST_ALREADY_OPEN', field: ['input', 'productId'] }]);

    const past = await create({ productId: washer.id, quantity: '5', dueDate: daysFromToday(-1) });
    expect(past.request).toBeNull();
    expect(codes(past.userErrors)).toEqual([{ code: 'INVALID_DATE', field: ['input', 'dueDate'] }]);
    expect(codes((await create({ productId: washer.id, quantity: '0' })).userErrors)).toEqual([
      { code: 'OUT_OF_RANGE', field: ['input', 'quantity'] },
    ]);
    expect(codes((await create({ productId: UNKNOWN_ID, quantity: '1' })).userErrors)).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'productId'] },
    ]);

    // today is allowed; an explicit kind overrides the product's
    const explicit = await create({ productId: washer.id, quantity: '2.5', dueDate: today(), kind: 'PRODUCTION' });
    expect(explicit.request).toMatchObject({
      number: 'RR-000002',
      kind: 'PRODUCTION',
      quantity: '2.5',
      dueDate: today(),
      status: 'OPEN',
    });

    // cancelled: no longer open, so another may be raised
    const cancelled = await run(
      `mutation($id: ID!) { cancelReplenishment(input: {id: $id}) { request { number status completedAt } ${ERRORS} } }`,
      { id: made.request.id },
    );
    expect(cancelled.request).toEqual({ number: 'RR-000001', status: 'CANCELLED', completedAt: null });
    const twice = await attempt(
      `mutation($id: ID!) { cancelReplenishment(input: {id: $id}) { request { id } ${ERRORS} } }`,
      { id: made.request.id },
    );
    expect(codes(twice.userErrors)).toEqual([{ code: 'INVALID_STATUS', field: ['input', 'id'] }]);
    const unknown = await attempt(
      `mutation { cancelReplenishment(input: {id: "${UNKNOWN_ID}"}) { request { id } ${ERRORS} } }`,
    );
    expect(codes(unknown.userErrors)).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    const replacement = await create({ productId: nut.id, quantity: '5', dueDate: daysFromToday(30) });
    expect(replacement.request).toMatchObject({
      number: 'RR-000003',
      quantity: '5',
      dueDate: daysFromToday(30),
      status: 'OPEN',
    });
    expect(await run(`query($id: ID!) { product(id: $id) { incomingQuantity } }`, { id: nut.id })).toEqual({
      incomingQuantity: '5',
    });

    const listed = await run(`{ replenishmentRequests { totalCount nodes { number status } } }`);
    expect(listed.totalCount).toBe(3);
    expect(listed.nodes.map((n: any) => `${n.number} ${n.status}`).sort()).toEqual([
      'RR-000001 CANCELLED',
      'RR-000002 OPEN',
      'RR-000003 OPEN',
    ]);
    expect(
      (
        await run(
          `query($p: ID!) { replenishmentRequests(filter: {productId: $p, status: [OPEN]}) { nodes { number } } }`,
          { p: nut.id },
        )
      ).nodes,
    ).toEqual([{ number: 'RR-000003' }]);
  });

  it('completes a request by receiving it into a warehouse and serving the backlog', async () => {
    const {
      tenant,
      run,
      attempt,
      createProduct,
      createWarehouse,
      receive,
      order,
      levels,
      movements,
      requests,
      orderLines,
    } = await tenantClient();
    const a = await createWarehouse('A');
    const b = await createWarehouse('B');
    const gear = await createProduct({
      sku: 'GEAR',
      name: 'Gear',
      replenishment: 'PRODUCTION',
      reorderQuantity: '10',
      leadTimeDays: 5,
    });
    await receive(gear.id, a, '2');
    const small = await order(gear.id, '5'); // 2 reserved, 3 waiting, RR-000001 for 10
    const large = await order(gear.id, '20'); // 20 waiting, larger total
    const [request] = await requests(gear.id);
    expect(request).toMatchObject({ number: 'RR-000001', quantity: '10', status: 'OPEN' });

    const completed = await run(
      `mutation($id: ID!, $w: ID!) { completeReplenishment(input: {id: $id, warehouseId: $w}) { request { ${REQUEST} } ${ERRORS} } }`,
      {
        id: request.id,
        w: b,
      },
    );
    expect(completed.request).toMatchObject({
      number: 'RR-000001',
      status: 'COMPLETED',
      quantity: '10',
      warehouse: { code: 'B' },
    });
    expect(Date.parse(completed.request.completedAt)).toBeGreaterThan(Date.now() - 60_000);

    const ledger = (await movements(gear.id)).nodes;
    expect(ledger.find((m: any) => m.kind === 'RECEIPT' && m.warehouse.code === 'B')).toEqual({
      kind: 'RECEIPT',
      quantity: '10',
      onHandChange: '10',
      reservedChange: '0',
      reference: 'RR-000001',
      warehouse: { code: 'B' },
      product: { sku: 'GEAR' },
    });
    // the larger order is served first: all 10 go to it
    expect(await orderLines(large.id)).toEqual([{ allocated: '10', backordered: '10' }]);
    expect(await orderLines(small.id)).toEqual([{ allocated: '2', backordered: '3' }]);
    expect(ledger.slice(0, 2).map((m: any) => [m.kind, m.reference, m.warehouse.code, m.quantity])).toEqual([
      ['RESERVATION', large.number, 'B', '10'],
      ['RECEIPT', 'RR-000001', 'B', '10'],
    ]);
    expect(await levels(gear.id)).toEqual({
      A: { onHand: '2', reserved: '2', available: '0' },
      B: { onHand: '10', reserved: '10', available: '0' },
    });
    expect(await run(`query($id: ID!) { product(id: $id) { incomingQuantity } }`, { id: gear.id })).toEqual({
      incomingQuantity: '0',
    });

    const again = await attempt(
      `mutation($id: ID!, $w: ID!) { completeReplenishment(input: {id: $id, warehouseId: $w}) { request { id } ${ERRORS} } }`,
      { id: request.id, w: a },
    );
    expect(again.request).toBeNull();
    expect(codes(again.userErrors)).toEqual([{ code: 'INVALID_STATUS', field: ['input', 'id'] }]);
    const cancelCompleted = await attempt(
      `mutation($id: ID!) { cancelReplenishment(input: {id: $id}) { request { id } ${ERRORS} } }`,
      { id: request.id },
    );
    expect(codes(cancelCompleted.userErrors)).toEqual([{ code: 'INVALID_STATUS', field: ['input', 'id'] }]);

    // a request for a product nobody waits for just lands in stock
    const spare = await createProduct({ sku: 'SPARE', name: 'Spare' });
    const made = await run(
      `mutation($p: ID!) { createReplenishmentRequest(input: {productId: $p, quantity: "7.5"}) { request { id number } ${ERRORS} } }`,
      { p: spare.id },
    );
    expect(made.request.number).toBe('RR-000002');
    const unknownWarehouse = await attempt(
      `mutation($id: ID!) { completeReplenishment(input: {id: $id, warehouseId: "${UNKNOWN_ID}"}) { request { id } ${ERRORS} } }`,
      {
        id: made.request.id,
      },
    );
    expect(codes(unknownWarehouse.userErrors)).toEqual([{ code: 'NOT_FOUND', field: ['input', 'warehouseId'] }]);
    expect((await requests(spare.id))[0].status).toBe('OPEN');
    await run(
      `mutation($id: ID!, $w: ID!) { completeReplenishment(input: {id: $id, warehouseId: $w}) { request { status } ${ERRORS} } }`,
      { id: made.request.id, w: a },
    );
    expect(await levels(spare.id)).toEqual({ A: { onHand: '7.5', reserved: '0', available: '7.5' } });
    expect((await movements(spare.id)).nodes).toEqual([
      {
        kind: 'RECEIPT',
        quantity: '7.5',
        onHandChange: '7.5',
        reservedChange: '0',
        reference: 'RR-000002',
        warehouse: { code: 'A' },
        product: { sku: 'SPARE' },
      },
    ]);
    await expectLedgerConsistent(stack, tenant);
  });
});

// ---- 5. allocation priority on receipt

describe('allocation when stock arrives', () => {
  it('serves URGENT before HIGH before NORMAL, then the larger order total, then the older order', async () => {
    const { tenant, run, createProduct, createWarehouse, receive, draft, confirm, orderLines, levels } =
      await tenantClient();
    const w = await createWarehouse('A');
    const product = await createProduct({ sku: 'PRIO', name: 'Priority item' });
    // each order wants 2 units; nothing is in stock
    const make = async (name: string, unitPrice: string, priority: string) => {
      const created = await draft([{ productId: product.id, quantity: '2', unitPrice }], priority);
      const confirmed = await confirm(created.id);
      expect(confirmed.lines[0]).toMatchObject({ allocatedQuantity: '0', backorderedQuantity: '2' });
      return { name, id: created.id, total: created.total.amount };
    };
    const o1 = await make('o1 normal 20 oldest', '10', 'NORMAL');
    const o2 = await make('o2 normal 20 newer', '10', 'NORMAL');
    const o3 = await make('o3 normal 100', '50', 'NORMAL');
    const o4 = await make('o4 high 20', '10', 'HIGH');
    const o5 = await make('o5 made urgent 2', '1', 'NORMAL');
    const o6 = await make('o6 high 200', '100', 'HIGH');
    const o7 = await make('o7 demoted to normal 2000', '1000', 'URGENT');
    expect([o1, o2, o3, o4, o5, o6, o7].map((o) => o.total)).toEqual([
      '20.00',
      '20.00',
      '100.00',
      '20.00',
      '2.00',
      '200.00',
      '2000.00',
    ]);
    const setPriority = (id: string, priority: string) =>
      run(
        `mutation($id: ID!, $p: SalesOrderPriority!) { setSalesOrderPriority(input: {id: $id, priority: $p}) { order { priority } ${ERRORS} } }`,
        { id, p: priority },
      );
    expect((await setPriority(o5.id, 'URGENT')).order).toEqual({ priority: 'URGENT' });
    expect((await setPriority(o7.id, 'NORMAL')).order).toEqual({ priority: 'NORMAL' });

    const allocated = async () => {
      const result: Record<string, string> = {};
      for (const o of [o1, o2, o3, o4, o5, o6, o7]) result[o.name] = (await orderLines(o.id))[0].allocated;
      return result;
    };
    // 9 units: o5 (URGENT), o6 (HIGH, 200), o4 (HIGH, 20), o7 (NORMAL, 2000) get 2 each, o3 (NORMAL, 100) gets the last 1
    await receive(product.id, w, '9');
    expect(await allocated()).toEqual({
      'o1 normal 20 oldest': '0',
      'o2 normal 20 newer': '0',
      'o3 normal 100': '1',
      'o4 high 20': '2',
      'o5 made urgent 2': '2',
      'o6 high 200': '2',
      'o7 demoted to normal 2000': '2',
    });
    expect(await levels(product.id)).toEqual({ A: { onHand: '9', reserved: '9', available: '0' } });

    // 3 more: o3 completes, then o1 (older than o2, same total) gets 2; o2 still waits
    await receive(product.id, w, '3');
    expect(await allocated()).toEqual({
      'o1 normal 20 oldest': '2',
      'o2 normal 20 newer': '0',
      'o3 normal 100': '2',
      'o4 high 20': '2',
      'o5 made urgent 2': '2',
      'o6 high 200': '2',
      'o7 demoted to normal 2000': '2',
    });
    expect(await orderLines(o2.id)).toEqual([{ allocated: '0', backordered: '2' }]);
    expect(await levels(product.id)).toEqual({ A: { onHand: '12', reserved: '12', available: '0' } });
    const backordered = await run(`{ salesOrders(filter: {backordered: true}) { nodes { id } } }`);
    expect(backordered.nodes).toEqual([{ id: o2.id }]);
    await expectLedgerConsistent(stack, tenant);
  });

  it('serves waiting orders from stock released by a cancellation, in priority order', async () => {
    const { tenant, run, createProduct, createWarehouse, receive, order, orderLines, levels } = await tenantClient();
    const w = await createWarehouse('A');
    const product = await createProduct({ sku: 'REL', name: 'Released' });
    await receive(product.id, w, '3');
    const holder = await order(product.id, '3');
    const normal = await order(product.id, '2', { unitPrice: '100' });
    const urgent = await order(product.id, '2', { priority: 'URGENT' });
    expect(normal.lines[0].backorderedQuantity).toBe('2');
    expect(urgent.lines[0].backorderedQuantity).toBe('2');
    await run(`mutation($id: ID!) { cancelSalesOrder(input: {id: $id}) { order { status } ${ERRORS} } }`, {
      id: holder.id,
    });
    expect(await orderLines(urgent.id)).toEqual([{ allocated: '2', backordered: '0' }]);
    expect(await orderLines(normal.id)).toEqual([{ allocated: '1', backordered: '1' }]);
    expect(await levels(product.id)).toEqual({ A: { onHand: '3', reserved: '3', available: '0' } });
    await expectLedgerConsistent(stack, tenant);
  });
});

// ---- 6. available to promise

describe('available to promise', () => {
  it('promises today from stock, the due date of an open request after the backlog, and nothing beyond it', async () => {
    const { tenant, run, createProduct, createWarehouse, receive, order } = await tenantClient();
    const a = await createWarehouse('A');
    const b = await createWarehouse('B');
    const product = await createProduct({ sku: 'ATP', name: 'Promised', leadTimeDays: 10 });
    await receive(product.id, a, '3');
    await receive(product.id, b, '4');
    const atp = async (quantity: string) =>
      (
        await run(
          `query($id: ID!, $q: Decimal!) { product(id: $id) { availableToPromise(quantity: $q) { quantity date } } }`,
          { id: product.id, q: quantity },
        )
      ).availableToPromise;
    const stockOf = () =>
      run(`query($id: ID!) { product(id: $id) { availableQuantity incomingQuantity } }`, { id: product.id });

    // in stock (over two warehouses)
    expect(await atp('5')).toEqual({ quantity: '5', date: today() });
    expect(await atp('7')).toEqual({ quantity: '7', date: today() });
    expect(await atp('2.5')).toEqual({ quantity: '2.5', date: today() });
    // short, nothing incoming
    expect(await atp('7.5')).toEqual({ quantity: '7', date: null });

    // 20 incoming, due in 12 days
    const due = daysFromToday(12);
    await run(
      `mutation($p: ID!, $d: Date!) { createReplenishmentRequest(input: {productId: $p, quantity: "20", dueDate: $d}) { request { id } ${ERRORS} } }`,
      {
        p: product.id,
        d: due,
      },
    );
    expect(await stockOf()).toEqual({ availableQuantity: '7', incomingQuantity: '20' });
    expect(await atp('7')).toEqual({ quantity: '7', date: today() });
    expect(await atp('15')).toEqual({ quantity: '7', date: due });
    expect(await atp('27')).toEqual({ quantity: '7', date: due });
    expect(await atp('27.5')).toEqual({ quantity: '7', date: null });

    // an order for 9 takes the 7 (B 4, A 3) and leaves 2 waiting for the incoming 20
    const waiting = await order(product.id, '9');
    expect(waiting.lines[0]).toMatchObject({ allocatedQuantity: '7', backorderedQuantity: '2' });
    expect(waiting.promisedDate).toBe(due);
    expect(await stockOf()).toEqual({ availableQuantity: '0', incomingQuantity: '20' });
    expect(await atp('1')).toEqual({ quantity: '0', date: due });
    expect(await atp('18')).toEqual({ quantity: '0', date: due });
    expect(await atp('18.5')).toEqual({ quantity: '0', date: null });
    // a second order's promise counts the first one's backlog: 20 - 2 covers 18, not 19
    const next = await order(product.id, '19');
    expect(next.promisedDate).toBeNull();
    const fits = await order(product.id, '1');
    // 20 - (2 + 19) < 1: no date either
    expect(fits.promisedDate).toBeNull();
    expect(await atp('1')).toEqual({ quantity: '0', date: null });
    await expectLedgerConsistent(stack, tenant);
  });

  it('answers for many products in one query, each with its own stock, requests and backlog', async () => {
    const { tenant, run, createProduct, createWarehouse, receive, order } = await tenantClient();
    const w = await createWarehouse('A');
    const inStock = await createProduct({ sku: 'ATP-A', name: 'In stock' });
    const incoming = await createProduct({ sku: 'ATP-B', name: 'Incoming', leadTimeDays: 4, reorderQuantity: '10' });
    const nothing = await createProduct({ sku: 'ATP-C', name: 'Nothing' });
    await receive(inStock.id, w, '5');
    await receive(incoming.id, w, '1');
    await order(incoming.id, '4'); // 1 reserved, 3 waiting, RR for max(10, 3) due in 4 days
    const res = await run(
      `{ products { nodes { sku availableQuantity incomingQuantity availableToPromise(quantity: "5") { quantity date } } } }`,
    );
    expect(res.nodes).toEqual([
      {
        sku: 'ATP-A',
        availableQuantity: '5',
        incomingQuantity: '0',
        availableToPromise: { quantity: '5', date: today() },
      },
      {
        sku: 'ATP-B',
        availableQuantity: '0',
        incomingQuantity: '10',
        availableToPromise: { quantity: '0', date: daysFromToday(4) },
      },
      {
        sku: 'ATP-C',
        availableQuantity: '0',
        incomingQuantity: '0',
        availableToPromise: { quantity: '0', date: null },
      },
    ]);
    void nothing;
    await expectLedgerConsistent(stack, tenant);
  });
});

describe('SKUs', () => {
  it('are unique and found regardless of case', async () => {
    const c = await tenantClient();
    await c.createProduct({ sku: 'WID-1', name: 'Widget' });
    const duplicate = await c.attempt(
      `mutation { createProduct(input: {sku: "wid-1", name: "Other", listPrice: {amount: "1", currency: "CNY"}}) { product { id } ${ERRORS} } }`,
    );
    expect(codes(duplicate.userErrors)).toEqual([{ code: 'TAKEN', field: ['input', 'sku'] }]);
    const found = await c.run('{ productBySku(sku: "wid-1") { sku name } }');
    expect(found).toEqual({ sku: 'WID-1', name: 'Widget' });
  });
});
