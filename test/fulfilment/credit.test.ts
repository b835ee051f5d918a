import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '../../lib/auth.js';
import { peersOf } from '../../lib/peers.js';
import { buildFulfilmentSubgraph } from '../../subgraphs/order-fulfilment/index.js';
import { expectLedgerConsistent, strictClient } from '../support/fulfilment.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/**
 * Confirmation asks finance first. The customer owes 90.40 (an issued 80.00 invoice + 13% tax)
 * and may owe 100.00: a 20-unit order at 1.00 (orders are net of tax) would take exposure to 110.40.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const CONFIRM = `mutation($id: ID!, $o: Boolean) { confirmSalesOrder(input: {id: $id, overrideCreditHold: $o}) {
  order { status lines { allocatedQuantity } } userErrors { code field message } } }`;

async function scenario() {
  const tenant = newTenant('credit');
  const token = await stack.token(tenant);
  const run = strictClient(stack, token);
  const customer = (
    await run('mutation { createCustomer(input: {name: "Stretched"}) { customer { id } userErrors { code } } }')
  ).customer.id;
  const invoice = (
    await run(
      'mutation($c: ID!) { createInvoice(input: {customerId: $c, lines: [{description: "Earlier", quantity: "1", unitPrice: {amount: "80", currency: "CNY"}}]}) { invoice { id } userErrors { code } } }',
      { c: customer },
    )
  ).invoice.id;
  await run(
    'mutation($id: ID!) { issueInvoice(input: {id: $id}) { invoice { total { amount } } userErrors { code } } }',
    { id: invoice },
  ); // 80 + 13% = 90.40
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
  ).product.id;
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
    ).order.id;
  return { tenant, token, customer, product, order };
}

describe('credit check on confirmation', () => {
  it('allows an order within the limit', async () => {
    const s = await scenario();
    const res = await stack.query(s.token, CONFIRM, { id: await s.order('9') }); // 90.40 + 9.00 = 99.40
    expect(res.data.confirmSalesOrder).toMatchObject({ order: { status: 'CONFIRMED' }, userErrors: [] });
  });

  it('refuses an order past the limit, reserving nothing', async () => {
    const s = await scenario();
    const id = await s.order('20');
    const res = await stack.query(s.token, CONFIRM, { id });
    expect(res.data.confirmSalesOrder.order).toBeNull();
    expect(res.data.confirmSalesOrder.userErrors).toEqual([
      {
        code: 'CREDIT_LIMIT_EXCEEDED',
        field: ['input', 'id'],
        message: 'Exposure would be 110.40, above the credit limit of 100.00',
      },
    ]);
    const after = await stack.query(
      s.token,
      'query($id: ID!, $p: ID!) { salesOrder(id: $id) { status } product(id: $p) { availableQuantity } }',
      { id, p: s.product },
    );
    expect(after.data).toEqual({ salesOrder: { status: 'DRAFT' }, product: { availableQuantity: '50' } });
    await expectLedgerConsistent(stack, s.tenant);
  });

  it('allows the override to someone with finance:credit-override, and only to them', async () => {
    const s = await scenario();
    const id = await s.order('20');
    const noScope = await stack.token(
      s.tenant,
      ALL_SCOPES.filter((x) => x !== 'finance:credit-override'),
    );
    const refused = await stack.query(noScope, CONFIRM, { id, o: true });
    expect(refused.data.confirmSalesOrder.userErrors.map((e: any) => [e.code, e.field])).toEqual([
      ['CREDIT_LIMIT_EXCEEDED', ['input', 'overrideCreditHold']],
    ]);
    const allowed = await stack.query(s.token, CONFIRM, { id, o: true });
    expect(allowed.data.confirmSalesOrder).toMatchObject({
      order: { status: 'CONFIRMED', lines: [{ allocatedQuantity: '20' }] },
      userErrors: [],
    });
  });

  it('fails safe when finance cannot be reached: nothing is reserved', async () => {
    const s = await scenario();
    const id = await s.order('5');
    // The same subgraph, pointed at a finance address where nothing listens (a real refused connection).
    const cut = buildFulfilmentSubgraph(
      stack.database,
      peersOf('order-fulfilment', {
        signingSecret: stack.secrets.signingSecret,
        graphqlUrl: (name) => (name === 'finance' ? 'http://127.0.0.1:9/graphql' : stack.subgraphUrls[name]),
        eventsUrl: (name) => stack.eventUrls[name],
      }),
    );
    await cut.apollo.start();
    const contextValue = await cut.contextFor({
      tenantId: s.tenant,
      userId: 'u',
      scopes: [...ALL_SCOPES],
      exp: Date.now() / 1000 + 60,
      requestId: 'r',
    });
    const { body } = await cut.apollo.executeOperation({ query: CONFIRM, variables: { id } }, { contextValue });
    expect((body as any).singleResult.data.confirmSalesOrder).toEqual({
      order: null,
      userErrors: [
        {
          code: 'CREDIT_CHECK_UNAVAILABLE',
          field: ['input', 'id'],
          message:
            'The credit check could not be made; no stock was reserved (any credit finance held for it lapses by itself). Try again shortly',
        },
      ],
    });
    await cut.close();
    const after = await stack.query(
      s.token,
      'query($id: ID!, $p: ID!) { salesOrder(id: $id) { status } product(id: $p) { availableQuantity } }',
      { id, p: s.product },
    );
    expect(after.data).toEqual({ salesOrder: { status: 'DRAFT' }, product: { availableQuantity: '50' } });
  });

  it('never holds a customer without a limit', async () => {
    const s = await scenario();
    await strictClient(stack, s.token)(
      'mutation($c: ID!) { setCreditLimit(input: {customerId: $c, limit: null}) { userErrors { code } } }',
      { c: s.customer },
    );
    const res = await stack.query(s.token, CONFIRM, { id: await s.order('40') });
    expect(res.data.confirmSalesOrder.order.status).toBe('CONFIRMED');
  });
});
