import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, startStack, type Stack } from './support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

describe('smoke', () => {
  it('creates and reads a customer through the gateway', async () => {
    const tenant = newTenant();
    const token = await stack.token(tenant);
    const created = await stack.query(token, `mutation { createCustomer(input: {name: "Acme", email: "a@acme.com"}) { customer { id name email } userErrors { code field message } } }`);
    console.log(JSON.stringify(created));
    const list = await stack.query(token, `{ tenant { id baseCurrency } customers { totalCount nodes { name contacts { name } satisfaction { averageScore count } } } }`);
    console.log(JSON.stringify(list));
    expect(list.data.customers.totalCount).toBe(1);
  });
});
