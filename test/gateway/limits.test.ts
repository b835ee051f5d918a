import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayUtc } from '../../lib/dates.js';
import { CUSTOMER_360 } from '../support/customer-360.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/** Operation limits at the gateway: each refusal is a 400 (413 for the body) with its own code, never a 500. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

describe('operation limits', () => {
  it('refuses an operation nested deeper than 15 levels with QUERY_TOO_DEEP (the planner answered 500)', async () => {
    const token = await stack.token(newTenant());
    const deep = await stack.query(
      token,
      '{ customers { nodes { opportunities { nodes { customer { opportunities { nodes { customer { opportunities { nodes { customer { opportunities { nodes { customer { opportunities { nodes { id } } } } } } } } } } } } } } } } }',
    );
    expect(deep.status).toBe(400);
    expect(deep.errors?.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_DEEP']);
    expect(deep.errors?.[0].message).toBe('The operation is nested 17 levels deep; at most 15 are allowed');
    const fifteen = await stack.query(
      token,
      '{ customers { nodes { opportunities { nodes { customer { opportunities { nodes { customer { opportunities { nodes { customer { opportunities { nodes { customer { id } } } } } } } } } } } } } } }',
    );
    expect(fifteen.status).toBe(200);
    expect(fifteen.errors).toBeUndefined();
  });

  it('allows 30 aliases and refuses 31 with TOO_MANY_ALIASES, before any subgraph is called', async () => {
    const token = await stack.token(newTenant());
    const aliases = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `a${i}: customers(first: 1) { totalCount }`).join(' ')} }`;
    expect((await stack.query(token, aliases(30))).errors).toBeUndefined();
    const refused = await stack.query(token, aliases(31));
    expect(refused.status).toBe(400);
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ['TOO_MANY_ALIASES', 'The operation uses 31 aliases; at most 30 are allowed'],
    ]);
  });

  it('refuses more than 5000 tokens with TOO_MANY_TOKENS, and a body over 1 MB with 413', async () => {
    const token = await stack.token(newTenant());
    const many = await stack.query(token, `{ customers { totalCount ${'__typename '.repeat(5000)} } }`);
    expect(many.status).toBe(400);
    expect(many.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ['TOO_MANY_TOKENS', 'The operation has more than 5000 tokens'],
    ]);
    const huge = await stack.post(
      { query: '{ tenant { id } }', variables: { pad: 'x'.repeat(2 * 1024 * 1024) } },
      { authorization: `Bearer ${token}` },
    );
    expect(huge.status).toBe(413);
    expect(huge.errors?.[0].extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('lets the README customer 360 through', async () => {
    const token = await stack.token(newTenant());
    const res = await stack.query(token, CUSTOMER_360, {
      id: '00000000-0000-7000-8000-000000000000',
      asOf: todayUtc(),
    });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ customer: null });
  });
});
