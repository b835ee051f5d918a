import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/** Tenant B, holding every scope, tries each id-taking field of the sales graph on tenant A's data. */
let stack: Stack;
let a: string;
let b: string;
const ids: Record<string, string> = {};
const ERRORS = 'userErrors { code field }';

async function ok(token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await stack.query(token, query, variables);
  expect(res.errors).toBeUndefined();
  return Object.values(res.data)[0] as any;
}

beforeAll(async () => {
  stack = await startStack();
  a = await stack.token(newTenant('a'));
  b = await stack.token(newTenant('b'));
  ids.customer = (
    await ok(a, 'mutation { createCustomer(input: {name: "Alpha Buyer"}) { customer { id } } }')
  ).customer.id;
  ids.campaign = (
    await ok(a, 'mutation { createCampaign(input: {name: "Alpha campaign"}) { campaign { id } } }')
  ).campaign.id;
  ids.lead = (
    await ok(
      a,
      'mutation($c: ID!) { createLead(input: {name: "Alpha Lead", company: "Alpha", campaignId: $c}) { lead { id } } }',
      { c: ids.campaign },
    )
  ).lead.id;
  ids.openLead = (await ok(a, 'mutation { createLead(input: {name: "Alpha Open Lead"}) { lead { id } } }')).lead.id;
  ids.opportunity = (
    await ok(
      a,
      'mutation($c: ID!) { createOpportunity(input: {title: "Alpha Deal", customerId: $c}) { opportunity { id } } }',
      { c: ids.customer },
    )
  ).opportunity.id;
  const withLine = await ok(
    a,
    'mutation($o: ID!) { addOpportunityLine(input: {opportunityId: $o, line: {quantity: "1", unitPrice: {amount: "10", currency: "CNY"}}}) { opportunity { lines { id } } } }',
    { o: ids.opportunity },
  );
  ids.line = withLine.opportunity.lines[0].id;
  const quote = await ok(
    a,
    'mutation($o: ID!) { createQuote(input: {opportunityId: $o, validUntil: "2099-01-01"}) { quote { id lines { id } } } }',
    { o: ids.opportunity },
  );
  ids.quote = quote.quote.id;
  ids.quoteLine = quote.quote.lines[0].id;
  ids.stage = (await ok(a, '{ pipelineStages { id } }'))[1].id;
});
afterAll(() => stack?.close());

