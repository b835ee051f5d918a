import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../lib/ids.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/**
 * convertLead runs in three steps (reserve the customer id, create the customer, open the
 * opportunity). These tests leave the state a crash between the steps would leave, then retry.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const CONVERT =
  'mutation($id: ID!) { convertLead(input: {leadId: $id, opportunity: {title: "Deal"}}) { lead { status customer { id } } customer { id name } userErrors { code } } }';

async function lead(token: string) {
  return (await stack.query(token, 'mutation { createLead(input: {name: "Wu", company: "Wu Tea"}) { lead { id } } }'))
    .data.createLead.lead.id as string;
}

describe('a conversion retried after a crash', () => {
  it('after step 1 (id reserved, no customer yet) creates the customer under the reserved id', async () => {
    const tenant = newTenant();
    const token = await stack.token(tenant);
    const id = await lead(token);
    const reserved = uuidv7();
    await stack.database
      .sql`update sales.leads set pending_customer_id = ${reserved} where tenant_id = ${tenant} and id = ${id}`;
    const res = await stack.query(token, CONVERT, { id });
    expect(res.data.convertLead).toEqual({
      lead: { status: 'CONVERTED', customer: { id: reserved } },
      customer: { id: reserved, name: 'Wu Tea' },
      userErrors: [],
    });
  });

  it('after step 2 (customer made, lead not converted) reuses that customer instead of making a second', async () => {
    const tenant = newTenant();
    const token = await stack.token(tenant);
    const id = await lead(token);
    const reserved = uuidv7();
    await stack.database
      .sql`update sales.leads set pending_customer_id = ${reserved} where tenant_id = ${tenant} and id = ${id}`;
    await stack.query(
      token,
      'mutation($id: ID!) { createCustomer(input: {id: $id, name: "Wu Tea"}) { customer { id } } }',
      { id: reserved },
    );
    const res = await stack.query(token, CONVERT, { id });
    expect(res.data.convertLead.lead).toEqual({ status: 'CONVERTED', customer: { id: reserved } });
    expect((await stack.query(token, '{ customers { totalCount } opportunities { totalCount } }')).data).toEqual({
      customers: { totalCount: 1 },
      opportunities: { totalCount: 1 },
    });
    const [row] = await stack.database
      .sql`select pending_customer_id from sales.leads where tenant_id = ${tenant} and id = ${id}`;
    expect(row.pending_customer_id).toBeNull();
  });

  it('two conversions of one lead at the same moment convert it once', async () => {
    const token = await stack.token(newTenant());
    const id = await lead(token);
    const results = await Promise.all([stack.query(token, CONVERT, { id }), stack.query(token, CONVERT, { id })]);
    const codes = results.map((r) => r.data.convertLead.userErrors.map((e: any) => e.code).join() || 'OK').sort();
    expect(codes).toEqual(['LEAD_CONVERTED', 'OK']);
    expect((await stack.query(token, '{ customers { totalCount } opportunities { totalCount } }')).data).toEqual({
      customers: { totalCount: 1 },
      opportunities: { totalCount: 1 },
    });
  });
});
