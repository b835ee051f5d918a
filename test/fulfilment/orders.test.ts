import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLedgerConsistent, strictClient } from '../support/fulfilment.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/**
 * Sales orders through the gateway: creation and pricing, queries and filters, confirmation and
 * promise dates, cancellation, shipments and delivery, the Customer fields and the fulfilment
 * metrics. Every test builds its own tenant.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const ERRORS = 'userErrors { code field }';
const LINE =
  'id product { sku } quantity unitPrice { amount currency } discountPercent amount { amount currency } allocatedQuantity backorderedQuantity shippedQuantity';
const ORDER = `id number status priority requestedDate promisedDate total { amount currency } customer { id } lines { ${LINE} }
  createdAt confirmedAt shippedAt deliveredAt cancelledAt onTime`;
const SHIPMENT =
  'id number status carrier trackingNumber warehouse { code } order { number status } lines { product { sku } quantity } shippedAt deliveredAt';

const CREATE = `mutation($input: CreateSalesOrderInput!) { createSalesOrder(input: $input) { order { ${ORDER} } ${ERRORS} } }`;
const UPDATE = `mutation($input: UpdateSalesOrderInput!) { updateSalesOrder(input: $input) { order { ${ORDER} } ${ERRORS} } }`;
const CONFIRM = `mutation($id: ID!) { confirmSalesOrder(input: {id: $id}) { order { ${ORDER} } ${ERRORS} } }`;
const CANCEL = `mutation($id: ID!, $reason: String) { cancelSalesOrder(input: {id: $id, reason: $reason}) { order { ${ORDER} } ${ERRORS} } }`;
const SHIP_CREATE = `mutation($input: CreateShipmentInput!) { createShipment(input: $input) { shipment { ${SHIPMENT} } ${ERRORS} } }`;
const SHIP = `mutation($id: ID!, $carrier: String, $tracking: String) { markShipmentShipped(input: {id: $id, carrier: $carrier, trackingNumber: $tracking}) { shipment { ${SHIPMENT} } ${ERRORS} } }`;
const DELIVER = `mutation($id: ID!) { markShipmentDelivered(input: {id: $id}) { shipment { ${SHIPMENT} } ${ERRORS} } }`;
const GET_ORDER = `query($id: ID!) { salesOrder(id: $id) { ${ORDER} } }`;
const STOCK =
  'query($p: ID!) { product(id: $p) { availableQuantity stock { warehouse { code } onHand reserved available } } }';
const MOVEMENTS =
  'query($p: ID!) { stockMovements(productId: $p, first: 50) { totalCount nodes { kind quantity onHandChange reservedChange reference warehouse { code } } } }';

const dayOffset = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const today = () => dayOffset(0);
const randomId = () => crypto.randomUUID();

type LineInput = {
  productId: string;
  quantity: string;
  unitPrice?: { amount: string; currency: string };
  discountPercent?: string;
};

/** A fresh tenant with helpers to build its catalogue, stock, customers and orders. */
/** The usual scene: warehouse MAIN, product WIDGET at 10.00 with `onHand` in stock, customer Buyer. */
async function stockedWidget(w: World, onHand: string) {
  const warehouse = await w.warehouse('MAIN');
  const widget = await w.product('WIDGET', '10');
  await w.receive(widget, warehouse, onHand);
  return { warehouse, widget, customer: await w.customer('Buyer') };
}

async function world(prefix = 'ord') {
  const tenant = newTenant(prefix);
  const token = await stack.token(tenant);
  const run = strictClient(stack, token);
  /** The root payload, user errors allowed (GraphQL errors are not). */
  const raw = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await stack.query(token, query, variables);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return Object.values(res.data)[0] as any;
  };
  const w = {
    tenant,
    token,
    run,
    raw,
    warehouse: async (code: string): Promise<string> =>
      (
        await run(
          `mutation($c: String!) { createWarehouse(input: {code: $c, name: $c}) { warehouse { id } ${ERRORS} } }`,
          { c: code },
        )
      ).warehouse.id,
    product: async (sku: string, listPrice: string, more: Record<string, unknown> = {}): Promise<string> =>
      (
        await run(
          `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } ${ERRORS} } }`,
          {
            input: { sku, name: `Product ${sku}`, listPrice: { amount: listPrice, currency: 'CNY' }, ...more },
          },
        )
      ).product.id,
    receive: (productId: string, warehouseId: string, quantity: string) =>
      run(
        `mutation($p: ID!, $w: ID!, $q: Decimal!) { receiveStock(input: {productId: $p, warehouseId: $w, quantity: $q}) { ${ERRORS} } }`,
        { p: productId, w: warehouseId, q: quantity },
      ),
    customer: async (name: string): Promise<string> =>
      (
        await run(`mutation($n: String!) { createCustomer(input: {name: $n}) { customer { id } ${ERRORS} } }`, {
          n: name,
        })
      ).customer.id,
    order: async (customerId: string, lines: LineInput[], more: Record<string, unknown> = {}) =>
      (await run(CREATE, { input: { customerId, lines, ...more } })).order,
    confirm: async (id: string) => (await run(CONFIRM, { id })).order,
    cancel: async (id: string, reason?: string) => (await run(CANCEL, { id, reason })).order,
    createShipment: async (input: Record<string, unknown>) => (await run(SHIP_CREATE, { input })).shipment,
    ship: async (id: string, carrier?: string, tracking?: string) =>
      (await run(SHIP, { id, carrier, tracking })).shipment,
    deliver: async (id: string) => (await run(DELIVER, { id })).shipment,
    getOrder: async (id: string) => (await run(GET_ORDER, { id })) as any,
    stock: async (productId: string) => run(STOCK, { p: productId }),
    movements: async (productId: string) => (await run(MOVEMENTS, { p: productId })).nodes as any[],
    ledger: () => expectLedgerConsistent(stack, tenant),
  };
  return w;
}

type World = Awaited<ReturnType<typeof world>>;

const byKind = (movements: any[]) =>
  [...movements].sort((a, b) => `${a.kind}${a.reference}`.localeCompare(`${b.kind}${b.reference}`));

