import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '../../lib/auth.js';
import { uuidv7 } from '../../lib/ids.js';
import { financeCreditAt } from '../../lib/clients/finance-credit.js';
import { expectLedgerConsistent, strictClient } from '../support/fulfilment.js';
import { startProxy } from '../support/proxy.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/**
 * Confirmation reserves the order's amount in finance, at once and one order of a customer at a
 * time, instead of checking and waiting for salesOrder.confirmed to count it. The relays are off:
 * no event reaches finance unless a test calls settle(), which is the window the reservation closes.
 * The customer owes 90.40 (an issued 80.00 invoice + 13% tax) and may owe 100.00; orders are 1.00 a unit.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ relays: false });
});
afterAll(() => stack?.close());

const CONFIRM = `mutation($id: ID!) { confirmSalesOrder(input: {id: $id}) { order { status } userErrors { code field message } } }`;
const REFUSED_9 = {
  code: 'CREDIT_LIMIT_EXCEEDED',
  field: ['input', 'id'],
  message: 'Exposure would be 108.40, above the credit limit of 100.00',
};

async function scenario() {
  const tenant = newTenant('reserve');
  const token = await stack.token(tenant);
  const run = strictClient(stack, token);
  const customer = (
    await run('mutation { createCustomer(input: {name: "Stretched"}) { customer { id } userErrors { code } } }')
  ).customer.id as string;
  const invoice = (
    await run(
      'mutation($c: ID!) { createInvoice(input: {customerId: $c, lines: [{description: "Earlier", quantity: "1", unitPrice: {amount: "80", currency: "CNY"}}]}) { invoice { id } userErrors { code } } }',
      { c: customer },
    )
  ).invoice.id;
  await run('mutation($id: ID!) { issueInvoice(input: {id: $id}) { userErrors { code } } }', { id: invoice });
  await run(
    'mutation($c: ID!) { setCreditLimit(input: {customerId: $c, limit: {amount: "100", currency: "CNY"}}) { userErrors { code } } }',
    { c: customer },
  );
  const warehouse = (
    await run('mutation { createWarehouse(input: {code: "W", name: "W"}) { warehouse { id } userErrors { code } } }')
  ).warehouse.id;
  const product = (
    await run(
      'mutation { createProduct(input: {sku: "P", name: "P", listPrice: {amount: "1", currency: "CNY"}}) { product { id } userErrors { code } } }',
    )
  ).product.id as string;
  await run(
    'mutation($p: ID!, $w: ID!) { receiveStock(input: {productId: $p, warehouseId: $w, quantity: "50"}) { userErrors { code } } }',
    { p: product, w: warehouse },
  );
  const order = async (quantity: string) =>
    (
      await run(
        'mutation($c: ID!, $p: ID!, $q: Decimal!) { createSalesOrder(input: {customerId: $c, lines: [{productId: $p, quantity: $q}]}) { order { id } userErrors { code } } }',
        { c: customer, p: product, q: quantity },
      )
    ).order.id as string;
  const confirm = async (id: string) => (await stack.query(token, CONFIRM, { id })).data.confirmSalesOrder;
  /** Orders' statuses, the product's available quantity and the customer's exposure, as the graph shows them. */
  const state = async (ids: string[]) => {
    const orders = ids.map((id, i) => `o${i}: salesOrder(id: "${id}") { status }`).join(' ');
    const res = await stack.query(
      token,
      `query($p: ID!, $c: ID!) { ${orders} product(id: $p) { availableQuantity } customer(id: $c) { credit { exposure { amount } } } }`,
      { p: product, c: customer },
    );
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return {
      statuses: ids.map((_, i) => res.data[`o${i}`].status as string),
      available: res.data.product.availableQuantity as string,
      exposure: res.data.customer.credit.exposure.amount as string,
    };
  };
  const exposures = async () =>
    (
      await stack.database
        .sql`select order_id, status from finance.order_exposures where tenant_id = ${tenant} order by order_id`
    ).map((r) => [r.order_id, r.status]);
  /** order-fulfilment's own credit client, as confirmSalesOrder calls it (a signed call to finance). */
  const reserve = async (orderId: string, amount: string, customerId = customer, financeUrl?: string) => {
    const ctx = await stack.subgraphs.fulfilment.contextFor({
      tenantId: tenant,
      userId: 'u',
      scopes: [...ALL_SCOPES],
      exp: Date.now() / 1000 + 60,
      requestId: 'r',
    });
    const credit = financeUrl
      ? financeCreditAt({ financeUrl, signingSecret: stack.secrets.signingSecret })
      : ctx.credit;
    return credit.reserveCredit(ctx, { orderId, customerId, amount: { amount, currency: 'CNY' }, override: false });
  };
  return { tenant, customer, order, confirm, state, exposures, reserve };
}

