import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../lib/ids.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';
import { deliverToFinance, orderEvent } from './deliver.js';

/**
 * reserveCredit, finance's internal mutation order-fulfilment calls while confirming an order, and
 * how reservations meet the order events: RESERVED counts until it expires or the order's
 * salesOrder.confirmed makes it CONFIRMED; salesOrder.cancelled ends it for good.
 * The customer's limit is 100.00 and nothing is owed unless a test says so.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ relays: false });
});
afterAll(() => stack?.close());

const RESERVE =
  'mutation($i: ReserveCreditInput!) { reserveCredit(input: $i) { allowed reserved reason exposure { amount } limit { amount } reservedUntil } }';

async function scene() {
  const tenant = newTenant('rsv');
  const token = await stack.token(tenant);
  const ok = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await stack.query(token, query, variables);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return Object.values(res.data)[0] as any;
  };
  const customer = (await ok('mutation { createCustomer(input: {name: "Buyer"}) { customer { id } } }')).customer
    .id as string;
  await ok(
    'mutation($c: ID!) { setCreditLimit(input: {customerId: $c, limit: {amount: "100", currency: "CNY"}}) { userErrors { code } } }',
    { c: customer },
  );
  /** reserveCredit as order-fulfilment calls it: straight to the finance subgraph, with the scopes it chooses. */
  const reserve = async (
    orderId: string,
    amount: string,
    opts: { override?: boolean; scopes?: string[]; customerId?: string } = {},
  ) => {
    const finance = stack.subgraphs.finance;
    const contextValue = await finance.contextFor({
      tenantId: tenant,
      userId: 'u',
      scopes: opts.scopes ?? ['finance:write'],
      exp: Date.now() / 1000 + 60,
      requestId: 'r',
    });
    const input = {
      orderId,
      customerId: opts.customerId ?? customer,
      amount: { amount, currency: 'CNY' },
      override: opts.override ?? false,
    };
    const { body } = await finance.apollo.executeOperation(
      { query: RESERVE, variables: { i: input } },
      { contextValue },
    );
    const result = (body as any).singleResult;
    return result.errors ? { error: result.errors[0].extensions.code as string } : result.data.reserveCredit;
  };
  const exposure = async () =>
    (await ok('query($c: ID!) { customer(id: $c) { credit { exposure { amount } } } }', { c: customer })).credit
      .exposure.amount as string;
  const rows = async () =>
    (
      await stack.database
        .sql`select order_id, status, amount, reserved_until is not null as until from finance.order_exposures where tenant_id = ${tenant} order by order_id`
    ).map((r) => [r.order_id, r.status, r.amount, r.until]);
  const expire = (orderId: string) =>
    stack.database
      .sql`update finance.order_exposures set reserved_until = now() - interval '1 second' where tenant_id = ${tenant} and order_id = ${orderId}`;
  const event = async (kind: 'confirmed' | 'cancelled', orderId: string, total: string) =>
    expect(await deliverToFinance(stack, orderEvent(tenant, kind, { orderId, customerId: customer, total }))).toEqual({
      status: 200,
      body: { status: 'applied' },
    });
  return { tenant, token, ok, customer, reserve, exposure, rows, expire, event };
}

describe('reserveCredit', () => {
  it('reserves what fits for about ten minutes and refuses what does not, reserving nothing', async () => {
    const s = await scene();
    const [a, b] = [uuidv7(), uuidv7()];
    const before = Date.now();
    const first = await s.reserve(a, '60.00');
    expect(first).toMatchObject({
      allowed: true,
      reserved: true,
      reason: null,
      exposure: { amount: '0.00' },
      limit: { amount: '100.00' },
    });
    const minutes = (Date.parse(first.reservedUntil) - before) / 60_000;
    expect(minutes).toBeGreaterThan(9.9);
    expect(minutes).toBeLessThan(10.1);
    expect(await s.reserve(b, '40.01')).toEqual({
      allowed: false,
      reserved: false,
      reason: 'Exposure would be 100.01, above the credit limit of 100.00',
      exposure: { amount: '60.00' },
      limit: { amount: '100.00' },
      reservedUntil: null,
    });
    expect(await s.rows()).toEqual([[a, 'RESERVED', '60.00', true]]);
    expect(await s.exposure()).toBe('60.00');
    expect(await s.reserve(b, '40.00')).toMatchObject({ allowed: true, reserved: true, exposure: { amount: '60.00' } });
    expect(await s.exposure()).toBe('100.00');
  });

  it('a retry of the same order replaces its own reservation (latest amount, counted once)', async () => {
    const s = await scene();
    const a = uuidv7();
    expect(await s.reserve(a, '70.00')).toMatchObject({ reserved: true, exposure: { amount: '0.00' } });
    expect(await s.reserve(a, '70.00')).toMatchObject({ reserved: true, exposure: { amount: '0.00' } });
    expect(await s.reserve(a, '90.00')).toMatchObject({ reserved: true, exposure: { amount: '0.00' } });
    expect(await s.rows()).toEqual([[a, 'RESERVED', '90.00', true]]);
    expect(await s.exposure()).toBe('90.00');
  });

  it('overrides only when the call carries finance:credit-override', async () => {
    const s = await scene();
    expect(await s.reserve(uuidv7(), '150.00', { override: true })).toEqual({ error: 'FORBIDDEN' });
    expect(await s.reserve(uuidv7(), '150.00', { scopes: ['finance:read'] })).toEqual({ error: 'FORBIDDEN' });
    const overridden = await s.reserve(uuidv7(), '150.00', {
      override: true,
      scopes: ['finance:write', 'finance:credit-override'],
    });
    expect(overridden).toMatchObject({
      allowed: false,
      reserved: true,
      reason: 'Exposure would be 150.00, above the credit limit of 100.00',
    });
    expect(await s.exposure()).toBe('150.00');
  });

  it('answers NOT_FOUND for an unknown customer and BAD_USER_INPUT for a wrong currency, reserving nothing', async () => {
    const s = await scene();
    expect(await s.reserve(uuidv7(), '1.00', { customerId: uuidv7() })).toEqual({ error: 'NOT_FOUND' });
    expect(await s.reserve(uuidv7(), '1.00', { customerId: 'nope' })).toEqual({ error: 'NOT_FOUND' });
    expect(await s.reserve('nope', '1.00')).toEqual({ error: 'BAD_USER_INPUT' });
    expect(await s.reserve(uuidv7(), '1.001')).toEqual({ error: 'BAD_USER_INPUT' });
    expect(await s.rows()).toEqual([]);
  });

  it('ten reservations of 15.00 at the same moment: exactly the six that fit', async () => {
    const s = await scene();
    const answers = await Promise.all(Array.from({ length: 10 }, () => s.reserve(uuidv7(), '15.00')));
    expect(answers.filter((a) => a.reserved)).toHaveLength(6);
    expect(answers.filter((a) => !a.reserved).map((a) => a.reason)).toEqual(
      Array(4).fill('Exposure would be 105.00, above the credit limit of 100.00'),
    );
    expect(await s.exposure()).toBe('90.00');
  });
});

