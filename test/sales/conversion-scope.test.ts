import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

describe('what a sales-only token may do', () => {
  it('may not create a customer through a lead conversion, but may link an existing one', async () => {
    const tenant = newTenant();
    const salesOnly = await stack.token(tenant, ['sales:read', 'sales:write']);
    const admin = await stack.token(tenant);
    const lead = (
      await stack.query(salesOnly, 'mutation { createLead(input: {name: "Zhao", company: "Zhao Co"}) { lead { id } } }')
    ).data.createLead.lead.id;
    const refused = await stack.query(
      salesOnly,
      'mutation($id: ID!) { convertLead(input: {leadId: $id, opportunity: {title: "Deal"}}) { lead { status } userErrors { code } } }',
      { id: lead },
    );
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await stack.query(admin, '{ customers { totalCount } }')).data.customers.totalCount).toBe(0);
    const customer = (
      await stack.query(admin, 'mutation { createCustomer(input: {name: "Zhao Co"}) { customer { id } } }')
    ).data.createCustomer.customer.id;
    const linked = await stack.query(
      salesOnly,
      'mutation($id: ID!, $c: ID!) { convertLead(input: {leadId: $id, customerId: $c, opportunity: {title: "Deal"}}) { lead { status } userErrors { code } } }',
      { id: lead, c: customer },
    );
    expect(linked.data.convertLead).toEqual({ lead: { status: 'CONVERTED' }, userErrors: [] });
  });

  it('gets NOT_FOUND for a malformed product id on an opportunity line', async () => {
    const token = await stack.token(newTenant());
    const customer = (await stack.query(token, 'mutation { createCustomer(input: {name: "C"}) { customer { id } } }'))
      .data.createCustomer.customer.id;
    const opportunity = (
      await stack.query(
        token,
        'mutation($c: ID!) { createOpportunity(input: {title: "O", customerId: $c}) { opportunity { id } } }',
        { c: customer },
      )
    ).data.createOpportunity.opportunity.id;
    const res = await stack.query(
      token,
      'mutation($o: ID!) { addOpportunityLine(input: {opportunityId: $o, line: {productId: "abc", quantity: "1", unitPrice: {amount: "1", currency: "CNY"}}}) { userErrors { code field } } }',
      { o: opportunity },
    );
    expect(res.data.addOpportunityLine.userErrors).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'line', 'productId'] },
    ]);
  });

  it('refuses dates outside 1900-2999 with BAD_USER_INPUT', async () => {
    const token = await stack.token(newTenant());
    for (const day of ['0000-01-01', '9999-12-31', '2026-02-30']) {
      const res = await stack.query(token, 'query($d: Date) { trialBalance(asOf: $d) { asOf } }', { d: day });
      expect(res.errors?.[0].extensions?.code, day).toBe('BAD_USER_INPUT');
    }
  });
});
