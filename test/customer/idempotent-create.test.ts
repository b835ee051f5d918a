import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../lib/ids.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const CREATE =
  'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id name } userErrors { code field } } }';

describe('createCustomer with a caller-chosen id', () => {
  it('makes one customer however often it is repeated, even at the same moment', async () => {
    const token = await stack.token(newTenant());
    const id = uuidv7();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => stack.query(token, CREATE, { input: { id, name: 'Once Only' } })),
    );
    expect(results.map((r) => r.data.createCustomer)).toEqual(
      Array(5).fill({ customer: { id, name: 'Once Only' }, userErrors: [] }),
    );
    // A repeat with other details returns the customer as first made, unchanged.
    const again = await stack.query(token, CREATE, { input: { id, name: 'Renamed?' } });
    expect(again.data.createCustomer.customer).toEqual({ id, name: 'Once Only' });
    expect((await stack.query(token, '{ customers { totalCount } }')).data.customers.totalCount).toBe(1);
  });

  it('refuses an id that is not a UUID', async () => {
    const token = await stack.token(newTenant());
    const res = await stack.query(token, CREATE, { input: { id: 'abc', name: 'X' } });
    expect(res.data.createCustomer).toEqual({
      customer: null,
      userErrors: [{ code: 'INVALID_ID', field: ['input', 'id'] }],
    });
  });

  it('never returns another tenant’s customer for its id', async () => {
    const a = await stack.token(newTenant('a'));
    const b = await stack.token(newTenant('b'));
    const id = uuidv7();
    await stack.query(a, CREATE, { input: { id, name: 'Alpha Secret' } });
    const res = await stack.query(b, CREATE, { input: { id, name: 'Bravo Own' } });
    expect(res.data.createCustomer.customer).toEqual({ id, name: 'Bravo Own' });
    expect((await stack.query(a, 'query($id: ID!) { customer(id: $id) { name } }', { id })).data.customer).toEqual({
      name: 'Alpha Secret',
    });
  });
});