describe('sales tenant isolation', () => {
  it('B reads nothing of A by id, list or filter', async () => {
    const res = await stack.query(
      b,
      `query($lead: ID!, $opp: ID!, $quote: ID!, $customer: ID!, $campaign: ID!, $stage: ID!) {
        lead(id: $lead) { id } opportunity(id: $opp) { id } quote(id: $quote) { id }
        leads { totalCount } search: leads(filter: {search: "alpha"}) { totalCount } byCampaign: leads(filter: {campaignId: $campaign}) { totalCount }
        opportunities { totalCount } byCustomer: opportunities(filter: {customerId: $customer}) { totalCount } byStage: opportunities(filter: {stageId: $stage}) { totalCount }
        campaigns { id } followUpsDue(before: "2100-01-01T00:00:00Z") { dueAt } }`,
      {
        lead: ids.lead,
        opp: ids.opportunity,
        quote: ids.quote,
        customer: ids.customer,
        campaign: ids.campaign,
        stage: ids.stage,
      },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      lead: null,
      opportunity: null,
      quote: null,
      leads: { totalCount: 0 },
      search: { totalCount: 0 },
      byCampaign: { totalCount: 0 },
      opportunities: { totalCount: 0 },
      byCustomer: { totalCount: 0 },
      byStage: { totalCount: 0 },
      campaigns: [],
      followUpsDue: [],
    });
    const stages = await ok(b, '{ pipelineStages { id } }');
    expect(stages.map((s: any) => s.id)).not.toContain(ids.stage);
  });

  it('B changes nothing of A: every attempt reads as NOT_FOUND', async () => {
    const attempts: [string, Record<string, unknown>][] = [
      [`mutation($id: ID!) { updateLead(input: {id: $id, name: "x"}) { ${ERRORS} } }`, { id: ids.openLead }],
      [`mutation($id: ID!) { assignLead(input: {leadId: $id, ownerId: "mole"}) { ${ERRORS} } }`, { id: ids.openLead }],
      [`mutation($id: ID!) { qualifyLead(input: {id: $id}) { ${ERRORS} } }`, { id: ids.openLead }],
      [`mutation($id: ID!) { disqualifyLead(input: {id: $id, reason: "x"}) { ${ERRORS} } }`, { id: ids.openLead }],
      [
        `mutation($id: ID!) { convertLead(input: {leadId: $id, opportunity: {title: "x"}}) { ${ERRORS} } }`,
        { id: ids.openLead },
      ],
      [`mutation($id: ID!) { createLead(input: {name: "x", campaignId: $id}) { ${ERRORS} } }`, { id: ids.campaign }],
      [
        `mutation($id: ID!) { createOpportunity(input: {title: "x", customerId: $id}) { ${ERRORS} } }`,
        { id: ids.customer },
      ],
      [`mutation($id: ID!) { updateOpportunity(input: {id: $id, title: "x"}) { ${ERRORS} } }`, { id: ids.opportunity }],
      [
        `mutation($id: ID!) { addOpportunityLine(input: {opportunityId: $id, line: {quantity: "1", unitPrice: {amount: "1", currency: "CNY"}}}) { ${ERRORS} } }`,
        { id: ids.opportunity },
      ],
      [`mutation($id: ID!) { updateOpportunityLine(input: {id: $id, quantity: "9"}) { ${ERRORS} } }`, { id: ids.line }],
      [`mutation($id: ID!) { removeOpportunityLine(input: {id: $id}) { ${ERRORS} } }`, { id: ids.line }],
      [
        `mutation($id: ID!, $s: ID!) { moveOpportunityStage(input: {id: $id, stageId: $s}) { ${ERRORS} } }`,
        { id: ids.opportunity, s: ids.stage },
      ],
      [`mutation($id: ID!) { markOpportunityWon(input: {id: $id}) { ${ERRORS} } }`, { id: ids.opportunity }],
      [
        `mutation($id: ID!) { markOpportunityLost(input: {id: $id, reason: "x"}) { ${ERRORS} } }`,
        { id: ids.opportunity },
      ],
      [
        `mutation($id: ID!) { createQuote(input: {opportunityId: $id, validUntil: "2099-01-01"}) { ${ERRORS} } }`,
        { id: ids.opportunity },
      ],
      [`mutation($id: ID!) { updateQuoteLine(input: {id: $id, quantity: "9"}) { ${ERRORS} } }`, { id: ids.quoteLine }],
      [`mutation($id: ID!) { sendQuote(input: {id: $id}) { ${ERRORS} } }`, { id: ids.quote }],
      [`mutation($id: ID!) { acceptQuote(input: {id: $id}) { ${ERRORS} } }`, { id: ids.quote }],
      [`mutation($id: ID!) { rejectQuote(input: {id: $id}) { ${ERRORS} } }`, { id: ids.quote }],
      [`mutation($id: ID!) { updatePipelineStage(input: {id: $id, name: "x"}) { ${ERRORS} } }`, { id: ids.stage }],
      [`mutation($id: ID!) { deletePipelineStage(input: {id: $id}) { ${ERRORS} } }`, { id: ids.stage }],
    ];
    for (const [query, variables] of attempts) {
      const payload = await ok(b, query, variables);
      expect(
        payload.userErrors.map((e: any) => e.code),
        query,
      ).toEqual(['NOT_FOUND']);
    }
    // B's own lead cannot be converted onto A's customer either.
    const own = (await ok(b, 'mutation { createLead(input: {name: "Bravo Lead"}) { lead { id } } }')).lead.id;
    const cross = await ok(
      b,
      `mutation($l: ID!, $c: ID!) { convertLead(input: {leadId: $l, customerId: $c, opportunity: {title: "x"}}) { ${ERRORS} } }`,
      { l: own, c: ids.customer },
    );
    expect(cross.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customerId'] }]);
  });

  it('A’s data is unchanged', async () => {
    const res = await stack.query(
      a,
      'query($l: ID!, $o: ID!, $q: ID!) { lead(id: $l) { name status ownerId } opportunity(id: $o) { title status amount { amount } lines { quantity } } quote(id: $q) { status } }',
      { l: ids.openLead, o: ids.opportunity, q: ids.quote },
    );
    expect(res.data).toEqual({
      lead: { name: 'Alpha Open Lead', status: 'NEW', ownerId: null },
      opportunity: { title: 'Alpha Deal', status: 'OPEN', amount: { amount: '10.00' }, lines: [{ quantity: '1' }] },
      quote: { status: 'DRAFT' },
    });
  });
});
