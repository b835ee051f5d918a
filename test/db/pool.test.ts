import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strictClient } from '../support/fulfilment.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/**
 * A pool smaller than the number of writes in flight: every write must still finish. Writes read
 * the tenant's settings; read inside their transaction through the pool, each would hold one
 * connection while waiting for another, and a full pool deadlocked (they hung for good).
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ poolSize: 3 });
});
afterAll(() => stack?.close());

describe('a full connection pool', () => {
  it('finishes 12 concurrent writes on 3 connections, in every subgraph that reads tenant settings', async () => {
    const token = await stack.token(newTenant('pool'));
    const run = strictClient(stack, token);
    const customer = (
      await run('mutation { createCustomer(input: {name: "Pool Co"}) { customer { id } userErrors { code } } }')
    ).customer.id;
    const writes = Array.from({ length: 12 }, (_, i) => [
      run(
        `mutation { createProduct(input: {sku: "P-${i}", name: "P ${i}", listPrice: {amount: "1", currency: "CNY"}}) { product { id } userErrors { code } } }`,
      ),
      run(
        `mutation($c: ID!) { createInvoice(input: {customerId: $c, lines: [{description: "x", quantity: "1", unitPrice: {amount: "1", currency: "CNY"}}]}) { invoice { id } userErrors { code } } }`,
        { c: customer },
      ),
      run(
        `mutation($c: ID!) { createOpportunity(input: {title: "Deal ${i}", customerId: $c}) { opportunity { id } userErrors { code } } }`,
        { c: customer },
      ),
    ]).flat();
    const done = await Promise.all(writes);
    expect(done).toHaveLength(36);
    expect((await run('{ products(first: 50) { totalCount } }')).totalCount).toBe(12);
  });
});
