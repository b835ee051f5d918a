import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '../../lib/auth.js';
import { uuidv7 } from '../../lib/ids.js';
import { customers } from '../../subgraphs/customer/db/schema.js';
import {
  products,
  salesOrderLines,
  salesOrders,
  shipmentLines,
  shipments,
} from '../../subgraphs/order-fulfilment/db/schema.js';
import { expectLedgerConsistent, strictClient } from '../support/fulfilment.js';
import { countStatements, newTenant, startStack, type Stack } from '../support/stack.js';

/**
 * Sales orders, shipments and stock across tenants (tenant B, holding every scope, against tenant
 * A's ids) and the SQL statement count of order lists, Customer fields and `_entities`.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const ERRORS = 'userErrors { code field }';

/** The root payload, user errors allowed (GraphQL errors are not). */
async function payload(token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await stack.query(token, query, variables);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return Object.values(res.data)[0] as any;
}

/** A tenant with one warehouse, one stocked product and one customer. */
async function tenantWithStock(prefix: string, sku: string) {
  const tenant = newTenant(prefix);
  const token = await stack.token(tenant);
  const run = strictClient(stack, token);
  const warehouse = (
    await run(`mutation { createWarehouse(input: {code: "MAIN", name: "Main"}) { warehouse { id } ${ERRORS} } }`)
  ).warehouse.id as string;
  const product = (
    await run(
      `mutation($sku: String!) { createProduct(input: {sku: $sku, name: "Alpha widget", listPrice: {amount: "10", currency: "CNY"}}) { product { id } ${ERRORS} } }`,
      { sku },
    )
  ).product.id as string;
  await run(
    `mutation($p: ID!, $w: ID!) { receiveStock(input: {productId: $p, warehouseId: $w, quantity: "10"}) { ${ERRORS} } }`,
    { p: product, w: warehouse },
  );
  const customer = (
    await run(`mutation { createCustomer(input: {name: "Alpha Buyer"}) { customer { id } ${ERRORS} } }`)
  ).customer.id as string;
  const order = async (quantity: string) =>
    (
      await run(
        `mutation($c: ID!, $p: ID!, $q: Decimal!) { createSalesOrder(input: {customerId: $c, lines: [{productId: $p, quantity: $q}]}) { order { id lines { id } } ${ERRORS} } }`,
        {
          c: customer,
          p: product,
          q: quantity,
        },
      )
    ).order as { id: string; lines: { id: string }[] };
  const confirm = (id: string) =>
    run(`mutation($id: ID!) { confirmSalesOrder(input: {id: $id}) { ${ERRORS} } }`, { id });
  const shipment = async (orderId: string, lines?: { orderLineId: string; quantity: string }[]) =>
    (
      await run(
        `mutation($input: CreateShipmentInput!) { createShipment(input: $input) { shipment { id } ${ERRORS} } }`,
        { input: { orderId, lines } },
      )
    ).shipment.id as string;
  return { tenant, token, run, warehouse, product, customer, order, confirm, shipment };
}

