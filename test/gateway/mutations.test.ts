import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strictClient } from '../support/fulfilment.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

describe('several mutations in one operation', () => {
  it('each reads back what the ones before it wrote', async () => {
    const token = await stack.token(newTenant());
    const run = strictClient(stack, token);
    const warehouse = (
      await run('mutation { createWarehouse(input: {code: "W", name: "W"}) { warehouse { id } userErrors { code } } }')
    ).warehouse.id;
    const product = (
      await run(
        'mutation { createProduct(input: {sku: "P", name: "P", listPrice: {amount: "1", currency: "CNY"}}) { product { id } userErrors { code } } }',
      )
    ).product.id;
    const res = await stack.query(
      token,
      `mutation($p: ID!, $w: ID!) {
        a: receiveStock(input: {productId: $p, warehouseId: $w, quantity: "10"}) { product { availableQuantity } }
        b: receiveStock(input: {productId: $p, warehouseId: $w, quantity: "5"}) { product { availableQuantity } } }`,
      { p: product, w: warehouse },
    );
    expect(res.data).toEqual({
      a: { product: { availableQuantity: '10' } },
      b: { product: { availableQuantity: '15' } },
    });
  });
});
