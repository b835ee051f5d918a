import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/** The sales path end to end through the gateway: lead -> conversion -> opportunity -> quote -> won. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const ERRORS = 'userErrors { code field message }';

describe('lead to won', () => {
  it('carries a lead all the way to a won opportunity, every number checked', async () => {
    const token = await stack.token(newTenant(), undefined, { userId: 'rep-zhou' });
    const run = async (query: string, variables: Record<string, unknown> = {}) => {
      const res = await stack.query(token, query, variables);
      expect(res.errors).toBeUndefined();
      const payload = Object.values(res.data)[0] as any;
      if (payload && 'userErrors' in payload) expect(payload.userErrors).toEqual([]);
      return payload;
    };

    const campaign = (
      await run(
        `mutation { createCampaign(input: {name: "Spring fair", channel: "TRADE_SHOW", spend: {amount: "12000.00", currency: "CNY"}}) { campaign { id spend { amount currency } } ${ERRORS} } }`,
      )
    ).campaign;
    expect(campaign.spend).toEqual({ amount: '12000.00', currency: 'CNY' });

    const { lead } = await run(
      `mutation($c: ID!) { createLead(input: {name: "Wang Fang", company: "Fang Ceramics", email: "wang@fang.cn", phone: "+86 591 8888 1234", source: CAMPAIGN, campaignId: $c}) { lead { id status source campaign { name } } ${ERRORS} } }`,
      { c: campaign.id },
    );
    expect(lead).toMatchObject({ status: 'NEW', source: 'CAMPAIGN', campaign: { name: 'Spring fair' } });
    await run(
      `mutation($id: ID!) { assignLead(input: {leadId: $id, roundRobin: ["rep-zhou", "rep-qian"]}) { lead { ownerId } ${ERRORS} } }`,
      { id: lead.id },
    );
    expect(
      (await run(`mutation($id: ID!) { qualifyLead(input: {id: $id}) { lead { status } ${ERRORS} } }`, { id: lead.id }))
        .lead.status,
    ).toBe('QUALIFIED');

    const converted = await run(
      `mutation($id: ID!) { convertLead(input: {leadId: $id, opportunity: {title: "Kiln order", amount: {amount: "8000.00", currency: "CNY"}, expectedCloseDate: "2099-06-30"}}) {
        lead { status convertedAt customer { id } opportunity { id } }
        customer { id name kind email phone ownerId }
        opportunity { id title ownerId status amount { amount currency } weightedAmount { amount } stage { name probability } source { id } customer { name } }
        ${ERRORS} } }`,
      { id: lead.id },
    );
    expect(converted.lead.status).toBe('CONVERTED');
    expect(converted.customer).toMatchObject({
      name: 'Fang Ceramics',
      kind: 'COMPANY',
      email: 'wang@fang.cn',
      phone: '+86 591 8888 1234',
      ownerId: 'rep-zhou',
    });
    expect(converted.opportunity).toMatchObject({
      title: 'Kiln order',
      ownerId: 'rep-zhou',
      status: 'OPEN',
      amount: { amount: '8000.00', currency: 'CNY' },
      weightedAmount: { amount: '800.00' },
      stage: { name: 'Qualification', probability: 10 },
      source: { id: lead.id },
      customer: { name: 'Fang Ceramics' },
    });
    const opportunityId = converted.opportunity.id;
    expect(converted.lead.customer.id).toBe(converted.customer.id);

    // Lines replace the hand-entered amount: 3 x 19.99 at 12.5% = 52.47375 -> 52.47; 10 x 250.00 = 2500.00
    await run(
      `mutation($id: ID!) { addOpportunityLine(input: {opportunityId: $id, line: {description: "Glaze kit", quantity: "3", unitPrice: {amount: "19.99", currency: "CNY"}, discountPercent: "12.5"}}) { opportunity { id } ${ERRORS} } }`,
      { id: opportunityId },
    );
    const withLines = await run(
      `mutation($id: ID!) { addOpportunityLine(input: {opportunityId: $id, line: {description: "Kiln shelf", quantity: "10", unitPrice: {amount: "250", currency: "CNY"}}}) {
        opportunity { amount { amount } lines { description quantity unitPrice { amount } discountPercent amount { amount } } } ${ERRORS} } }`,
      { id: opportunityId },
    );
    expect(withLines.opportunity.amount.amount).toBe('2552.47');
    expect(withLines.opportunity.lines).toEqual([
      {
        description: 'Glaze kit',
        quantity: '3',
        unitPrice: { amount: '19.99' },
        discountPercent: '12.5',
        amount: { amount: '52.47' },
      },
      {
        description: 'Kiln shelf',
        quantity: '10',
        unitPrice: { amount: '250.00' },
        discountPercent: '0',
        amount: { amount: '2500.00' },
      },
    ]);

    const stages = (await stack.query(token, '{ pipelineStages { id name } }')).data.pipelineStages as {
      id: string;
      name: string;
    }[];
    const proposal = stages.find((s) => s.name === 'Proposal')!.id;
    const moved = await run(
      `mutation($id: ID!, $s: ID!) { moveOpportunityStage(input: {id: $id, stageId: $s}) { opportunity { stage { name } weightedAmount { amount } } ${ERRORS} } }`,
      {
        id: opportunityId,
        s: proposal,
      },
    );
    expect(moved.opportunity).toEqual({ stage: { name: 'Proposal' }, weightedAmount: { amount: '1276.24' } }); // 2552.47 x 50% = 1276.235 -> 1276.24

    const { quote } = await run(
      `mutation($id: ID!) { createQuote(input: {opportunityId: $id, validUntil: "2099-01-31"}) { quote { id number status lines { id description } subtotal { amount } discountTotal { amount } total { amount } } ${ERRORS} } }`,
      { id: opportunityId },
    );
    expect(quote).toMatchObject({
      number: 'Q-000001',
      status: 'DRAFT',
      subtotal: { amount: '2559.97' },
      discountTotal: { amount: '7.50' },
      total: { amount: '2552.47' },
    });
    // A 5% concession on the shelves while the quote is a draft: 2500 x 0.95 = 2375.00
    const shelf = quote.lines.find((l: any) => l.description === 'Kiln shelf').id;
    const revised = await run(
      `mutation($id: ID!) { updateQuoteLine(input: {id: $id, discountPercent: "5"}) { quote { total { amount } discountTotal { amount } } ${ERRORS} } }`,
      { id: shelf },
    );
    expect(revised.quote).toEqual({ total: { amount: '2427.47' }, discountTotal: { amount: '132.50' } });
    expect(
      (
        await run(`mutation($id: ID!) { sendQuote(input: {id: $id}) { quote { status sentAt } ${ERRORS} } }`, {
          id: quote.id,
        })
      ).quote.status,
    ).toBe('SENT');
    const accepted = await run(
      `mutation($id: ID!) { acceptQuote(input: {id: $id}) { quote { status opportunity { amount { amount } weightedAmount { amount } } } ${ERRORS} } }`,
      { id: quote.id },
    );
    expect(accepted.quote).toEqual({
      status: 'ACCEPTED',
      opportunity: { amount: { amount: '2427.47' }, weightedAmount: { amount: '1213.74' } },
    }); // x 50% = 1213.735

    const won = await run(
      `mutation($id: ID!) { markOpportunityWon(input: {id: $id}) { opportunity { status closedAt stage { name } weightedAmount { amount } stageHistory { stage { name } leftAt } } ${ERRORS} } }`,
      {
        id: opportunityId,
      },
    );
    expect(won.opportunity.status).toBe('WON');
    expect(won.opportunity.closedAt).not.toBeNull();
    expect(won.opportunity.weightedAmount.amount).toBe('2427.47');
    expect(won.opportunity.stageHistory.map((v: any) => [v.stage.name, v.leftAt === null])).toEqual([
      ['Qualification', false],
      ['Proposal', false],
      ['Won', true],
    ]);

    // The customer page now shows the won deal and an empty open pipeline.
    const page = await stack.query(
      token,
      'query($id: ID!) { customer(id: $id) { name opportunities { totalCount nodes { title status } } won: opportunities(status: WON) { totalCount } pipeline { openCount openAmount { amount } weightedAmount { amount } } } }',
      { id: converted.customer.id },
    );
    expect(page.data.customer).toEqual({
      name: 'Fang Ceramics',
      opportunities: { totalCount: 1, nodes: [{ title: 'Kiln order', status: 'WON' }] },
      won: { totalCount: 1 },
      pipeline: { openCount: 0, openAmount: { amount: '0.00' }, weightedAmount: { amount: '0.00' } },
    });
  });
});