describe('fulfilment tenant isolation', () => {
  let a: Awaited<ReturnType<typeof tenantWithStock>>;
  let b: Awaited<ReturnType<typeof tenantWithStock>>;
  const ids: Record<string, string> = {};
  const SNAPSHOT = `query($p: ID!, $draft: ID!, $confirmed: ID!, $picking: ID!, $shipped: ID!) {
    product(id: $p) { name active listPrice { amount } reorderPoint stock { onHand reserved } availableQuantity incomingQuantity }
    movements: stockMovements(productId: $p) { totalCount }
    draft: salesOrder(id: $draft) { status priority requestedDate total { amount } lines { quantity } }
    confirmed: salesOrder(id: $confirmed) { status priority lines { allocatedQuantity shippedQuantity } shipments { status } }
    picking: shipment(id: $picking) { status lines { quantity } }
    shipped: shipment(id: $shipped) { status deliveredAt }
    replenishmentRequests { nodes { number status quantity } }
    salesOrders { totalCount } }`;
  let before: unknown;
  const snapshot = async () => {
    const res = await stack.query(a.token, SNAPSHOT, {
      p: a.product,
      draft: ids.draft,
      confirmed: ids.confirmed,
      picking: ids.picking,
      shipped: ids.shipped,
    });
    expect(res.errors).toBeUndefined();
    return res.data;
  };

  beforeAll(async () => {
    a = await tenantWithStock('a', 'ALPHA-1');
    b = await tenantWithStock('b', 'BRAVO-1');
    ids.draft = (await a.order('1')).id;
    const confirmed = await a.order('4');
    ids.confirmed = confirmed.id;
    ids.line = confirmed.lines[0].id;
    await a.confirm(confirmed.id);
    ids.picking = await a.shipment(confirmed.id, [{ orderLineId: ids.line, quantity: '1' }]);
    const shippedOrder = await a.order('2');
    await a.confirm(shippedOrder.id);
    ids.shipped = await a.shipment(shippedOrder.id);
    await a.run(`mutation($id: ID!) { markShipmentShipped(input: {id: $id}) { ${ERRORS} } }`, { id: ids.shipped });
    ids.request = (
      await a.run(
        `mutation($p: ID!) { createReplenishmentRequest(input: {productId: $p, quantity: "50"}) { request { id } ${ERRORS} } }`,
        { p: a.product },
      )
    ).request.id;
    before = await snapshot();
  });

  it('B reads nothing of A by id, number, SKU or filter', async () => {
    const res = await stack.query(
      b.token,
      `query($p: ID!, $o: ID!, $s: ID!, $c: ID!) {
        product(id: $p) { id } productBySku(sku: "ALPHA-1") { id } search: products(filter: {search: "alpha-1"}) { totalCount }
        salesOrder(id: $o) { id } salesOrderByNumber(number: "SO-000001") { id }
        byCustomer: salesOrders(filter: {customerId: $c}) { totalCount } orders: salesOrders { totalCount }
        shipment(id: $s) { id } stockMovements(productId: $p) { totalCount nodes { id } }
        byProduct: replenishmentRequests(filter: {productId: $p}) { totalCount } requests: replenishmentRequests { totalCount }
        customer(id: $c) { id }
        fulfilmentMetrics(from: "2000-01-01", to: "2100-12-31") { onTimeDeliveryRate averageLeadTimeDays backorderRate } }`,
      { p: a.product, o: ids.confirmed, s: ids.shipped, c: a.customer },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      product: null,
      productBySku: null,
      search: { totalCount: 0 },
      salesOrder: null,
      salesOrderByNumber: null,
      byCustomer: { totalCount: 0 },
      orders: { totalCount: 0 },
      shipment: null,
      stockMovements: { totalCount: 0, nodes: [] },
      byProduct: { totalCount: 0 },
      requests: { totalCount: 0 },
      customer: null,
      fulfilmentMetrics: { onTimeDeliveryRate: null, averageLeadTimeDays: null, backorderRate: null },
    });

    // Straight to the subgraph: A's references resolve to nothing in B's context.
    const fulfilment = stack.subgraphs.fulfilment;
    const contextValue = await fulfilment.contextFor({
      tenantId: b.tenant,
      userId: 'u',
      scopes: [...ALL_SCOPES],
      exp: Date.now() / 1000 + 60,
      requestId: 'r',
    });
    const { body } = await fulfilment.apollo.executeOperation(
      {
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id } ... on SalesOrder { id }
          ... on Customer { orders { totalCount } orderStats { count } lastOrderAt } } }`,
        variables: {
          r: [
            { __typename: 'Product', id: a.product },
            { __typename: 'SalesOrder', id: ids.confirmed },
            { __typename: 'Customer', id: a.customer },
          ],
        },
      },
      { contextValue },
    );
    const result = (body as any).singleResult;
    expect(result.errors).toBeUndefined();
    expect(result.data._entities).toEqual([
      null,
      null,
      { orders: { totalCount: 0 }, orderStats: { count: 0 }, lastOrderAt: null },
    ]);
  });

  it('B changes nothing of A: every id-taking mutation answers NOT_FOUND', async () => {
    const own = await b.order('1');
    await b.confirm(own.id);
    const ownRequest = (
      await b.run(
        `mutation($p: ID!) { createReplenishmentRequest(input: {productId: $p, quantity: "5"}) { request { id } ${ERRORS} } }`,
        { p: b.product },
      )
    ).request.id;
    const attempts: [string, Record<string, unknown>, string[]][] = [
      [
        `mutation($id: ID!) { updateProduct(input: {id: $id, name: "Mole", active: false}) { ${ERRORS} } }`,
        { id: a.product },
        ['input', 'id'],
      ],
      [
        `mutation($p: ID!, $w: ID!) { receiveStock(input: {productId: $p, warehouseId: $w, quantity: "5"}) { ${ERRORS} } }`,
        { p: a.product, w: a.warehouse },
        ['input', 'productId'],
      ],
      [
        `mutation($p: ID!, $w: ID!) { receiveStock(input: {productId: $p, warehouseId: $w, quantity: "5"}) { ${ERRORS} } }`,
        { p: a.product, w: b.warehouse },
        ['input', 'productId'],
      ],
      [
        `mutation($p: ID!, $w: ID!) { receiveStock(input: {productId: $p, warehouseId: $w, quantity: "5"}) { ${ERRORS} } }`,
        { p: b.product, w: a.warehouse },
        ['input', 'warehouseId'],
      ],
      [
        `mutation($p: ID!, $w: ID!) { adjustStock(input: {productId: $p, warehouseId: $w, change: "-1", reason: "x"}) { ${ERRORS} } }`,
        { p: a.product, w: a.warehouse },
        ['input', 'productId'],
      ],
      [
        `mutation($p: ID!, $w: ID!) { adjustStock(input: {productId: $p, warehouseId: $w, change: "1", reason: "x"}) { ${ERRORS} } }`,
        { p: b.product, w: a.warehouse },
        ['input', 'warehouseId'],
      ],
      [
        `mutation($id: ID!, $p: ID!) { updateSalesOrder(input: {id: $id, lines: [{productId: $p, quantity: "9"}]}) { ${ERRORS} } }`,
        { id: ids.draft, p: b.product },
        ['input', 'id'],
      ],
      [`mutation($id: ID!) { confirmSalesOrder(input: {id: $id}) { ${ERRORS} } }`, { id: ids.draft }, ['input', 'id']],
      [`mutation($id: ID!) { cancelSalesOrder(input: {id: $id}) { ${ERRORS} } }`, { id: ids.draft }, ['input', 'id']],
      [
        `mutation($id: ID!) { cancelSalesOrder(input: {id: $id}) { ${ERRORS} } }`,
        { id: ids.confirmed },
        ['input', 'id'],
      ],
      [
        `mutation($id: ID!) { setSalesOrderPriority(input: {id: $id, priority: URGENT}) { ${ERRORS} } }`,
        { id: ids.confirmed },
        ['input', 'id'],
      ],
      [
        `mutation($id: ID!) { createShipment(input: {orderId: $id}) { ${ERRORS} } }`,
        { id: ids.confirmed },
        ['input', 'orderId'],
      ],
      [
        `mutation($id: ID!, $w: ID!) { createShipment(input: {orderId: $id, warehouseId: $w}) { ${ERRORS} } }`,
        { id: ids.confirmed, w: a.warehouse },
        ['input', 'orderId'],
      ],
      // B's own order from A's warehouse: the warehouse is not B's.
      [
        `mutation($id: ID!, $w: ID!) { createShipment(input: {orderId: $id, warehouseId: $w}) { ${ERRORS} } }`,
        { id: own.id, w: a.warehouse },
        ['input', 'warehouseId'],
      ],
      [
        `mutation($id: ID!) { markShipmentShipped(input: {id: $id, carrier: "Mole"}) { ${ERRORS} } }`,
        { id: ids.picking },
        ['input', 'id'],
      ],
      [
        `mutation($id: ID!) { markShipmentDelivered(input: {id: $id}) { ${ERRORS} } }`,
        { id: ids.shipped },
        ['input', 'id'],
      ],
      [
        `mutation($id: ID!, $w: ID!) { completeReplenishment(input: {id: $id, warehouseId: $w}) { ${ERRORS} } }`,
        { id: ids.request, w: a.warehouse },
        ['input', 'id'],
      ],
      [
        `mutation($id: ID!, $w: ID!) { completeReplenishment(input: {id: $id, warehouseId: $w}) { ${ERRORS} } }`,
        { id: ids.request, w: b.warehouse },
        ['input', 'id'],
      ],
      [
        `mutation($id: ID!, $w: ID!) { completeReplenishment(input: {id: $id, warehouseId: $w}) { ${ERRORS} } }`,
        { id: ownRequest, w: a.warehouse },
        ['input', 'warehouseId'],
      ],
      [
        `mutation($id: ID!) { cancelReplenishment(input: {id: $id}) { ${ERRORS} } }`,
        { id: ids.request },
        ['input', 'id'],
      ],
      [
        `mutation($p: ID!) { createReplenishmentRequest(input: {productId: $p, quantity: "5"}) { ${ERRORS} } }`,
        { p: a.product },
        ['input', 'productId'],
      ],
      [
        `mutation($c: ID!, $p: ID!) { createSalesOrder(input: {customerId: $c, lines: [{productId: $p, quantity: "1"}]}) { ${ERRORS} } }`,
        { c: a.customer, p: b.product },
        ['input', 'customerId'],
      ],
      [
        `mutation($c: ID!, $p: ID!) { createSalesOrder(input: {customerId: $c, lines: [{productId: $p, quantity: "1"}]}) { ${ERRORS} } }`,
        { c: b.customer, p: a.product },
        ['input', 'lines', '0', 'productId'],
      ],
    ];
    const failures: string[] = [];
    for (const [query, variables, field] of attempts) {
      const result = await payload(b.token, query, variables);
      const expected = [{ code: 'NOT_FOUND', field }];
      if (JSON.stringify(result.userErrors) !== JSON.stringify(expected))
        failures.push(
          `${query.match(/\{ (\w+)\(/)?.[1]} ${JSON.stringify(variables)} -> ${JSON.stringify(result.userErrors)}`,
        );
    }
    expect.soft(failures).toEqual([]);

    // A line of A's order on B's own shipment: not found, and nothing is picked.
    const crossLine = await payload(
      b.token,
      `mutation($id: ID!, $l: ID!) { createShipment(input: {orderId: $id, lines: [{orderLineId: $l, quantity: "1"}]}) { shipment { id } ${ERRORS} } }`,
      {
        id: own.id,
        l: ids.line,
      },
    );
    expect(crossLine.shipment).toBeNull();
    expect(crossLine.userErrors[0]).toEqual({ code: 'NOT_FOUND', field: ['input', 'lines', '0', 'orderLineId'] });

    expect(await snapshot()).toEqual(before);
    const [untouched] = await stack.database.sql`
      select (select count(*) from fulfilment.stock_movements where tenant_id = ${b.tenant} and product_id = ${a.product})::int as b_moves_on_a,
             (select count(*) from fulfilment.sales_order_lines where tenant_id = ${b.tenant} and product_id = ${a.product})::int as b_lines_on_a,
             (select count(*) from fulfilment.sales_orders where tenant_id = ${b.tenant} and customer_id = ${a.customer})::int as b_orders_for_a`;
    expect(untouched).toEqual({ b_moves_on_a: 0, b_lines_on_a: 0, b_orders_for_a: 0 });
    await expectLedgerConsistent(stack, a.tenant);
    await expectLedgerConsistent(stack, b.tenant);
  });
});

/**
 * `n` customers, each with a CONFIRMED order (two lines, one PICKING shipment) and a DRAFT order
 * (one line), written straight into the tables; products and stock come through the API.
 */
async function seedOrders(n: number) {
  const w = await tenantWithStock('batch', 'BATCH-1');
  const gadget = (
    await w.run(
      `mutation { createProduct(input: {sku: "BATCH-2", name: "Gadget", listPrice: {amount: "5", currency: "CNY"}}) { product { id } ${ERRORS} } }`,
    )
  ).product.id as string;
  await w.run(
    `mutation($p: ID!, $w: ID!) { receiveStock(input: {productId: $p, warehouseId: $w, quantity: "7"}) { ${ERRORS} } }`,
    { p: gadget, w: w.warehouse },
  );
  // The API customer created by tenantWithStock is one of the n.
  const now = Date.now();
  const customerRows = Array.from({ length: n - 1 }, (_, i) => ({
    tenantId: w.tenant,
    id: uuidv7(now + i),
    name: `Customer ${String(i).padStart(3, '0')}`,
    kind: 'COMPANY',
    createdAt: new Date(now + i),
    updatedAt: new Date(now + i),
  }));
  if (customerRows.length) await stack.database.db.insert(customers).values(customerRows);
  const customerIds = [w.customer, ...customerRows.map((c) => c.id)];
  const orderRows = customerIds.flatMap((customerId, i) =>
    (['CONFIRMED', 'DRAFT'] as const).map((status, k) => ({
      tenantId: w.tenant,
      id: uuidv7(now + 2 * i + k),
      number: 2 * i + k + 1,
      customerId,
      status,
      priority: 'NORMAL',
      currency: 'CNY',
      total: status === 'CONFIRMED' ? '25.00' : '10.00',
      createdAt: new Date(now + 2 * i + k),
      updatedAt: new Date(now),
      confirmedAt: status === 'CONFIRMED' ? new Date(now) : null,
    })),
  );
  await stack.database.db.insert(salesOrders).values(orderRows);
  const lineRows = orderRows.flatMap((o) =>
    o.status === 'CONFIRMED'
      ? [
          {
            tenantId: w.tenant,
            id: uuidv7(),
            orderId: o.id,
            productId: w.product,
            quantity: '2',
            unitPrice: '10',
            position: 1,
          },
          {
            tenantId: w.tenant,
            id: uuidv7(),
            orderId: o.id,
            productId: gadget,
            quantity: '1',
            unitPrice: '5',
            position: 2,
          },
        ]
      : [
          {
            tenantId: w.tenant,
            id: uuidv7(),
            orderId: o.id,
            productId: w.product,
            quantity: '1',
            unitPrice: '10',
            position: 1,
          },
        ],
  );
  await stack.database.db.insert(salesOrderLines).values(lineRows);
  const shipmentRows = orderRows
    .filter((o) => o.status === 'CONFIRMED')
    .map((o, i) => ({
      tenantId: w.tenant,
      id: uuidv7(),
      number: i + 1,
      orderId: o.id,
      warehouseId: w.warehouse,
      status: 'PICKING',
      createdAt: new Date(now),
    }));
  await stack.database.db.insert(shipments).values(shipmentRows);
  await stack.database.db.insert(shipmentLines).values(
    shipmentRows.map((s) => {
      const line = lineRows.find((l) => l.orderId === s.orderId && l.position === 1)!;
      return { tenantId: w.tenant, shipmentId: s.id, orderLineId: line.id, productId: line.productId, quantity: '1' };
    }),
  );
  await expectLedgerConsistent(stack, w.tenant);
  return { ...w, gadget, customerIds, orderIds: orderRows.map((o) => o.id) };
}

const ORDERS = `{ salesOrders(first: 100) { nodes { number total { amount }
  lines { product { sku availableQuantity } quantity allocatedQuantity }
  shipments { number lines { quantity } } customer { id } } } }`;
const CUSTOMERS =
  '{ customers(first: 100) { nodes { orders { totalCount nodes { number } } lastOrderAt orderStats { count } } } }';

describe('order lists over many orders and customers', () => {
  const seeded = new Map<number, Promise<Awaited<ReturnType<typeof seedOrders>>>>();
  const seed = (n: number) => {
    if (!seeded.has(n)) seeded.set(n, seedOrders(n));
    return seeded.get(n)!;
  };
  async function statementsFor(n: number, query: string) {
    const w = await seed(n);
    const { result, statements } = await countStatements(w.tenant, () => stack.query(w.token, query));
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return { result, statements };
  }

  it('salesOrders with lines, products, stock, shipments and customers: the same statements for 10 and 50 customers', async () => {
    const ten = await statementsFor(10, ORDERS);
    const fifty = await statementsFor(50, ORDERS);
    expect(ten.result.data.salesOrders.nodes).toHaveLength(20);
    const nodes = fifty.result.data.salesOrders.nodes;
    expect(nodes).toHaveLength(100);
    const w = await seed(50);
    expect(nodes[0]).toEqual({
      number: 'SO-000001',
      total: { amount: '25.00' },
      lines: [
        { product: { sku: 'BATCH-1', availableQuantity: '10' }, quantity: '2', allocatedQuantity: '0' },
        { product: { sku: 'BATCH-2', availableQuantity: '7' }, quantity: '1', allocatedQuantity: '0' },
      ],
      shipments: [{ number: 'SH-000001', lines: [{ quantity: '1' }] }],
      customer: { id: w.customerIds[0] },
    });
    expect(nodes[1]).toMatchObject({ number: 'SO-000002', shipments: [], customer: { id: w.customerIds[0] } });
    expect(nodes[99]).toMatchObject({ number: 'SO-000100', customer: { id: w.customerIds[49] } });
    expect(fifty.statements.length, fifty.statements.join('\n')).toBe(ten.statements.length);
  });

  it('customers with their orders, last order and order stats: the same statements for 10 and 50 customers', async () => {
    const ten = await statementsFor(10, CUSTOMERS);
    const fifty = await statementsFor(50, CUSTOMERS);
    expect(ten.result.data.customers.nodes).toHaveLength(10);
    const nodes = fifty.result.data.customers.nodes;
    expect(nodes).toHaveLength(50);
    for (const node of nodes) {
      expect(node.orders.totalCount).toBe(2);
      expect(node.orders.nodes).toHaveLength(2);
      expect(node.orderStats).toEqual({ count: 1 });
      expect(node.lastOrderAt).not.toBeNull();
    }
    const numbers = nodes.flatMap((c: any) => c.orders.nodes.map((o: any) => o.number)).sort();
    expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => `SO-${String(i + 1).padStart(6, '0')}`));
    expect(fifty.statements.length, fifty.statements.join('\n')).toBe(ten.statements.length);
  });

  it('_entities resolves 100 Product and 100 SalesOrder references with one SQL statement each', async () => {
    const w = await seed(50);
    const now = Date.now();
    const productRows = Array.from({ length: 98 }, (_, i) => ({
      tenantId: w.tenant,
      id: uuidv7(now + i),
      sku: `BULK-${String(i).padStart(3, '0')}`,
      name: `Bulk ${i}`,
      unit: 'piece',
      listPrice: '1',
      currency: 'CNY',
      replenishment: 'PURCHASE',
      leadTimeDays: 7,
      createdAt: new Date(now),
      updatedAt: new Date(now),
    }));
    await stack.database.db.insert(products).values(productRows);
    const productIds = [w.product, w.gadget, ...productRows.map((p) => p.id)];
    expect(w.orderIds).toHaveLength(100);

    const fulfilment = stack.subgraphs.fulfilment;
    const contextValue = await fulfilment.contextFor({
      tenantId: w.tenant,
      userId: 'u',
      scopes: [...ALL_SCOPES],
      exp: Date.now() / 1000 + 60,
      requestId: 'r',
    });
    const resolve = (typename: string, ids: string[], fields: string) =>
      countStatements(w.tenant, () =>
        fulfilment.apollo.executeOperation(
          {
            query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${fields} } } }`,
            variables: { r: ids.map((id) => ({ __typename: typename, id })) },
          },
          { contextValue },
        ),
      );

    const productResult = await resolve('Product', productIds, 'id sku');
    const productBody = (productResult.result.body as any).singleResult;
    expect(productBody.errors).toBeUndefined();
    expect(productBody.data._entities.map((e: any) => e.id)).toEqual(productIds);
    expect(productResult.statements).toHaveLength(1);

    const orderResult = await resolve('SalesOrder', w.orderIds, 'id number status');
    const orderBody = (orderResult.result.body as any).singleResult;
    expect(orderBody.errors).toBeUndefined();
    expect(orderBody.data._entities.map((e: any) => e.id)).toEqual(w.orderIds);
    expect(orderBody.data._entities[0]).toMatchObject({ number: 'SO-000001', status: 'CONFIRMED' });
    expect(orderResult.statements).toHaveLength(1);
  });
});