describe('reservations and order events', () => {
  it('salesOrder.confirmed turns the reservation into the order’s exposure, which no longer expires', async () => {
    const s = await scene();
    const a = uuidv7();
    await s.reserve(a, '30.00');
    await s.event('confirmed', a, '30.00');
    expect(await s.rows()).toEqual([[a, 'CONFIRMED', '30.00', false]]);
    await s.expire(a); // a reserved_until in the past means nothing to a confirmed order
    expect(await s.exposure()).toBe('30.00');
    // A late retry of the reservation leaves the confirmed order as it is.
    expect(await s.reserve(a, '30.00')).toMatchObject({
      reserved: true,
      exposure: { amount: '0.00' },
      reservedUntil: null,
    });
    expect(await s.rows()).toEqual([[a, 'CONFIRMED', '30.00', true]]);
    expect(await s.exposure()).toBe('30.00');
  });

  it('an expired reservation counts again when its confirmation arrives late', async () => {
    const s = await scene();
    const a = uuidv7();
    await s.reserve(a, '30.00');
    await s.expire(a);
    expect(await s.exposure()).toBe('0.00');
    await s.event('confirmed', a, '30.00');
    expect(await s.exposure()).toBe('30.00');
  });

  it('salesOrder.cancelled ends a reservation, and a cancelled order is never reserved again', async () => {
    const s = await scene();
    const a = uuidv7();
    await s.reserve(a, '30.00');
    await s.event('cancelled', a, '30.00');
    expect(await s.exposure()).toBe('0.00');
    await s.reserve(a, '30.00');
    await s.event('confirmed', a, '30.00');
    expect(await s.rows()).toEqual([[a, 'CANCELLED', '30.00', false]]);
    expect(await s.exposure()).toBe('0.00');
  });
});

describe('manual invoices for sales orders', () => {
  const CREATE = `mutation($c: ID!, $o: ID) { createInvoice(input: {customerId: $c, orderId: $o, lines: [{description: "Goods", quantity: "1", unitPrice: {amount: "30", currency: "CNY"}}]}) {
    invoice { id } userErrors { code field message } } }`;

  it('are refused for an order finance knows from its events or a reservation: it is billed when it ships', async () => {
    const s = await scene();
    const [confirmed, reserved, cancelled] = [uuidv7(), uuidv7(), uuidv7()];
    await s.event('confirmed', confirmed, '30.00');
    await s.reserve(reserved, '30.00');
    await s.event('cancelled', cancelled, '30.00');
    for (const o of [confirmed, reserved, cancelled]) {
      expect(await s.ok(CREATE, { c: s.customer, o })).toEqual({
        invoice: null,
        userErrors: [
          {
            code: 'ORDER_BILLED_ON_SHIPMENT',
            field: ['input', 'orderId'],
            message:
              'Invoices for sales orders are issued automatically when their goods ship; this order cannot be invoiced by hand',
          },
        ],
      });
    }
    expect((await s.ok('{ invoices(first: 10) { totalCount } }')).totalCount).toBe(0);
    expect(await s.exposure()).toBe('60.00');
  });

  it('are refused at issue when the order became known after the draft was made', async () => {
    const s = await scene();
    const order = uuidv7();
    const draft = (await s.ok(CREATE, { c: s.customer, o: order })).invoice.id;
    await s.event('confirmed', order, '30.00');
    const issued = await s.ok(
      `mutation($id: ID!) { issueInvoice(input: {id: $id}) { invoice { status } userErrors { code field } } }`,
      { id: draft },
    );
    expect(issued).toEqual({
      invoice: null,
      userErrors: [{ code: 'ORDER_BILLED_ON_SHIPMENT', field: ['input', 'id'] }],
    });
    expect(await s.exposure()).toBe('30.00');
  });

  it('are still made without an order, or for an order finance has never heard of', async () => {
    const s = await scene();
    expect((await s.ok(CREATE, { c: s.customer, o: null })).userErrors).toEqual([]);
    expect((await s.ok(CREATE, { c: s.customer, o: uuidv7() })).userErrors).toEqual([]);
  });
});
