import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strictClient } from '../support/fulfilment.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/** One request across three subgraphs: a customer's open deals, their lines' products and stock. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

describe('opportunity lines and products', () => {
  it('reads each line’s product with its stock and promise date in one request', async () => {
    const token = await stack.token(newTenant());
    const run = strictClient(stack, token);
    const warehouse = (
      await run(
        'mutation { createWarehouse(input: {code: "MAIN", name: "Main"}) { warehouse { id } userErrors { code } } }',
      )
    ).warehouse.id;
    const kettle = (
      await run(
        'mutation { createProduct(input: {sku: "KET-1", name: "Kettle", listPrice: {amount: "199", currency: "CNY"}, leadTimeDays: 14}) { product { id } userErrors { code } } }',
      )
    ).product.id;
    await run(
      'mutation($p: ID!, $w: ID!) { receiveStock(input: {productId: $p, warehouseId: $w, quantity: "7"}) { userErrors { code } } }',
      { p: kettle, w: warehouse },
    );
    const customer = (
      await run('mutation { createCustomer(input: {name: "Tea Room"}) { customer { id } userErrors { code } } }')
    ).customer.id;
    const opportunity = (
      await run(
        'mutation($c: ID!) { createOpportunity(input: {title: "Kettles", customerId: $c}) { opportunity { id } userErrors { code } } }',
        { c: customer },
      )
    ).opportunity.id;
    await run(
      'mutation($o: ID!, $p: ID!) { addOpportunityLine(input: {opportunityId: $o, line: {productId: $p, quantity: "10", unitPrice: {amount: "199", currency: "CNY"}}}) { userErrors { code } } }',
      {
        o: opportunity,
        p: kettle,
      },
    );

    const res = await stack.query(
      token,
      `query($id: ID!) { customer(id: $id) { name
        opportunities(status: OPEN) { nodes { title amount { amount } lines { quantity product { sku name availableQuantity availableToPromise(quantity: 5) { quantity date } } } } }
        orders { totalCount } } }`,
      { id: customer },
    );
    expect(res.errors).toBeUndefined();
    const today = new Date().toISOString().slice(0, 10);
    expect(res.data.customer).toEqual({
      name: 'Tea Room',
      opportunities: {
        nodes: [
          {
            title: 'Kettles',
            amount: { amount: '1990.00' },
            lines: [
              {
                quantity: '10',
                product: {
                  sku: 'KET-1',
                  name: 'Kettle',
                  availableQuantity: '7',
                  availableToPromise: { quantity: '5', date: today },
                },
              },
            ],
          },
        ],
      },
      orders: { totalCount: 0 },
    });
  });
});
