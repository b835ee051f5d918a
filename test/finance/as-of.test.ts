import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strictClient } from '../support/fulfilment.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/** "Overdue on a day" is judged by the balance on that day: a later payment doesn't rewrite the past. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

describe('overdue as of a day', () => {
  it('counts an invoice paid later as overdue before the payment, and not after', async () => {
    const token = await stack.token(newTenant());
    const run = strictClient(stack, token);
    const customer = (
      await run('mutation { createCustomer(input: {name: "Late Payer"}) { customer { id } userErrors { code } } }')
    ).customer.id;
    const draft = (
      await run(
        'mutation($c: ID!) { createInvoice(input: {customerId: $c, lines: [{description: "Tea", quantity: "1", unitPrice: {amount: "100", currency: "CNY"}}]}) { invoice { id } userErrors { code } } }',
        { c: customer },
      )
    ).invoice.id;
    // Issued 2025-01-01, due 2025-01-31 (30 days), paid in full on 2025-03-10.
    await run(
      'mutation($id: ID!) { issueInvoice(input: {id: $id, issueDate: "2025-01-01"}) { invoice { dueDate } userErrors { code } } }',
      { id: draft },
    );
    await run(
      'mutation($c: ID!) { recordPayment(input: {customerId: $c, amount: {amount: "113.00", currency: "CNY"}, receivedOn: "2025-03-10", method: BANK_TRANSFER}) { payment { id } userErrors { code } } }',
      { c: customer },
    );
    const read = async (asOf: string) =>
      (
        await stack.query(
          token,
          `query($id: ID!, $d: Date!) { invoice(id: $id) { status isOverdue(asOf: $d) daysOverdue(asOf: $d) } invoices(filter: {overdueAsOf: $d}) { totalCount } }`,
          { id: draft, d: asOf },
        )
      ).data;
    expect(await read('2025-03-01')).toEqual({
      invoice: { status: 'PAID', isOverdue: true, daysOverdue: 29 },
      invoices: { totalCount: 1 },
    });
    expect(await read('2025-03-15')).toEqual({
      invoice: { status: 'PAID', isOverdue: false, daysOverdue: 0 },
      invoices: { totalCount: 0 },
    });
    expect(await read('2024-12-31')).toEqual({
      invoice: { status: 'PAID', isOverdue: false, daysOverdue: 0 },
      invoices: { totalCount: 0 },
    });
  });

  it('refuses to issue an invoice in the future', async () => {
    const token = await stack.token(newTenant());
    const run = strictClient(stack, token);
    const customer = (
      await run('mutation { createCustomer(input: {name: "Early"}) { customer { id } userErrors { code } } }')
    ).customer.id;
    const draft = (
      await run(
        'mutation($c: ID!) { createInvoice(input: {customerId: $c, lines: [{description: "Tea", quantity: "1", unitPrice: {amount: "1", currency: "CNY"}}]}) { invoice { id } userErrors { code } } }',
        { c: customer },
      )
    ).invoice.id;
    const res = await stack.query(
      token,
      'mutation($id: ID!) { issueInvoice(input: {id: $id, issueDate: "2099-01-01"}) { invoice { status } userErrors { code field } } }',
      { id: draft },
    );
    expect(res.data.issueInvoice).toEqual({
      invoice: null,
      userErrors: [{ code: 'INVALID_DATE', field: ['input', 'issueDate'] }],
    });
  });
});