describe('createSalesOrder and updateSalesOrder', () => {
  it('creates numbered DRAFT orders priced from the list price unless a price is given, totals exact', async () => {
    const w = await world();
    const widget = await w.product('WIDGET', '19.99');
    const gadget = await w.product('GADGET', '5');
    const customer = await w.customer('Buyer');
    const first = await w.order(customer, [
      { productId: widget, quantity: '3', discountPercent: '12.5' },
      { productId: gadget, quantity: '2', unitPrice: { amount: '4.50', currency: 'CNY' } },
    ]);
    // 3 x 19.99 = 59.97, less 12.5% = 52.47375 -> 52.47; 2 x 4.50 = 9.00; total 61.47
    expect(first).toMatchObject({
      number: 'SO-000001',
      status: 'DRAFT',
      priority: 'NORMAL',
      requestedDate: null,
      promisedDate: null,
      total: { amount: '61.47', currency: 'CNY' },
      customer: { id: customer },
      confirmedAt: null,
      shippedAt: null,
      deliveredAt: null,
      cancelledAt: null,
      onTime: null,
    });
    expect(first.lines.map(({ id: _id, ...l }: any) => l)).toEqual([
      {
        product: { sku: 'WIDGET' },
        quantity: '3',
        unitPrice: { amount: '19.99', currency: 'CNY' },
        discountPercent: '12.5',
        amount: { amount: '52.47', currency: 'CNY' },
        allocatedQuantity: '0',
        backorderedQuantity: '0',
        shippedQuantity: '0',
      },
      {
        product: { sku: 'GADGET' },
        quantity: '2',
        unitPrice: { amount: '4.50', currency: 'CNY' },
        discountPercent: '0',
        amount: { amount: '9.00', currency: 'CNY' },
        allocatedQuantity: '0',
        backorderedQuantity: '0',
        shippedQuantity: '0',
      },
    ]);

    // Each line is rounded to the cent, and the total is the sum of the rounded lines:
    // 0.67 x 50% = 0.335 -> 0.34, three times = 1.02 (not round(1.005) = 1.01).
    const cheap = await w.product('CHEAP', '0.67');
    const second = await w.order(
      customer,
      [1, 2, 3].map(() => ({ productId: cheap, quantity: '1', discountPercent: '50' })),
      { priority: 'HIGH', requestedDate: '2099-01-15' },
    );
    expect(second).toMatchObject({
      number: 'SO-000002',
      priority: 'HIGH',
      requestedDate: '2099-01-15',
      total: { amount: '1.02' },
    });
    expect(second.lines.map((l: any) => l.amount.amount)).toEqual(['0.34', '0.34', '0.34']);

    // Fractional quantities: 2.5 x 3.33 less 10% = 7.4925 -> 7.49
    const third = await w.order(customer, [
      { productId: cheap, quantity: '2.5', unitPrice: { amount: '3.33', currency: 'CNY' }, discountPercent: '10' },
    ]);
    expect(third).toMatchObject({ number: 'SO-000003', total: { amount: '7.49' } });
    expect(third.lines[0]).toMatchObject({ quantity: '2.5', unitPrice: { amount: '3.33' }, discountPercent: '10' });

    // Numbering is per tenant: another tenant starts at SO-000001.
    const other = await world('ord-other');
    const otherProduct = await other.product('WIDGET', '1');
    const otherOrder = await other.order(await other.customer('Other'), [{ productId: otherProduct, quantity: '1' }]);
    expect(otherOrder.number).toBe('SO-000001');
  });

  it('answers user errors for bad input and saves nothing', async () => {
    const w = await world();
    const widget = await w.product('WIDGET', '10');
    const retired = await w.product('RETIRED', '10');
    await w.run(`mutation($id: ID!) { updateProduct(input: {id: $id, active: false}) { ${ERRORS} } }`, { id: retired });
    const customer = await w.customer('Buyer');
    const attempt = (customerId: string, lines: LineInput[]) => w.raw(CREATE, { input: { customerId, lines } });
    const ok = { productId: widget, quantity: '1' };

    const cases: [string, LineInput[], { code: string; field: string[] }[]][] = [
      [randomId(), [ok], [{ code: 'NOT_FOUND', field: ['input', 'customerId'] }]],
      ['not-a-uuid', [ok], [{ code: 'NOT_FOUND', field: ['input', 'customerId'] }]],
      [
        customer,
        [{ productId: randomId(), quantity: '1' }],
        [{ code: 'NOT_FOUND', field: ['input', 'lines', '0', 'productId'] }],
      ],
      [
        customer,
        [ok, { productId: 'nope', quantity: '1' }],
        [{ code: 'NOT_FOUND', field: ['input', 'lines', '1', 'productId'] }],
      ],
      [
        customer,
        [{ productId: retired, quantity: '1' }],
        [{ code: 'PRODUCT_INACTIVE', field: ['input', 'lines', '0', 'productId'] }],
      ],
      [customer, [], [{ code: 'NO_LINES', field: ['input', 'lines'] }]],
      [
        customer,
        [{ productId: widget, quantity: '0' }],
        [{ code: 'OUT_OF_RANGE', field: ['input', 'lines', '0', 'quantity'] }],
      ],
      [
        customer,
        [{ productId: widget, quantity: '-2' }],
        [{ code: 'OUT_OF_RANGE', field: ['input', 'lines', '0', 'quantity'] }],
      ],
      [
        customer,
        [{ productId: widget, quantity: '1', unitPrice: { amount: '10', currency: 'USD' } }],
        [{ code: 'CURRENCY_MISMATCH', field: ['input', 'lines', '0', 'unitPrice', 'currency'] }],
      ],
      [
        customer,
        [{ productId: widget, quantity: '1', discountPercent: '101' }],
        [{ code: 'OUT_OF_RANGE', field: ['input', 'lines', '0', 'discountPercent'] }],
      ],
      [
        customer,
        [{ productId: widget, quantity: '1.00001' }],
        [{ code: 'TOO_PRECISE', field: ['input', 'lines', '0', 'quantity'] }],
      ],
      [
        customer,
        [{ productId: widget, quantity: '1', unitPrice: { amount: '1.23456', currency: 'CNY' } }],
        [{ code: 'TOO_PRECISE', field: ['input', 'lines', '0', 'unitPrice', 'amount'] }],
      ],
      [
        customer,
        [{ productId: widget, quantity: '9999999999', unitPrice: { amount: '9999', currency: 'CNY' } }],
        [{ code: 'OUT_OF_RANGE', field: ['input', 'lines', '0', 'quantity'] }],
      ],
    ];
    for (const [customerId, lines, expected] of cases) {
      const payload = await attempt(customerId, lines);
      expect(payload.order, JSON.stringify(lines)).toBeNull();
      expect(payload.userErrors, JSON.stringify(lines)).toEqual(expected);
    }

    const [saved] = await stack.database.sql`
      select (select count(*) from fulfilment.sales_orders where tenant_id = ${w.tenant})::int as orders,
             (select count(*) from fulfilment.sales_order_lines where tenant_id = ${w.tenant})::int as lines`;
    expect(saved).toEqual({ orders: 0, lines: 0 });
    expect((await w.run('{ salesOrders { totalCount } }')).totalCount).toBe(0);
    // The failed attempts did not use up numbers.
    expect((await w.order(customer, [ok])).number).toBe('SO-000001');
  });

  it('updateSalesOrder replaces a draft’s lines and recomputes the total; a confirmed order is INVALID_STATUS', async () => {
    const w = await world();
    const widget = await w.product('WIDGET', '19.99');
    const gadget = await w.product('GADGET', '5');
    const customer = await w.customer('Buyer');
    const draft = await w.order(customer, [
      { productId: widget, quantity: '3' },
      { productId: gadget, quantity: '1' },
    ]);
    expect(draft.total.amount).toBe('64.97');

    const updated = (
      await w.run(UPDATE, {
        input: {
          id: draft.id,
          requestedDate: '2099-02-01',
          lines: [{ productId: gadget, quantity: '4', discountPercent: '25' }],
        },
      })
    ).order;
    expect(updated).toMatchObject({
      number: 'SO-000001',
      status: 'DRAFT',
      requestedDate: '2099-02-01',
      total: { amount: '15.00' },
    });
    expect(updated.lines).toHaveLength(1);
    expect(updated.lines[0]).toMatchObject({
      product: { sku: 'GADGET' },
      quantity: '4',
      discountPercent: '25',
      amount: { amount: '15.00' },
    });
    expect(draft.lines.map((l: any) => l.id)).not.toContain(updated.lines[0].id);

    // Without lines only the date changes; the lines stay.
    const dated = (await w.run(UPDATE, { input: { id: draft.id, requestedDate: '2099-03-01' } })).order;
    expect(dated).toMatchObject({ requestedDate: '2099-03-01', total: { amount: '15.00' } });
    expect(dated.lines.map((l: any) => l.id)).toEqual([updated.lines[0].id]);

    // Bad lines change nothing.
    const bad = await w.raw(UPDATE, { input: { id: draft.id, lines: [] } });
    expect(bad.userErrors).toEqual([{ code: 'NO_LINES', field: ['input', 'lines'] }]);
    expect(await w.getOrder(draft.id)).toMatchObject({
      total: { amount: '15.00' },
      lines: [{ id: updated.lines[0].id }],
    });

    expect((await w.raw(UPDATE, { input: { id: randomId(), requestedDate: '2099-01-01' } })).userErrors).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'id'] },
    ]);

    await w.confirm(draft.id);
    const late = await w.raw(UPDATE, { input: { id: draft.id, lines: [{ productId: widget, quantity: '1' }] } });
    expect(late).toMatchObject({ order: null, userErrors: [{ code: 'INVALID_STATUS', field: ['input', 'id'] }] });
    expect((await w.getOrder(draft.id)).lines).toHaveLength(1);
    await w.ledger();
  });
});