describe('credit reservations on confirmation', () => {
  it('two orders confirmed back to back, before any event is delivered: the second is refused and reserves no stock', async () => {
    const s = await scenario();
    const [a, b] = [await s.order('9'), await s.order('9')]; // 90.40 + 9.00 = 99.40 each alone; 108.40 together
    expect(await s.confirm(a)).toEqual({ order: { status: 'CONFIRMED' }, userErrors: [] });
    // salesOrder.confirmed has not reached finance: the reservation is what counts.
    expect(await s.exposures()).toEqual([[a, 'RESERVED']]);
    expect(await s.confirm(b)).toEqual({ order: null, userErrors: [REFUSED_9] });
    expect(await s.state([a, b])).toEqual({ statuses: ['CONFIRMED', 'DRAFT'], available: '41', exposure: '99.40' });

    // The event arrives: the reservation becomes the confirmed order's exposure, counted once.
    await stack.settle();
    expect(await s.exposures()).toEqual([[a, 'CONFIRMED']]);
    expect(await s.state([a, b])).toEqual({ statuses: ['CONFIRMED', 'DRAFT'], available: '41', exposure: '99.40' });
    expect(await s.confirm(b)).toEqual({ order: null, userErrors: [REFUSED_9] });
  });

  it('the same two orders confirmed at the same moment (concurrent requests): exactly one succeeds', async () => {
    const s = await scenario();
    const ids = [await s.order('9'), await s.order('9')];
    const answers = await Promise.all(ids.map((id) => s.confirm(id)));
    expect(answers.map((a) => a.order?.status ?? a.userErrors[0].code).sort()).toEqual([
      'CONFIRMED',
      'CREDIT_LIMIT_EXCEEDED',
    ]);
    expect(answers.find((a) => a.order === null).userErrors).toEqual([REFUSED_9]);
    const seen = await s.state(ids);
    expect(seen.statuses.sort()).toEqual(['CONFIRMED', 'DRAFT']);
    expect(seen).toMatchObject({ available: '41', exposure: '99.40' });
    await expectLedgerConsistent(stack, s.tenant);
  });

  it('six orders of 4.00 confirmed at once: exactly the two that fit are confirmed', async () => {
    const s = await scenario();
    const ids = await Promise.all(Array.from({ length: 6 }, () => s.order('4'))); // 90.40 + 2 x 4.00 = 98.40; a third: 102.40
    const answers = await Promise.all(ids.map((id) => s.confirm(id)));
    expect(answers.filter((a) => a.order?.status === 'CONFIRMED')).toHaveLength(2);
    expect(answers.filter((a) => a.userErrors[0]?.code === 'CREDIT_LIMIT_EXCEEDED')).toHaveLength(4);
    expect(await s.state(ids)).toMatchObject({ available: '42', exposure: '98.40' });
    await stack.settle();
    expect(await s.state(ids)).toMatchObject({ available: '42', exposure: '98.40' });
    await expectLedgerConsistent(stack, s.tenant);
  });

  it('a reservation whose order is never confirmed stops counting once it expires', async () => {
    const s = await scenario();
    const abandoned = uuidv7(); // reserved, then its confirmation failed: no event will ever come
    expect(await s.reserve(abandoned, '9.00')).toEqual({ reserved: true, overridden: false, reason: null });
    const b = await s.order('9');
    expect(await s.confirm(b)).toEqual({ order: null, userErrors: [REFUSED_9] });
    expect((await s.state([b])).exposure).toBe('99.40');

    await stack.database
      .sql`update finance.order_exposures set reserved_until = now() - interval '1 second' where tenant_id = ${s.tenant} and order_id = ${abandoned}`;
    expect((await s.state([b])).exposure).toBe('90.40');
    expect(await s.confirm(b)).toEqual({ order: { status: 'CONFIRMED' }, userErrors: [] });
    expect(await s.state([b])).toMatchObject({ statuses: ['CONFIRMED'], available: '41', exposure: '99.40' });
  });

  it('a retried reservation of the same order does not count itself twice', async () => {
    const s = await scenario();
    const a = await s.order('9');
    // A first confirmation reserved and then failed (say its transaction lost the connection).
    expect(await s.reserve(a, '9.00')).toEqual({ reserved: true, overridden: false, reason: null });
    expect(await s.reserve(a, '9.00')).toEqual({ reserved: true, overridden: false, reason: null }); // not 108.40
    expect((await s.state([a])).exposure).toBe('99.40');
    // The confirmation retried by the user reserves the same order once more, and succeeds.
    expect(await s.confirm(a)).toEqual({ order: { status: 'CONFIRMED' }, userErrors: [] });
    expect(await s.exposures()).toEqual([[a, 'RESERVED']]);
    expect(await s.state([a])).toMatchObject({ available: '41', exposure: '99.40' });
  });

  it('a reservation whose answer was lost is safe to repeat: finance counts the order once', async () => {
    const s = await scenario();
    const a = await s.order('9');
    const proxy = await startProxy(new URL(stack.subgraphUrls.finance).origin, (n) =>
      n === 1 ? 'lose-answer' : 'forward',
    );
    try {
      // Finance reserved, but the answer never came back: the client does not resend a write by itself.
      expect(await s.reserve(a, '9.00', s.customer, `${proxy.url}/graphql`)).toEqual({ unavailable: true });
      expect(proxy.seen).toHaveLength(1);
      expect(await s.exposures()).toEqual([[a, 'RESERVED']]);
      // The caller retries (a user confirming again): the same order is reserved once, not twice.
      expect(await s.reserve(a, '9.00', s.customer, `${proxy.url}/graphql`)).toEqual({
        reserved: true,
        overridden: false,
        reason: null,
      });
      expect(await s.exposures()).toEqual([[a, 'RESERVED']]);
      expect((await s.state([a])).exposure).toBe('99.40'); // 90.40 + 9.00, not + 18.00
      expect(await s.confirm(a)).toEqual({ order: { status: 'CONFIRMED' }, userErrors: [] });
      expect(await s.state([a])).toMatchObject({ statuses: ['CONFIRMED'], available: '41', exposure: '99.40' });
    } finally {
      await proxy.close();
    }
  });

  it('an unknown customer is not "unavailable"; the gateway does not expose reserveCredit', async () => {
    const s = await scenario();
    expect(await s.reserve(uuidv7(), '1.00', uuidv7())).toEqual({ unknownCustomer: true });
    const res = await stack.query(
      await stack.token(s.tenant),
      'mutation($i: ReserveCreditInput!) { reserveCredit(input: $i) { allowed } }',
      {
        i: { orderId: uuidv7(), customerId: s.customer, amount: { amount: '1', currency: 'CNY' } },
      },
    );
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await s.exposures()).toEqual([]);
  });
});
