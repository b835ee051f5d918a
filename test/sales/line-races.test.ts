import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strictClient } from '../support/fulfilment.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/** A line changed by someone else while an edit waits for the opportunity's lock. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

describe('editing an opportunity line that disappears meanwhile', () => {
  it('answers NOT_FOUND instead of reporting a change that was never made', async () => {
    const token = await stack.token(newTenant('line'));
    const run = strictClient(stack, token);
    const customer = (await run('mutation { createCustomer(input: {name: "Race Co"}) { customer { id } userErrors { code } } }')).customer.id;
    const { opportunity } = await run(
      `mutation($c: ID!) { createOpportunity(input: {title: "Deal", customerId: $c}) { opportunity { id } userErrors { code } } }`,
      { c: customer },
    );
    const added = await run(
      `mutation($id: ID!) { addOpportunityLine(input: {opportunityId: $id, line: {description: "Kiln", quantity: "1", unitPrice: {amount: "100", currency: "CNY"}}}) { opportunity { lines { id } } userErrors { code } } }`,
      { id: opportunity.id },
    );
    const lineId = added.opportunity.lines[0].id;

    // Another writer holds the opportunity, removes the line, and commits while the edit waits.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: (xid: string) => void;
    const isLocked = new Promise<string>((resolve) => (locked = resolve));
    const writer = stack.database.sql.begin(async (tx) => {
      await tx`select id from sales.opportunities where id = ${opportunity.id} for update`;
      const [{ xid }] = await tx`select txid_current()::text as xid`;
      locked(xid);
      await held;
      await tx`delete from sales.opportunity_lines where id = ${lineId}`;
    });
    const xid = await isLocked;
    const edit = stack.query(token, `mutation($id: ID!) { updateOpportunityLine(input: {id: $id, quantity: "5"}) { opportunity { id } userErrors { code field } } }`, { id: lineId });
    // The edit found the line and now waits for the writer's transaction.
    const waiting = async () => (await stack.database.sql`select count(*)::int as n from pg_locks where not granted and locktype = 'transactionid' and transactionid::text = ${xid}`)[0].n;
    await expect.poll(waiting, { timeout: 10_000 }).toBeGreaterThan(0);
    release();
    await writer;
    const res = await edit;
    expect(res.data.updateOpportunityLine).toEqual({ opportunity: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'id'] }] });
  });
});