describe('reading sales orders', () => {
  it('salesOrder and salesOrderByNumber find the tenant’s orders; anything else is null', async () => {
    const w = await world();
    const widget = await w.product('WIDGET', '10');
    const order = await w.order(await w.customer('Buyer'), [{ productId: widget, quantity: '1' }]);
    const res = await stack.query(
      w.token,
      `query($id: ID!, $unknown: ID!) {
        byId: salesOrder(id: $id) { id number } unknown: salesOrder(id: $unknown) { id } malformed: salesOrder(id: "garbage") { id }
        exact: salesOrderByNumber(number: "SO-000001") { id } lower: salesOrderByNumber(number: "so-000001") { id }
        padded: salesOrderByNumber(number: " SO-000001 ") { id } missing: salesOrderByNumber(number: "SO-000002") { id }
        garbage: salesOrderByNumber(number: "garbage") { id } prefixOnly: salesOrderByNumber(number: "SO-") { id }
        wrongPrefix: salesOrderByNumber(number: "SH-000001") { id } huge: salesOrderByNumber(number: "SO-99999999999999") { id } }`,
      { id: order.id, unknown: randomId() },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      byId: { id: order.id, number: 'SO-000001' },
      unknown: null,
      malformed: null,
      exact: { id: order.id },
      lower: { id: order.id },
      padded: { id: order.id },
      missing: null,
      garbage: null,
      prefixOnly: null,
      wrongPrefix: null,
      huge: null,
    });
  });

  it('salesOrders filters by status, customer, priority, creation time and backorder; orders and pages', async () => {
    const w = await world();
    const warehouse = await w.warehouse('MAIN');
    const stocked = await w.product('STOCKED', '10');
    const scarce = await w.product('SCARCE', '20');
    await w.receive(stocked, warehouse, '100');
    const c1 = await w.customer('One');
    const c2 = await w.customer('Two');
    const a = await w.order(c1, [{ productId: stocked, quantity: '1' }]); // DRAFT, 10
    const b = await w.order(c1, [{ productId: stocked, quantity: '3' }], { priority: 'HIGH' }); // CONFIRMED, 30
    const c = await w.order(c2, [{ productId: scarce, quantity: '1' }], { priority: 'URGENT' }); // CONFIRMED, backordered, 20
    const d = await w.order(c2, [{ productId: stocked, quantity: '4' }]); // CANCELLED draft, 40
    await w.confirm(b.id);
    await w.confirm(c.id);
    await w.cancel(d.id);
    const created = ['2024-01-01T12:00:00Z', '2024-01-02T12:00:00Z', '2024-01-03T12:00:00Z', '2024-01-04T12:00:00Z'];
    for (const [i, o] of [a, b, c, d].entries()) {
      await stack.database
        .sql`update fulfilment.sales_orders set created_at = ${created[i]} where tenant_id = ${w.tenant} and id = ${o.id}`;
    }
    const numbersOf = async (args: string) => {
      const conn = await w.run(`{ salesOrders(first: 100, ${args}) { totalCount nodes { number } } }`);
      return { count: conn.totalCount, numbers: conn.nodes.map((n: any) => n.number) };
    };
    const list = (...n: number[]) => ({ count: n.length, numbers: n.map((k) => `SO-00000${k}`) });

    expect(await numbersOf('')).toEqual(list(1, 2, 3, 4));
    expect(await numbersOf('filter: {status: [CONFIRMED]}')).toEqual(list(2, 3));
    expect(await numbersOf('filter: {status: [DRAFT, CANCELLED]}')).toEqual(list(1, 4));
    expect(await numbersOf(`filter: {customerId: "${c1}"}`)).toEqual(list(1, 2));
    expect(await numbersOf(`filter: {customerId: "${c2}", status: [CONFIRMED]}`)).toEqual(list(3));
    expect(await numbersOf('filter: {customerId: "garbage"}')).toEqual(list());
    expect(await numbersOf('filter: {priority: HIGH}')).toEqual(list(2));
    expect(await numbersOf('filter: {priority: NORMAL}')).toEqual(list(1, 4));
    expect(await numbersOf('filter: {createdAfter: "2024-01-02T12:00:00Z"}')).toEqual(list(2, 3, 4));
    expect(await numbersOf('filter: {createdBefore: "2024-01-03T12:00:00Z"}')).toEqual(list(1, 2));
    expect(
      await numbersOf('filter: {createdAfter: "2024-01-02T00:00:00Z", createdBefore: "2024-01-04T00:00:00Z"}'),
    ).toEqual(list(2, 3));
    expect(await numbersOf('filter: {backordered: true}')).toEqual(list(3));
    expect(await numbersOf('filter: {backordered: false}')).toEqual(list(1, 2, 4));

    expect(await numbersOf('orderBy: {field: TOTAL, direction: DESC}')).toEqual(list(4, 2, 3, 1));
    expect(await numbersOf('orderBy: {field: TOTAL}')).toEqual(list(1, 3, 2, 4));
    expect(await numbersOf('orderBy: {field: NUMBER, direction: DESC}')).toEqual(list(4, 3, 2, 1));
    expect(await numbersOf('orderBy: {field: CREATED_AT, direction: DESC}')).toEqual(list(4, 3, 2, 1));

    const page = `query($after: String) { salesOrders(first: 2, after: $after, orderBy: {field: TOTAL}) {
      totalCount nodes { number total { amount } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;
    const p1 = await w.run(page);
    expect(p1.nodes).toEqual([
      { number: 'SO-000001', total: { amount: '10.00' } },
      { number: 'SO-000003', total: { amount: '20.00' } },
    ]);
    expect(p1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const p2 = await w.run(page, { after: p1.pageInfo.endCursor });
    expect(p2.nodes.map((n: any) => n.number)).toEqual(['SO-000002', 'SO-000004']);
    expect(p2).toMatchObject({ totalCount: 4, pageInfo: { hasNextPage: false, hasPreviousPage: true } });

    const tooMany = await stack.query(w.token, '{ salesOrders(first: 101) { totalCount } }');
    expect(tooMany.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    await w.ledger();
  });
});

describe('confirming and cancelling', () => {
  it('reserves stock and promises today (or the later requested date); a second confirmation is INVALID_STATUS', async () => {
    const w = await world();
    const { widget, customer } = await stockedWidget(w, '10');
    const now = await w.order(customer, [{ productId: widget, quantity: '4' }], { requestedDate: dayOffset(-3) });
    const confirmed = await w.confirm(now.id);
    expect(confirmed).toMatchObject({ status: 'CONFIRMED', promisedDate: today(), requestedDate: dayOffset(-3) });
    expect(confirmed.confirmedAt).not.toBeNull();
    expect(confirmed.lines[0]).toMatchObject({
      allocatedQuantity: '4',
      backorderedQuantity: '0',
      shippedQuantity: '0',
    });

    const later = await w.order(customer, [{ productId: widget, quantity: '2' }], { requestedDate: dayOffset(20) });
    expect((await w.confirm(later.id)).promisedDate).toBe(dayOffset(20));

    expect(await w.stock(widget)).toEqual({
      availableQuantity: '4',
      stock: [{ warehouse: { code: 'MAIN' }, onHand: '10', reserved: '6', available: '4' }],
    });
    expect(byKind(await w.movements(widget))).toEqual([
      {
        kind: 'RECEIPT',
        quantity: '10',
        onHandChange: '10',
        reservedChange: '0',
        reference: null,
        warehouse: { code: 'MAIN' },
      },
      {
        kind: 'RESERVATION',
        quantity: '4',
        onHandChange: '0',
        reservedChange: '4',
        reference: 'SO-000001',
        warehouse: { code: 'MAIN' },
      },
      {
        kind: 'RESERVATION',
        quantity: '2',
        onHandChange: '0',
        reservedChange: '2',
        reference: 'SO-000002',
        warehouse: { code: 'MAIN' },
      },
    ]);

    const again = await w.raw(CONFIRM, { id: now.id });
    expect(again).toMatchObject({ order: null, userErrors: [{ code: 'INVALID_STATUS', field: ['input', 'id'] }] });
    expect((await w.raw(CONFIRM, { id: randomId() })).userErrors).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'id'] },
    ]);
    // Nothing was reserved twice.
    expect((await w.stock(widget)).availableQuantity).toBe('4');
    await w.ledger();
  });

  it('backorders what is missing and promises the replenishment’s due date; null when nothing incoming covers it', async () => {
    const w = await world();
    const warehouse = await w.warehouse('MAIN');
    const widget = await w.product('WIDGET', '10', { leadTimeDays: 10, reorderQuantity: '20' });
    await w.receive(widget, warehouse, '3');
    const customer = await w.customer('Buyer');
    const first = await w.confirm((await w.order(customer, [{ productId: widget, quantity: '5' }])).id);
    expect(first).toMatchObject({ status: 'CONFIRMED', promisedDate: dayOffset(10) });
    expect(first.lines[0]).toMatchObject({ allocatedQuantity: '3', backorderedQuantity: '2' });
    const requests = await w.run('{ replenishmentRequests { nodes { number quantity dueDate status kind } } }');
    expect(requests.nodes).toEqual([
      { number: 'RR-000001', quantity: '20', dueDate: dayOffset(10), status: 'OPEN', kind: 'PURCHASE' },
    ]);

    // 30 more: the open request (20) serves the 2 already waiting first; 18 < 30, so no date.
    const second = await w.confirm((await w.order(customer, [{ productId: widget, quantity: '30' }])).id);
    expect(second).toMatchObject({ status: 'CONFIRMED', promisedDate: null });
    expect(second.lines[0]).toMatchObject({ allocatedQuantity: '0', backorderedQuantity: '30' });
    expect((await w.run('{ replenishmentRequests { totalCount } }')).totalCount).toBe(1);
    expect((await w.run('{ salesOrders(filter: {backordered: true}) { totalCount } }')).totalCount).toBe(2);
    await w.ledger();
  });

  it('cancelling a confirmed order releases its reservations, and a waiting backorder gets the stock', async () => {
    const w = await world();
    const { widget, customer } = await stockedWidget(w, '5');
    const holder = await w.confirm((await w.order(customer, [{ productId: widget, quantity: '5' }])).id);
    const waiting = await w.confirm((await w.order(customer, [{ productId: widget, quantity: '3' }])).id);
    expect(waiting.lines[0]).toMatchObject({ allocatedQuantity: '0', backorderedQuantity: '3' });

    const cancelled = await w.cancel(holder.id, 'customer changed their mind');
    expect(cancelled).toMatchObject({ status: 'CANCELLED', number: 'SO-000001' });
    expect(cancelled.cancelledAt).not.toBeNull();
    expect(cancelled.lines[0]).toMatchObject({
      allocatedQuantity: '0',
      backorderedQuantity: '0',
      shippedQuantity: '0',
    });

    expect((await w.getOrder(waiting.id)).lines[0]).toMatchObject({ allocatedQuantity: '3', backorderedQuantity: '0' });
    expect(await w.stock(widget)).toEqual({
      availableQuantity: '2',
      stock: [{ warehouse: { code: 'MAIN' }, onHand: '5', reserved: '3', available: '2' }],
    });
    const moves = byKind(await w.movements(widget)).map(({ warehouse: _w, ...m }) => m);
    expect(moves).toEqual([
      { kind: 'RECEIPT', quantity: '5', onHandChange: '5', reservedChange: '0', reference: null },
      { kind: 'RELEASE', quantity: '5', onHandChange: '0', reservedChange: '-5', reference: 'SO-000001' },
      { kind: 'RESERVATION', quantity: '5', onHandChange: '0', reservedChange: '5', reference: 'SO-000001' },
      { kind: 'RESERVATION', quantity: '3', onHandChange: '0', reservedChange: '3', reference: 'SO-000002' },
    ]);
    expect((await w.run('{ salesOrders(filter: {backordered: true}) { totalCount } }')).totalCount).toBe(0);
    const [allocations] = await stack.database
      .sql`select count(*)::int as n from fulfilment.allocations where tenant_id = ${w.tenant}`;
    expect(allocations.n).toBe(1);
    await w.ledger();
  });

  it('cancels drafts; a PICKING shipment blocks cancellation; shipped orders cannot be cancelled', async () => {
    const w = await world();
    const { widget, customer } = await stockedWidget(w, '10');

    const draft = await w.order(customer, [{ productId: widget, quantity: '1' }]);
    expect(await w.cancel(draft.id)).toMatchObject({ status: 'CANCELLED', confirmedAt: null });
    expect((await w.raw(CANCEL, { id: draft.id })).userErrors).toEqual([
      { code: 'INVALID_STATUS', field: ['input', 'id'] },
    ]);
    expect((await w.raw(CONFIRM, { id: draft.id })).userErrors).toEqual([
      { code: 'INVALID_STATUS', field: ['input', 'id'] },
    ]);

    const order = await w.confirm((await w.order(customer, [{ productId: widget, quantity: '4' }])).id);
    const first = await w.createShipment({
      orderId: order.id,
      lines: [{ orderLineId: order.lines[0].id, quantity: '2' }],
    });
    const blocked = await w.raw(CANCEL, { id: order.id });
    expect(blocked).toMatchObject({
      order: null,
      userErrors: [{ code: 'SHIPMENT_IN_PROGRESS', field: ['input', 'id'] }],
    });
    expect(await w.getOrder(order.id)).toMatchObject({ status: 'CONFIRMED', lines: [{ allocatedQuantity: '4' }] });

    await w.ship(first.id);
    expect((await w.getOrder(order.id)).status).toBe('PARTIALLY_SHIPPED');
    expect((await w.raw(CANCEL, { id: order.id })).userErrors).toEqual([
      { code: 'INVALID_STATUS', field: ['input', 'id'] },
    ]);
    await w.ship((await w.createShipment({ orderId: order.id })).id);
    expect((await w.getOrder(order.id)).status).toBe('SHIPPED');
    expect((await w.raw(CANCEL, { id: order.id })).userErrors).toEqual([
      { code: 'INVALID_STATUS', field: ['input', 'id'] },
    ]);
    expect((await w.raw(CANCEL, { id: randomId() })).userErrors).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'id'] },
    ]);
    expect(await w.stock(widget)).toMatchObject({ availableQuantity: '6', stock: [{ onHand: '6', reserved: '0' }] });
    await w.ledger();
  });
});

describe('shipments', () => {
  it('by default ships everything allocated in the single warehouse', async () => {
    const w = await world();
    const warehouse = await w.warehouse('MAIN');
    const widget = await w.product('WIDGET', '10');
    const gadget = await w.product('GADGET', '5');
    await w.receive(widget, warehouse, '10');
    await w.receive(gadget, warehouse, '10');
    const customer = await w.customer('Buyer');
    const draft = await w.order(customer, [
      { productId: widget, quantity: '4' },
      { productId: gadget, quantity: '2' },
    ]);
    expect((await w.raw(SHIP_CREATE, { input: { orderId: draft.id } })).userErrors).toEqual([
      { code: 'INVALID_STATUS', field: ['input', 'orderId'] },
    ]);

    await w.confirm(draft.id);
    const shipment = await w.createShipment({ orderId: draft.id, carrier: 'SF Express', trackingNumber: 'SF100' });
    expect(shipment).toMatchObject({
      number: 'SH-000001',
      status: 'PICKING',
      carrier: 'SF Express',
      trackingNumber: 'SF100',
      warehouse: { code: 'MAIN' },
      order: { number: 'SO-000001', status: 'CONFIRMED' },
      shippedAt: null,
      deliveredAt: null,
    });
    expect([...shipment.lines].sort((a: any, b: any) => a.product.sku.localeCompare(b.product.sku))).toEqual([
      { product: { sku: 'GADGET' }, quantity: '2' },
      { product: { sku: 'WIDGET' }, quantity: '4' },
    ]);
    // Picking moves no stock yet.
    expect(await w.stock(widget)).toMatchObject({ stock: [{ onHand: '10', reserved: '4' }] });
    expect((await w.raw(SHIP_CREATE, { input: { orderId: draft.id } })).userErrors).toEqual([
      { code: 'NOTHING_TO_SHIP', field: ['input', 'orderId'] },
    ]);
    expect((await w.raw(SHIP_CREATE, { input: { orderId: randomId() } })).userErrors).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'orderId'] },
    ]);

    const read = await w.run(`query($id: ID!) { shipment(id: $id) { number status } }`, { id: shipment.id });
    expect(read).toEqual({ number: 'SH-000001', status: 'PICKING' });
    const order = await w.run(`query($o: ID!) { salesOrder(id: $o) { shipments { number status } } }`, { o: draft.id });
    expect(order.shipments).toEqual([{ number: 'SH-000001', status: 'PICKING' }]);
    await w.ledger();
  });

  it('needs a warehouseId when the allocations sit in two warehouses', async () => {
    const w = await world();
    const a = await w.warehouse('A');
    const b = await w.warehouse('B');
    const widget = await w.product('WIDGET', '10');
    await w.receive(widget, a, '3');
    await w.receive(widget, b, '3');
    const customer = await w.customer('Buyer');
    // Neither covers 5: the best-stocked first, ties by code: A gives 3, B gives 2.
    const order = await w.confirm((await w.order(customer, [{ productId: widget, quantity: '5' }])).id);
    expect(order.lines[0]).toMatchObject({ allocatedQuantity: '5', backorderedQuantity: '0' });
    expect((await w.stock(widget)).stock).toEqual([
      { warehouse: { code: 'A' }, onHand: '3', reserved: '3', available: '0' },
      { warehouse: { code: 'B' }, onHand: '3', reserved: '2', available: '1' },
    ]);

    const undecided = await w.raw(SHIP_CREATE, { input: { orderId: order.id } });
    expect(undecided).toMatchObject({
      shipment: null,
      userErrors: [{ code: 'REQUIRED', field: ['input', 'warehouseId'] }],
    });
    const fromB = await w.createShipment({ orderId: order.id, warehouseId: b });
    expect(fromB).toMatchObject({
      number: 'SH-000001',
      warehouse: { code: 'B' },
      lines: [{ product: { sku: 'WIDGET' }, quantity: '2' }],
    });
    // Only A has anything left to pick now, so no warehouse is needed.
    const fromA = await w.createShipment({ orderId: order.id });
    expect(fromA).toMatchObject({ number: 'SH-000002', warehouse: { code: 'A' }, lines: [{ quantity: '3' }] });

    await w.ship(fromB.id);
    await w.ship(fromA.id);
    expect(await w.getOrder(order.id)).toMatchObject({
      status: 'SHIPPED',
      lines: [{ allocatedQuantity: '0', shippedQuantity: '5' }],
    });
    expect((await w.stock(widget)).stock).toEqual([
      { warehouse: { code: 'A' }, onHand: '0', reserved: '0', available: '0' },
      { warehouse: { code: 'B' }, onHand: '1', reserved: '0', available: '1' },
    ]);
    await w.ledger();
  });

  it('ships explicit lines up to what is allocated and not already being picked', async () => {
    const w = await world();
    const { widget, customer } = await stockedWidget(w, '10');
    const order = await w.confirm((await w.order(customer, [{ productId: widget, quantity: '5' }])).id);
    const line = order.lines[0].id;
    const attempt = (lines: { orderLineId: string; quantity: string }[]) =>
      w.raw(SHIP_CREATE, { input: { orderId: order.id, lines } });

    expect((await attempt([{ orderLineId: line, quantity: '6' }])).userErrors).toEqual([
      { code: 'EXCEEDS_ALLOCATED', field: ['input', 'lines', '0', 'quantity'] },
    ]);
    expect((await attempt([{ orderLineId: line, quantity: '0' }])).userErrors).toEqual([
      { code: 'OUT_OF_RANGE', field: ['input', 'lines', '0', 'quantity'] },
    ]);

    const two = await w.createShipment({ orderId: order.id, lines: [{ orderLineId: line, quantity: '2' }] });
    expect(two).toMatchObject({ number: 'SH-000001', lines: [{ quantity: '2' }] });
    // 2 of the 5 are being picked: 4 more is too many, 3 is fine.
    expect((await attempt([{ orderLineId: line, quantity: '4' }])).userErrors).toEqual([
      { code: 'EXCEEDS_ALLOCATED', field: ['input', 'lines', '0', 'quantity'] },
    ]);
    const three = await w.createShipment({ orderId: order.id, lines: [{ orderLineId: line, quantity: '3' }] });
    expect(three).toMatchObject({ number: 'SH-000002', lines: [{ quantity: '3' }] });
    expect((await w.raw(SHIP_CREATE, { input: { orderId: order.id } })).userErrors).toEqual([
      { code: 'NOTHING_TO_SHIP', field: ['input', 'orderId'] },
    ]);
    expect((await attempt([{ orderLineId: line, quantity: '1' }])).userErrors).toEqual([
      { code: 'EXCEEDS_ALLOCATED', field: ['input', 'lines', '0', 'quantity'] },
    ]);
    // Nothing failed half-way: two shipments, numbered without gaps.
    const [count] = await stack.database
      .sql`select count(*)::int as n, max(number) as max from fulfilment.shipments where tenant_id = ${w.tenant}`;
    expect(count).toEqual({ n: 2, max: 2 });
    await w.ledger();
  });

  it('a line of another order is NOT_FOUND, and only that', async () => {
    const w = await world();
    const { widget, customer } = await stockedWidget(w, '10');
    const order = await w.confirm((await w.order(customer, [{ productId: widget, quantity: '5' }])).id);
    const other = await w.confirm((await w.order(customer, [{ productId: widget, quantity: '1' }])).id);
    for (const orderLineId of [other.lines[0].id, randomId(), 'garbage']) {
      const payload = await w.raw(SHIP_CREATE, {
        input: { orderId: order.id, lines: [{ orderLineId, quantity: '1' }] },
      });
      expect(payload.shipment).toBeNull();
      // Not also EXCEEDS_ALLOCATED: the line is not the order's, there is nothing to compare with.
      expect(payload.userErrors, orderLineId).toEqual([
        { code: 'NOT_FOUND', field: ['input', 'lines', '0', 'orderLineId'] },
      ]);
    }
    await w.ledger();
  });

  it('the same order line twice is a user error, not an internal error, and saves nothing', async () => {
    const w = await world();
    const { widget, customer } = await stockedWidget(w, '10');
    const order = await w.confirm((await w.order(customer, [{ productId: widget, quantity: '5' }])).id);
    const line = order.lines[0].id;
    // 3 + 3 of the 5 allocated: each alone fits, together they do not.
    const twice = await stack.query(w.token, SHIP_CREATE, {
      input: {
        orderId: order.id,
        lines: [
          { orderLineId: line, quantity: '3' },
          { orderLineId: line, quantity: '3' },
        ],
      },
    });
    expect(twice.errors, JSON.stringify(twice.errors)).toBeUndefined();
    expect(twice.data.createShipment.shipment).toBeNull();
    expect(twice.data.createShipment.userErrors.length).toBeGreaterThan(0);
    expect(twice.data.createShipment.userErrors.map((e: any) => e.code)).toEqual(['DUPLICATE']);
    const [saved] = await stack.database
      .sql`select count(*)::int as n from fulfilment.shipments where tenant_id = ${w.tenant}`;
    expect(saved.n).toBe(0);
    // The whole allocation can still be picked.
    expect((await w.createShipment({ orderId: order.id })).lines).toEqual([
      { product: { sku: 'WIDGET' }, quantity: '5' },
    ]);
    await w.ledger();
  });

  it('shipping consumes on-hand and reservation; the order goes PARTIALLY_SHIPPED, SHIPPED, then DELIVERED on time', async () => {
    const w = await world();
    const { widget, customer } = await stockedWidget(w, '10');
    const order = await w.confirm((await w.order(customer, [{ productId: widget, quantity: '5' }])).id);
    const line = order.lines[0].id;
    const first = await w.createShipment({ orderId: order.id, lines: [{ orderLineId: line, quantity: '2' }] });
    const second = await w.createShipment({ orderId: order.id });
    expect(second.lines).toEqual([{ product: { sku: 'WIDGET' }, quantity: '3' }]);

    const shipped = await w.ship(first.id, 'SF Express', 'SF1');
    expect(shipped).toMatchObject({
      status: 'SHIPPED',
      carrier: 'SF Express',
      trackingNumber: 'SF1',
      order: { status: 'PARTIALLY_SHIPPED' },
    });
    expect(shipped.shippedAt).not.toBeNull();
    const partial = await w.getOrder(order.id);
    expect(partial).toMatchObject({ status: 'PARTIALLY_SHIPPED', shippedAt: null, deliveredAt: null, onTime: null });
    expect(partial.lines[0]).toMatchObject({
      quantity: '5',
      allocatedQuantity: '3',
      shippedQuantity: '2',
      backorderedQuantity: '0',
    });
    expect(await w.stock(widget)).toEqual({
      availableQuantity: '5',
      stock: [{ warehouse: { code: 'MAIN' }, onHand: '8', reserved: '3', available: '5' }],
    });
    expect((await w.movements(widget)).filter((m) => m.kind === 'SHIPMENT')).toEqual([
      {
        kind: 'SHIPMENT',
        quantity: '2',
        onHandChange: '-2',
        reservedChange: '-2',
        reference: 'SH-000001',
        warehouse: { code: 'MAIN' },
      },
    ]);

    expect((await w.raw(SHIP, { id: first.id })).userErrors).toEqual([
      { code: 'INVALID_STATUS', field: ['input', 'id'] },
    ]);
    expect((await w.raw(DELIVER, { id: second.id })).userErrors).toEqual([
      { code: 'INVALID_STATUS', field: ['input', 'id'] },
    ]);
    expect((await w.raw(SHIP, { id: randomId() })).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    expect((await w.raw(DELIVER, { id: 'garbage' })).userErrors).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'id'] },
    ]);

    // The first parcel arrives while the rest is still being picked: the order is not delivered.
    const arrived = await w.deliver(first.id);
    expect(arrived.status).toBe('DELIVERED');
    expect(arrived.deliveredAt).not.toBeNull();
    expect((await w.getOrder(order.id)).status).toBe('PARTIALLY_SHIPPED');

    await w.ship(second.id);
    const complete = await w.getOrder(order.id);
    expect(complete).toMatchObject({ status: 'SHIPPED', deliveredAt: null, onTime: null });
    expect(complete.shippedAt).not.toBeNull();
    expect(complete.lines[0]).toMatchObject({ allocatedQuantity: '0', shippedQuantity: '5', backorderedQuantity: '0' });
    expect(await w.stock(widget)).toMatchObject({ availableQuantity: '5', stock: [{ onHand: '5', reserved: '0' }] });
    expect(
      (await w.movements(widget))
        .filter((m) => m.kind === 'SHIPMENT')
        .map((m) => m.reference)
        .sort(),
    ).toEqual(['SH-000001', 'SH-000002']);

    await w.deliver(second.id);
    const delivered = await w.getOrder(order.id);
    expect(delivered).toMatchObject({ status: 'DELIVERED', promisedDate: today(), onTime: true });
    expect(delivered.deliveredAt).not.toBeNull();
    expect((await w.raw(DELIVER, { id: second.id })).userErrors).toEqual([
      { code: 'INVALID_STATUS', field: ['input', 'id'] },
    ]);
    expect((await w.raw(SHIP_CREATE, { input: { orderId: order.id } })).userErrors).toEqual([
      { code: 'INVALID_STATUS', field: ['input', 'orderId'] },
    ]);
    await w.ledger();
  });

  it('an order delivered after its promised date is late, and waits for every shipment to arrive', async () => {
    const w = await world();
    const { widget, customer } = await stockedWidget(w, '10');
    const order = await w.confirm((await w.order(customer, [{ productId: widget, quantity: '2' }])).id);
    const a = await w.createShipment({ orderId: order.id, lines: [{ orderLineId: order.lines[0].id, quantity: '1' }] });
    const b = await w.createShipment({ orderId: order.id });
    await w.ship(a.id);
    await w.ship(b.id);
    await stack.database
      .sql`update fulfilment.sales_orders set promised_date = ${dayOffset(-1)}::date where tenant_id = ${w.tenant} and id = ${order.id}`;
    await w.deliver(b.id);
    expect(await w.getOrder(order.id)).toMatchObject({ status: 'SHIPPED', deliveredAt: null, onTime: null });
    await w.deliver(a.id);
    expect(await w.getOrder(order.id)).toMatchObject({
      status: 'DELIVERED',
      promisedDate: dayOffset(-1),
      onTime: false,
    });
    await w.ledger();
  });
});

describe('Customer fields', () => {
  it('lists a customer’s orders newest first and sums what was placed (no drafts, no cancelled orders)', async () => {
    const w = await world();
    const widget = await w.product('WIDGET', '10');
    const buyer = await w.customer('Buyer');
    const idle = await w.customer('Idle');
    const stranger = await w.customer('Stranger');
    const placedOld = await w.confirm((await w.order(buyer, [{ productId: widget, quantity: '1' }])).id); // SO-1, 10
    const placedNew = await w.confirm((await w.order(buyer, [{ productId: widget, quantity: '2' }])).id); // SO-2, 20
    const cancelled = await w.order(buyer, [{ productId: widget, quantity: '4' }]); // SO-3, 40, cancelled
    await w.cancel((await w.confirm(cancelled.id)).id);
    const draft = await w.order(buyer, [{ productId: widget, quantity: '8' }]); // SO-4, 80, draft
    await w.order(stranger, [{ productId: widget, quantity: '16' }]); // SO-5, another customer
    const created = [
      '2024-05-01T08:00:00.000Z',
      '2024-05-02T08:00:00.000Z',
      '2024-05-03T08:00:00.000Z',
      '2024-05-04T08:00:00.000Z',
    ];
    for (const [i, o] of [placedOld, placedNew, cancelled, draft].entries()) {
      await stack.database
        .sql`update fulfilment.sales_orders set created_at = ${created[i]} where tenant_id = ${w.tenant} and id = ${o.id}`;
    }

    const query = `query($id: ID!, $after: String) { customer(id: $id) {
      all: orders(first: 2, after: $after) { totalCount nodes { number status } pageInfo { hasNextPage endCursor } }
      confirmed: orders(status: CONFIRMED) { totalCount nodes { number } }
      drafts: orders(status: DRAFT) { totalCount nodes { number } }
      lastOrderAt orderStats { count total { amount currency } } } }`;
    const first = (await w.run(query, { id: buyer })) as any;
    expect(first.all).toEqual({
      totalCount: 4,
      nodes: [
        { number: 'SO-000004', status: 'DRAFT' },
        { number: 'SO-000003', status: 'CANCELLED' },
      ],
      pageInfo: { hasNextPage: true, endCursor: expect.any(String) },
    });
    expect(first.confirmed).toEqual({ totalCount: 2, nodes: [{ number: 'SO-000002' }, { number: 'SO-000001' }] });
    expect(first.drafts).toEqual({ totalCount: 1, nodes: [{ number: 'SO-000004' }] });
    expect(first.lastOrderAt).toBe(created[1]);
    expect(first.orderStats).toEqual({ count: 2, total: { amount: '30.00', currency: 'CNY' } });
    const second = (await w.run(query, { id: buyer, after: first.all.pageInfo.endCursor })) as any;
    expect(second.all).toEqual({
      totalCount: 4,
      nodes: [
        { number: 'SO-000002', status: 'CONFIRMED' },
        { number: 'SO-000001', status: 'CONFIRMED' },
      ],
      pageInfo: { hasNextPage: false, endCursor: expect.any(String) },
    });

    const none = (await w.run(query, { id: idle })) as any;
    expect(none).toEqual({
      all: { totalCount: 0, nodes: [], pageInfo: { hasNextPage: false, endCursor: null } },
      confirmed: { totalCount: 0, nodes: [] },
      drafts: { totalCount: 0, nodes: [] },
      lastOrderAt: null,
      orderStats: { count: 0, total: { amount: '0.00', currency: 'CNY' } },
    });
    // Only a draft: nothing placed yet.
    const onlyDraft = (await w.run(query, { id: stranger })) as any;
    expect(onlyDraft).toMatchObject({
      all: { totalCount: 1 },
      lastOrderAt: null,
      orderStats: { count: 0, total: { amount: '0.00' } },
    });
    await w.ledger();
  });
});

describe('fulfilmentMetrics', () => {
  it('computes on-time rate, lead time, backorder rate and inventory turnover over a window', async () => {
    const w = await world('metrics');
    const warehouse = await w.warehouse('MAIN');
    const p = await w.product('P', '10', { unitCost: { amount: '4', currency: 'CNY' } });
    const q = await w.product('Q', '30', { unitCost: { amount: '10', currency: 'CNY' }, reorderQuantity: '50' });
    await w.receive(p, warehouse, '100');
    await w.receive(q, warehouse, '20');
    const customer = await w.customer('Buyer');
    /** Confirms an order, and ships and delivers it in one shipment when `deliver` says so. */
    const placed = async (lines: LineInput[], deliver: boolean) => {
      const order = await w.confirm((await w.order(customer, lines)).id);
      if (deliver) {
        const shipment = await w.createShipment({ orderId: order.id });
        await w.ship(shipment.id);
        await w.deliver(shipment.id);
      }
      return order.id as string;
    };
    const o1 = await placed(
      [
        { productId: p, quantity: '30' },
        { productId: q, quantity: '5' },
      ],
      true,
    ); // SH-000001
    const o2 = await placed([{ productId: p, quantity: '10' }], true); // SH-000002
    const o3 = await placed([{ productId: p, quantity: '5' }], true); // SH-000003
    const o4 = await placed([{ productId: q, quantity: '25' }], false); // Q: 15 left -> 10 backordered
    const o5 = await placed([{ productId: p, quantity: '5' }], true); // SH-000004
    const o6 = await placed([{ productId: q, quantity: '10' }], false); // Q: nothing left -> 10 backordered
    await w.run(
      `mutation($p: ID!, $w: ID!) { adjustStock(input: {productId: $p, warehouseId: $w, change: "-4", reason: "damaged"}) { ${ERRORS} } }`,
      { p, w: warehouse },
    );
    await w.ledger();

    // The history, moved into March 2024 (UTC):
    const orders: [string, string, string | null, string | null][] = [
      // order, confirmed_at, delivered_at, promised_date
      [o1, '2024-03-02T00:00:00Z', '2024-03-06T12:00:00Z', '2024-03-07'], // on time, 4.5 days
      [o2, '2024-03-10T00:00:00Z', '2024-03-13T00:00:00Z', '2024-03-12'], // late, 3 days
      [o3, '2024-03-28T22:00:00Z', '2024-03-31T22:00:00Z', null], // no promise, 3 days, delivered late on the window's last UTC day
      [o4, '2024-03-20T12:00:00Z', null, null], // backordered in the window
      [o5, '2024-03-30T12:00:00Z', '2024-04-02T12:00:00Z', '2024-04-01'], // delivered after the window (and late)
      [o6, '2024-02-20T12:00:00Z', null, null], // backordered before the window
    ];
    for (const [id, confirmedAt, deliveredAt, promised] of orders) {
      await stack.database
        .sql`update fulfilment.sales_orders set confirmed_at = ${confirmedAt}, delivered_at = ${deliveredAt}, promised_date = ${promised}::date
        where tenant_id = ${w.tenant} and id = ${id}`;
    }
    const moved = async (where: string, at: string) => {
      await stack.database.sql`update fulfilment.stock_movements set occurred_at = ${at}
        where tenant_id = ${w.tenant} and (kind || ':' || coalesce(reference, '')) = ${where}`;
    };
    await moved('RECEIPT:', '2024-02-15T12:00:00Z'); // P 100 x 4 = 400, Q 20 x 10 = 200
    await moved('SHIPMENT:SH-000001', '2024-03-05T10:00:00Z'); // P 30 x 4 + Q 5 x 10 = 170
    await moved('SHIPMENT:SH-000002', '2024-03-12T10:00:00Z'); // P 10 x 4 = 40
    await moved('SHIPMENT:SH-000003', '2024-03-29T10:00:00Z'); // P 5 x 4 = 20
    await moved('SHIPMENT:SH-000004', '2024-04-01T10:00:00Z'); // P 5 x 4 = 20, after the window
    await moved('ADJUSTMENT:damaged', '2024-03-15T12:00:00Z'); // P -4 x 4 = -16
    await stack.database
      .sql`update fulfilment.stock_movements set occurred_at = '2024-02-16T00:00:00Z' where tenant_id = ${w.tenant} and kind in ('RESERVATION', 'RELEASE')`;

    const metrics = (from: string, to: string) =>
      stack.query(
        w.token,
        'query($from: Date!, $to: Date!) { fulfilmentMetrics(from: $from, to: $to) { from to onTimeDeliveryRate averageLeadTimeDays backorderRate inventoryTurnover } }',
        { from, to },
      );

    const march = await metrics('2024-03-01', '2024-03-31');
    expect(march.errors).toBeUndefined();
    expect(march.data.fulfilmentMetrics).toEqual({
      from: '2024-03-01',
      to: '2024-03-31',
      // delivered in March with a promise: o1 (on time), o2 (late) -> 1/2
      onTimeDeliveryRate: 0.5,
      // delivered in March: o1 4.5, o2 3, o3 3 days -> 10.5 / 3
      averageLeadTimeDays: 3.5,
      // lines confirmed in March: o1 (2), o2, o3, o4, o5 = 6; backordered on confirmation: o4's -> 1/6
      backorderRate: 0.1667,
      // shipped in March at cost: 170 + 40 + 20 = 230; inventory at the start 600, at the end
      // 600 - 230 - 16 = 354, average 477 -> 230 / 477 = 0.48218...
      inventoryTurnover: 0.4822,
    });

    // The last day alone: o3 arrived at 22:00 UTC on 31 March (no promise); nothing shipped or confirmed.
    const lastDay = await metrics('2024-03-31', '2024-03-31');
    expect(lastDay.data.fulfilmentMetrics).toEqual({
      from: '2024-03-31',
      to: '2024-03-31',
      onTimeDeliveryRate: null,
      averageLeadTimeDays: 3,
      backorderRate: null,
      inventoryTurnover: 0,
    });

    // February: o6 confirmed and backordered (1/1); nothing delivered; 0 shipped over (0 + 600) / 2.
    const february = await metrics('2024-02-01', '2024-02-29');
    expect(february.data.fulfilmentMetrics).toEqual({
      from: '2024-02-01',
      to: '2024-02-29',
      onTimeDeliveryRate: null,
      averageLeadTimeDays: null,
      backorderRate: 1,
      inventoryTurnover: 0,
    });

    // Before any stock: no inventory, so no turnover.
    const empty = await metrics('2023-01-01', '2023-12-31');
    expect(empty.data.fulfilmentMetrics).toMatchObject({
      onTimeDeliveryRate: null,
      averageLeadTimeDays: null,
      backorderRate: null,
      inventoryTurnover: null,
    });

    const reversed = await metrics('2024-03-31', '2024-03-01');
    expect(reversed.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(reversed.data?.fulfilmentMetrics ?? null).toBeNull();
    await w.ledger();
  });
});
