import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strictClient } from '../support/fulfilment.js';
import { blockedBehind } from '../support/locks.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/** Writes racing on one opportunity or stage, made deterministic with real locks. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

describe('editing an opportunity line that disappears meanwhile', () => {
  it('answers NOT_FOUND instead of reporting a change that was never made', async () => {
    const token = await stack.token(newTenant('line'));
    const run = strictClient(stack, token);
    const customer = (
      await run('mutation { createCustomer(input: {name: "Race Co"}) { customer { id } userErrors { code } } }')
    ).customer.id;
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
    const res = await blockedBehind(
      stack.database,
      (tx) => tx`select id from sales.opportunities where id = ${opportunity.id} for update`,
      () =>
        stack.query(
          token,
          `mutation($id: ID!) { updateOpportunityLine(input: {id: $id, quantity: "5"}) { opportunity { id } userErrors { code field } } }`,
          { id: lineId },
        ),
      (tx) => tx`delete from sales.opportunity_lines where id = ${lineId}`,
    );
    expect(res.data.updateOpportunityLine).toEqual({
      opportunity: null,
      userErrors: [{ code: 'NOT_FOUND', field: ['input', 'id'] }],
    });
  });

  it('puts no opportunity into a stage deleted while it was being created or moved', async () => {
    const token = await stack.token(newTenant('stage'));
    const run = strictClient(stack, token);
    const customer = (
      await run('mutation { createCustomer(input: {name: "Stage Co"}) { customer { id } userErrors { code } } }')
    ).customer.id;
    const stages = (await run('{ pipelineStages { id name kind } }')) as { id: string; kind: string }[];
    const [first, doomed] = stages.filter((st) => st.kind === 'OPEN');
    // The stage is deleted (as deletePipelineStage does, under its lock) while a create waits on it.
    const created = await blockedBehind(
      stack.database,
      (tx) => tx`select id from sales.pipeline_stages where id = ${doomed.id} for update`,
      () =>
        stack.query(
          token,
          `mutation($c: ID!, $s: ID!) { createOpportunity(input: {title: "Late", customerId: $c, stageId: $s}) { opportunity { id } userErrors { code field } } }`,
          { c: customer, s: doomed.id },
        ),
      (tx) => tx`update sales.pipeline_stages set deleted_at = now() where id = ${doomed.id}`,
    );
    expect(created.data.createOpportunity).toEqual({
      opportunity: null,
      userErrors: [{ code: 'NOT_FOUND', field: ['input', 'stageId'] }],
    });
    await stack.database.sql`update sales.pipeline_stages set deleted_at = null where id = ${doomed.id}`;

    // An opportunity enters the stage (as a create or move does, holding it) while the delete waits: the delete sees it.
    const { opportunity } = await run(
      `mutation($c: ID!, $s: ID!) { createOpportunity(input: {title: "Early", customerId: $c, stageId: $s}) { opportunity { id } userErrors { code } } }`,
      { c: customer, s: first.id },
    );
    const deleted = await blockedBehind(
      stack.database,
      (tx) => tx`select id from sales.pipeline_stages where id = ${doomed.id} for share`,
      () =>
        stack.query(
          token,
          `mutation($s: ID!) { deletePipelineStage(input: {id: $s}) { stages { id } userErrors { code field } } }`,
          { s: doomed.id },
        ),
      (tx) => tx`update sales.opportunities set stage_id = ${doomed.id} where id = ${opportunity.id}`,
    );
    expect(deleted.data.deletePipelineStage.userErrors).toEqual([
      { code: 'STAGE_NOT_EMPTY', field: ['input', 'moveOpportunitiesTo'] },
    ]);
  });
});
