import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

// ---- helpers

type Input = Record<string, unknown>;

const FUTURE = '2099-12-31';
const PAST = '2020-01-01';
const UNKNOWN_ID = '018f0000-0000-7000-8000-000000000000';
const todayUtc = () => new Date().toISOString().slice(0, 10);

const cny = (amount: string) => ({ amount, currency: 'CNY' });
/** An opportunity or quote line input. */
const line = (quantity: string, unitPrice: string, discountPercent?: string, description?: string) => ({
  quantity,
  unitPrice: cny(unitPrice),
  ...(discountPercent === undefined ? {} : { discountPercent }),
  ...(description === undefined ? {} : { description }),
});

const ERRORS = 'userErrors { code field }';
const STAGE = 'id name position probability kind';
const LINE = 'id description quantity unitPrice { amount currency } discountPercent amount { amount currency }';
const OPPORTUNITY = `id title ownerId status lostReason expectedCloseDate closedAt
  stage { id name kind } amount { amount currency } weightedAmount { amount currency }
  lines { ${LINE} } stageHistory { stage { name } enteredAt leftAt }`;
const QUOTE = `id number status validUntil sentAt
  subtotal { amount currency } discountTotal { amount currency } total { amount currency }
  lines { ${LINE} } opportunity { id amount { amount } weightedAmount { amount } lines { ${LINE} } }`;

/** Stages as the tests compare them: without ids. */
const shape = (stages: { name: string; position: number; probability: number; kind: string }[]) =>
  stages.map(({ name, position, probability, kind }) => ({ name, position, probability, kind }));
/** Lines as the tests compare them: without ids. */
const lineValues = (lines: any[]) =>
  lines.map((l) => ({
    quantity: l.quantity,
    unitPrice: l.unitPrice.amount,
    discountPercent: l.discountPercent,
    amount: l.amount.amount,
  }));
const titles = (nodes: { title: string }[]) => nodes.map((n) => n.title);

/** Thrown by the client helpers when a response carries GraphQL errors. */
class GraphQLFailure extends Error {
  constructor(
    readonly codes: (string | undefined)[],
    detail: string,
  ) {
    super(`GraphQL errors: ${detail}`);
  }
}

/** A payload's user errors, or the codes of the GraphQL errors instead: one assertion then shows every case. */
const outcome = (payload: Promise<{ userErrors: unknown[] }>): Promise<unknown> =>
  payload.then(
    (p) => p.userErrors,
    (error: unknown) => {
      if (error instanceof GraphQLFailure) return error.codes;
      throw error;
    },
  );

const DEFAULT_STAGES = [
  { name: 'Qualification', position: 1, probability: 10, kind: 'OPEN' },
  { name: 'Needs analysis', position: 2, probability: 25, kind: 'OPEN' },
  { name: 'Proposal', position: 3, probability: 50, kind: 'OPEN' },
  { name: 'Negotiation', position: 4, probability: 75, kind: 'OPEN' },
  { name: 'Won', position: 5, probability: 100, kind: 'WON' },
  { name: 'Lost', position: 6, probability: 0, kind: 'LOST' },
];

/**
 * A client for a brand-new tenant (user `rep-1`, every scope unless told). Each helper returns the
 * payload of its one root field and throws on any GraphQL error.
 */
async function newClient() {
  const tenant = newTenant('sales');
  const token = await stack.token(tenant, undefined, { userId: 'rep-1' });
  const run = async (query: string, variables: Input = {}) => {
    const res = await stack.query(token, query, variables);
    if (res.errors)
      throw new GraphQLFailure(
        res.errors.map((e) => e.extensions?.code),
        JSON.stringify(res.errors),
      );
    return res.data;
  };
  const mutation =
    (name: string, result: string, inputType = `${name[0].toUpperCase()}${name.slice(1)}Input`) =>
    async (input: Input) =>
      (await run(`mutation($input: ${inputType}!) { ${name}(input: $input) { ${result} ${ERRORS} } }`, { input }))[
        name
      ];

  const client = {
    tenant,
    token,
    run,
    stages: async () => (await run(`{ pipelineStages { ${STAGE} } }`)).pipelineStages,
    stageId: async (name: string): Promise<string> => (await client.stages()).find((s: any) => s.name === name).id,
    createStage: mutation('createPipelineStage', `stage { ${STAGE} }`),
    updateStage: mutation('updatePipelineStage', `stage { ${STAGE} }`),
    reorderStages: mutation('reorderPipelineStages', `stages { ${STAGE} }`),
    deleteStage: mutation('deletePipelineStage', `stages { ${STAGE} }`),

    createCustomer: async (name = 'Tea House') => {
      const payload = await mutation('createCustomer', 'customer { id }')({ name });
      expect(payload.userErrors).toEqual([]);
      return payload.customer.id as string;
    },
    /** The customer's pipeline and one page of its opportunities. */
    customer: async (id: string, args: { status?: string; first?: number; after?: string } = {}) =>
      (
        await run(
          `query($id: ID!, $status: OpportunityStatus, $first: Int, $after: String) { customer(id: $id) {
            pipeline { openCount openAmount { amount currency } weightedAmount { amount currency } }
            opportunities(status: $status, first: $first, after: $after) { totalCount nodes { title status } pageInfo { hasNextPage endCursor } } } }`,
          { id, ...args },
        )
      ).customer,

    createOpportunity: mutation('createOpportunity', `opportunity { ${OPPORTUNITY} }`),
    updateOpportunity: mutation('updateOpportunity', `opportunity { ${OPPORTUNITY} }`),
    addLine: (opportunityId: string, l: Input) =>
      mutation('addOpportunityLine', `opportunity { ${OPPORTUNITY} }`)({ opportunityId, line: l }),
    updateLine: mutation('updateOpportunityLine', `opportunity { ${OPPORTUNITY} }`),
    removeLine: (id: string) => mutation('removeOpportunityLine', `opportunity { ${OPPORTUNITY} }`)({ id }),
    moveStage: mutation('moveOpportunityStage', `opportunity { ${OPPORTUNITY} }`),
    markWon: (id: string) => mutation('markOpportunityWon', `opportunity { ${OPPORTUNITY} }`)({ id }),
    markLost: (id: string, reason: string) =>
      mutation('markOpportunityLost', `opportunity { ${OPPORTUNITY} }`)({ id, reason }),
    opportunity: async (id: string) =>
      (await run(`query($id: ID!) { opportunity(id: $id) { ${OPPORTUNITY} quotes { number status } } }`, { id }))
        .opportunity,
    opportunities: async (args: Input = {}) =>
      (
        await run(
          `query($first: Int, $after: String, $filter: OpportunityFilter, $orderBy: OpportunityOrder) {
            opportunities(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
              totalCount nodes { id title } pageInfo { hasNextPage hasPreviousPage endCursor } } }`,
          args,
        )
      ).opportunities,

    createQuote: mutation('createQuote', `quote { ${QUOTE} }`),
    updateQuoteLine: mutation('updateQuoteLine', `quote { ${QUOTE} }`),
    sendQuote: (id: string) => mutation('sendQuote', `quote { ${QUOTE} }`, 'QuoteActionInput')({ id }),
    acceptQuote: (id: string) => mutation('acceptQuote', `quote { ${QUOTE} }`, 'QuoteActionInput')({ id }),
    rejectQuote: (id: string) => mutation('rejectQuote', `quote { ${QUOTE} }`, 'QuoteActionInput')({ id }),
    quote: async (id: string) => (await run(`query($id: ID!) { quote(id: $id) { ${QUOTE} } }`, { id })).quote,
  };
  return client;
}

type Client = Awaited<ReturnType<typeof newClient>>;

/** Creates an opportunity (for a new customer unless one is given) and checks it went through. */
async function newOpportunity(c: Client, input: Input = {}) {
  const customerId = (input.customerId as string | undefined) ?? (await c.createCustomer());
  const payload = await c.createOpportunity({ title: 'Spring order', ...input, customerId });
  expect(payload.userErrors).toEqual([]);
  return payload.opportunity;
}

/** An opportunity with the two lines the quote tests use: 3 x 19.99 @ 12.5% and 1 x 100.00. */
async function quotableOpportunity(c: Client) {
  const opportunity = await newOpportunity(c, { amount: cny('1000.00') });
  await c.addLine(opportunity.id, line('3', '19.99', '12.5', 'Oolong tins'));
  const { opportunity: withLines, userErrors } = await c.addLine(
    opportunity.id,
    line('1', '100.00', undefined, 'Gift box'),
  );
  expect(userErrors).toEqual([]);
  expect(withLines.amount).toEqual(cny('152.47'));
  return withLines;
}

async function newQuote(c: Client, opportunityId: string, validUntil = FUTURE) {
  const payload = await c.createQuote({ opportunityId, validUntil });
  expect(payload.userErrors).toEqual([]);
  return payload.quote;
}

// ---- stages

describe('pipeline stages', () => {
  it('starts a new tenant with the default stages', async () => {
    const c = await newClient();
    expect(shape(await c.stages())).toEqual(DEFAULT_STAGES);
  });

  it('creates a stage just before Won and Lost by default, or at the given position', async () => {
    const c = await newClient();
    const demo = await c.createStage({ name: 'Demo', probability: 60 });
    expect(demo.userErrors).toEqual([]);
    expect(demo.stage).toMatchObject({ name: 'Demo', position: 5, probability: 60, kind: 'OPEN' });
    const discovery = await c.createStage({ name: '  Discovery  ', probability: 15, position: 2 });
    expect(discovery.userErrors).toEqual([]);
    expect(discovery.stage).toMatchObject({ name: 'Discovery', position: 2, probability: 15, kind: 'OPEN' });
    expect(shape(await c.stages())).toEqual([
      { name: 'Qualification', position: 1, probability: 10, kind: 'OPEN' },
      { name: 'Discovery', position: 2, probability: 15, kind: 'OPEN' },
      { name: 'Needs analysis', position: 3, probability: 25, kind: 'OPEN' },
      { name: 'Proposal', position: 4, probability: 50, kind: 'OPEN' },
      { name: 'Negotiation', position: 5, probability: 75, kind: 'OPEN' },
      { name: 'Demo', position: 6, probability: 60, kind: 'OPEN' },
      { name: 'Won', position: 7, probability: 100, kind: 'WON' },
      { name: 'Lost', position: 8, probability: 0, kind: 'LOST' },
    ]);
  });

  it('refuses a duplicate name (case-insensitive) and a probability outside 0-100', async () => {
    const c = await newClient();
    const cases: [Input, string, string[]][] = [
      [{ name: 'proposal', probability: 50 }, 'TAKEN', ['input', 'name']],
      [{ name: ' WON ', probability: 50 }, 'TAKEN', ['input', 'name']],
      [{ name: 'Too sure', probability: 101 }, 'OUT_OF_RANGE', ['input', 'probability']],
      [{ name: 'Too unsure', probability: -1 }, 'OUT_OF_RANGE', ['input', 'probability']],
      [{ name: 'Nowhere', probability: 20, position: 0 }, 'OUT_OF_RANGE', ['input', 'position']],
      [{ name: 'x'.repeat(61), probability: 20 }, 'TOO_LONG', ['input', 'name']],
      [{ name: '   ', probability: 20 }, 'REQUIRED', ['input', 'name']],
    ];
    for (const [input, code, field] of cases) {
      expect(await c.createStage(input)).toEqual({ stage: null, userErrors: [{ code, field }] });
    }
    expect((await c.createStage({ name: 'Proposal', probability: 101 })).userErrors).toEqual([
      { code: 'TAKEN', field: ['input', 'name'] },
      { code: 'OUT_OF_RANGE', field: ['input', 'probability'] },
    ]);
    expect(shape(await c.stages())).toEqual(DEFAULT_STAGES);
  });

  it('renames a stage and changes its probability; WON stays at 100 and LOST at 0', async () => {
    const c = await newClient();
    const proposalId = await c.stageId('Proposal');
    const renamed = await c.updateStage({ id: proposalId, name: 'Quote sent', probability: 60 });
    expect(renamed).toEqual({
      stage: { id: proposalId, name: 'Quote sent', position: 3, probability: 60, kind: 'OPEN' },
      userErrors: [],
    });
    expect((await c.updateStage({ id: proposalId, name: 'QUOTE SENT' })).stage.name).toBe('QUOTE SENT');
    expect(await c.updateStage({ id: proposalId, name: 'negotiation' })).toEqual({
      stage: null,
      userErrors: [{ code: 'TAKEN', field: ['input', 'name'] }],
    });
    expect((await c.updateStage({ id: proposalId, probability: 101 })).userErrors).toEqual([
      { code: 'OUT_OF_RANGE', field: ['input', 'probability'] },
    ]);

    const wonId = await c.stageId('Won');
    const lostId = await c.stageId('Lost');
    expect(await c.updateStage({ id: wonId, probability: 90 })).toEqual({
      stage: null,
      userErrors: [{ code: 'INVALID_PROBABILITY', field: ['input', 'probability'] }],
    });
    expect(await c.updateStage({ id: lostId, probability: 5 })).toEqual({
      stage: null,
      userErrors: [{ code: 'INVALID_PROBABILITY', field: ['input', 'probability'] }],
    });
    expect(await c.updateStage({ id: wonId, name: 'Closed won', probability: 100 })).toEqual({
      stage: { id: wonId, name: 'Closed won', position: 5, probability: 100, kind: 'WON' },
      userErrors: [],
    });
    expect((await c.updateStage({ id: UNKNOWN_ID, name: 'x' })).userErrors).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'id'] },
    ]);
    expect(shape(await c.stages()).map((s) => [s.name, s.probability])).toEqual([
      ['Qualification', 10],
      ['Needs analysis', 25],
      ['QUOTE SENT', 60],
      ['Negotiation', 75],
      ['Closed won', 100],
      ['Lost', 0],
    ]);
  });

  it('answers an update that changes nothing with the stage as it is', async () => {
    const c = await newClient();
    const id = await c.stageId('Qualification');
    expect(await c.updateStage({ id })).toEqual({
      stage: { id, name: 'Qualification', position: 1, probability: 10, kind: 'OPEN' },
      userErrors: [],
    });
    expect(await c.updateStage({ id, name: null, probability: null })).toEqual({
      stage: { id, name: 'Qualification', position: 1, probability: 10, kind: 'OPEN' },
      userErrors: [],
    });
  });

  it('reorders the stages only when given every stage exactly once', async () => {
    const c = await newClient();
    const ids = (await c.stages()).map((s: any) => s.id);
    const [q, n, p, ne, won, lost] = ids;
    for (const stageIds of [
      [q, n, p, ne, won],
      [q, n, p, ne, won, lost, lost],
      [q, n, p, ne, won, won],
      [q, n, p, ne, won, lost, UNKNOWN_ID],
      [],
    ]) {
      expect(await c.reorderStages({ stageIds })).toEqual({
        stages: [],
        userErrors: [{ code: 'INVALID_ORDER', field: ['input', 'stageIds'] }],
      });
    }
    expect(shape(await c.stages())).toEqual(DEFAULT_STAGES);

    const reordered = await c.reorderStages({ stageIds: [ne, p, n, q, won, lost] });
    expect(reordered.userErrors).toEqual([]);
    expect(reordered.stages.map((s: any) => [s.name, s.position])).toEqual([
      ['Negotiation', 1],
      ['Proposal', 2],
      ['Needs analysis', 3],
      ['Qualification', 4],
      ['Won', 5],
      ['Lost', 6],
    ]);
    expect(await c.stages()).toEqual(reordered.stages);
  });

  it('never deletes the WON or LOST stage, nor a stage holding opportunities without a target', async () => {
    const c = await newClient();
    const [, needs, , , won, lost] = (await c.stages()).map((s: any) => s.id);
    for (const id of [won, lost]) {
      expect(await c.deleteStage({ id })).toEqual({
        stages: [],
        userErrors: [{ code: 'REQUIRED_STAGE', field: ['input', 'id'] }],
      });
    }
    const opportunity = await newOpportunity(c);
    await c.moveStage({ id: opportunity.id, stageId: needs });
    expect(await c.deleteStage({ id: needs })).toEqual({
      stages: [],
      userErrors: [{ code: 'STAGE_NOT_EMPTY', field: ['input', 'moveOpportunitiesTo'] }],
    });
    for (const target of [won, lost, needs]) {
      expect(await c.deleteStage({ id: needs, moveOpportunitiesTo: target })).toEqual({
        stages: [],
        userErrors: [{ code: 'INVALID_STAGE', field: ['input', 'moveOpportunitiesTo'] }],
      });
    }
    expect((await c.deleteStage({ id: needs, moveOpportunitiesTo: UNKNOWN_ID })).userErrors).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'moveOpportunitiesTo'] },
    ]);
    expect((await c.deleteStage({ id: UNKNOWN_ID })).userErrors).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'id'] },
    ]);
    expect(shape(await c.stages())).toEqual(DEFAULT_STAGES);
    const unchanged = await c.opportunity(opportunity.id);
    expect(unchanged.stage.id).toBe(needs);
    expect(unchanged.stageHistory).toHaveLength(2);
  });

  it('deleting a stage moves its opportunities to the target, records the move and renumbers the stages', async () => {
    const c = await newClient();
    const [, needs, proposal] = (await c.stages()).map((s: any) => s.id);
    const customerId = await c.createCustomer();
    const first = await newOpportunity(c, { customerId, title: 'First', stageId: needs, amount: cny('1000.00') });
    const second = await newOpportunity(c, { customerId, title: 'Second', stageId: needs });
    const elsewhere = await newOpportunity(c, { customerId, title: 'Elsewhere' });

    const deleted = await c.deleteStage({ id: needs, moveOpportunitiesTo: proposal });
    expect(deleted.userErrors).toEqual([]);
    expect(shape(deleted.stages)).toEqual([
      { name: 'Qualification', position: 1, probability: 10, kind: 'OPEN' },
      { name: 'Proposal', position: 2, probability: 50, kind: 'OPEN' },
      { name: 'Negotiation', position: 3, probability: 75, kind: 'OPEN' },
      { name: 'Won', position: 4, probability: 100, kind: 'WON' },
      { name: 'Lost', position: 5, probability: 0, kind: 'LOST' },
    ]);
    expect(shape(await c.stages())).toEqual(shape(deleted.stages));

    for (const { id } of [first, second]) {
      const moved = await c.opportunity(id);
      expect(moved.stage).toEqual({ id: proposal, name: 'Proposal', kind: 'OPEN' });
      expect(moved.stageHistory.map((v: any) => v.stage.name)).toEqual(['Needs analysis', 'Proposal']);
      const [left, entered] = moved.stageHistory;
      expect(left.leftAt).not.toBeNull();
      expect(entered).toEqual({ stage: { name: 'Proposal' }, enteredAt: left.leftAt, leftAt: null });
    }
    expect((await c.opportunity(first.id)).weightedAmount).toEqual(cny('500.00'));
    expect((await c.opportunity(elsewhere.id)).stageHistory.map((v: any) => v.stage.name)).toEqual(['Qualification']);
    expect((await c.opportunities({ filter: { stageId: proposal } })).totalCount).toBe(2);
    // The deleted stage is gone for good: no new opportunity can start there.
    expect((await c.createOpportunity({ title: 'Late', customerId, stageId: needs })).userErrors).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'stageId'] },
    ]);
    expect(
      (await c.reorderStages({ stageIds: (await c.stages()).map((s: any) => s.id).concat(needs) })).userErrors,
    ).toEqual([{ code: 'INVALID_ORDER', field: ['input', 'stageIds'] }]);
    // ...and its name is free again.
    expect((await c.createStage({ name: 'Needs analysis', probability: 30 })).stage).toMatchObject({
      name: 'Needs analysis',
      position: 4,
    });
  });

  it('never deletes the last OPEN stage', async () => {
    const c = await newClient();
    const [q, needs, proposal, negotiation] = (await c.stages()).map((s: any) => s.id);
    for (const id of [needs, q, proposal]) expect((await c.deleteStage({ id })).userErrors).toEqual([]);
    expect(await c.deleteStage({ id: negotiation })).toEqual({
      stages: [],
      userErrors: [{ code: 'REQUIRED_STAGE', field: ['input', 'id'] }],
    });
    expect(shape(await c.stages())).toEqual([
      { name: 'Negotiation', position: 1, probability: 75, kind: 'OPEN' },
      { name: 'Won', position: 2, probability: 100, kind: 'WON' },
      { name: 'Lost', position: 3, probability: 0, kind: 'LOST' },
    ]);
  });

  it('needs the admin scope to change stages', async () => {
    const c = await newClient();
    const sales = await stack.token(c.tenant, ['sales:read', 'sales:write']);
    const [q, needs, proposal, negotiation, won, lost] = (await c.stages()).map((s: any) => s.id);
    const attempts: [string, string, Input][] = [
      ['createPipelineStage', 'CreatePipelineStageInput', { name: 'Demo', probability: 60 }],
      ['updatePipelineStage', 'UpdatePipelineStageInput', { id: q, name: 'Renamed' }],
      [
        'reorderPipelineStages',
        'ReorderPipelineStagesInput',
        { stageIds: [negotiation, proposal, needs, q, won, lost] },
      ],
      ['deletePipelineStage', 'DeletePipelineStageInput', { id: needs }],
    ];
    for (const [field, type, input] of attempts) {
      const res = await stack.query(sales, `mutation($input: ${type}!) { ${field}(input: $input) { ${ERRORS} } }`, {
        input,
      });
      expect(res.status).toBe(200);
      expect(res.data).toEqual({ [field]: null });
      expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[[field], 'FORBIDDEN']]);
    }
    // A sales token may still read the stages, and nothing was changed.
    const read = await stack.query(sales, `{ pipelineStages { ${STAGE} } }`);
    expect(read.errors).toBeUndefined();
    expect(shape(read.data.pipelineStages)).toEqual(DEFAULT_STAGES);
  });

  it('serialises concurrent stage changes: one of several identical stages is created', async () => {
    const c = await newClient();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => c.createStage({ name: 'Demo', probability: 60 })),
    );
    expect(results.filter((r) => r.userErrors.length === 0)).toHaveLength(1);
    expect(results.flatMap((r) => r.userErrors)).toEqual(
      Array.from({ length: 3 }, () => ({ code: 'TAKEN', field: ['input', 'name'] })),
    );
    expect((await c.stages()).map((s: any) => `${s.position} ${s.name}`)).toEqual([
      '1 Qualification',
      '2 Needs analysis',
      '3 Proposal',
      '4 Negotiation',
      '5 Demo',
      '6 Won',
      '7 Lost',
    ]);
  });
});

// ---- opportunities

describe('opportunities', () => {
  it('starts in the first OPEN stage, owned by the caller, with one stage visit', async () => {
    const c = await newClient();
    const customerId = await c.createCustomer();
    const { opportunity, userErrors } = await c.createOpportunity({
      title: '  Spring order ',
      customerId,
      amount: cny('1000.00'),
      expectedCloseDate: '2027-03-31',
    });
    expect(userErrors).toEqual([]);
    expect(opportunity).toMatchObject({
      title: 'Spring order',
      ownerId: 'rep-1',
      status: 'OPEN',
      lostReason: null,
      expectedCloseDate: '2027-03-31',
      closedAt: null,
      stage: { name: 'Qualification', kind: 'OPEN' },
      amount: cny('1000.00'),
      weightedAmount: cny('100.00'),
      lines: [],
    });
    expect(opportunity.stageHistory).toEqual([
      { stage: { name: 'Qualification' }, enteredAt: expect.any(String), leftAt: null },
    ]);
    expect(await c.opportunity(opportunity.id)).toMatchObject({
      title: 'Spring order',
      stage: { name: 'Qualification' },
      quotes: [],
    });

    const negotiation = await c.stageId('Negotiation');
    const later = await newOpportunity(c, {
      customerId,
      stageId: negotiation,
      ownerId: 'alice',
      amount: cny('1000.00'),
    });
    expect(later).toMatchObject({ ownerId: 'alice', stage: { name: 'Negotiation' }, weightedAmount: cny('750.00') });
    expect(later.stageHistory.map((v: any) => v.stage.name)).toEqual(['Negotiation']);

    const noAmount = await newOpportunity(c, { customerId });
    expect(noAmount).toMatchObject({ amount: cny('0.00'), weightedAmount: cny('0.00'), expectedCloseDate: null });
  });

  it('follows a reordered pipeline: the first OPEN stage is the default', async () => {
    const c = await newClient();
    const [q, needs, proposal, negotiation, won, lost] = (await c.stages()).map((s: any) => s.id);
    expect((await c.reorderStages({ stageIds: [proposal, q, needs, negotiation, won, lost] })).userErrors).toEqual([]);
    expect((await newOpportunity(c)).stage.name).toBe('Proposal');
  });

  it('refuses an unknown customer, a closed stage and a foreign currency', async () => {
    const c = await newClient();
    const other = await newClient();
    const foreignCustomer = await other.createCustomer('Not yours');
    const customerId = await c.createCustomer();
    const cases: [Input, string, string[]][] = [
      [{ customerId: UNKNOWN_ID }, 'NOT_FOUND', ['input', 'customerId']],
      [{ customerId: 'not-an-id' }, 'NOT_FOUND', ['input', 'customerId']],
      [{ customerId: foreignCustomer }, 'NOT_FOUND', ['input', 'customerId']],
      [{ customerId, stageId: await c.stageId('Won') }, 'INVALID_STAGE', ['input', 'stageId']],
      [{ customerId, stageId: await c.stageId('Lost') }, 'INVALID_STAGE', ['input', 'stageId']],
      [{ customerId, stageId: UNKNOWN_ID }, 'NOT_FOUND', ['input', 'stageId']],
      [
        { customerId, amount: { amount: '10.00', currency: 'USD' } },
        'CURRENCY_MISMATCH',
        ['input', 'amount', 'currency'],
      ],
      [{ customerId, amount: cny('10.001') }, 'TOO_PRECISE', ['input', 'amount', 'amount']],
      [{ customerId, title: ' ' }, 'REQUIRED', ['input', 'title']],
    ];
    for (const [input, code, field] of cases) {
      expect(await c.createOpportunity({ title: 'Nope', ...input })).toEqual({
        opportunity: null,
        userErrors: [{ code, field }],
      });
    }
    expect((await c.opportunities()).totalCount).toBe(0);
  });

  it('computes line amounts exactly, half-up to the cent, and the amount from the lines', async () => {
    const c = await newClient();
    const needs = await c.stageId('Needs analysis');
    const opportunity = await newOpportunity(c, { stageId: needs, amount: cny('1000.00') });
    expect(opportunity.weightedAmount).toEqual(cny('250.00'));

    const first = await c.addLine(opportunity.id, line('3', '19.99', '12.5', 'Oolong tins'));
    expect(first.userErrors).toEqual([]);
    expect(first.opportunity.lines).toEqual([
      {
        id: expect.any(String),
        description: 'Oolong tins',
        quantity: '3',
        unitPrice: cny('19.99'),
        discountPercent: '12.5',
        amount: cny('52.47'),
      },
    ]);
    expect(first.opportunity.amount).toEqual(cny('52.47'));
    expect(first.opportunity.weightedAmount).toEqual(cny('13.12'));

    const second = await c.addLine(opportunity.id, line('2.5', '0.10'));
    expect(lineValues(second.opportunity.lines)[1]).toEqual({
      quantity: '2.5',
      unitPrice: '0.10',
      discountPercent: '0',
      amount: '0.25',
    });
    expect(second.opportunity.amount).toEqual(cny('52.72'));

    const third = await c.addLine(opportunity.id, line('0.3333', '3.00'));
    expect(lineValues(third.opportunity.lines)[2]).toEqual({
      quantity: '0.3333',
      unitPrice: '3.00',
      discountPercent: '0',
      amount: '1.00',
    });
    expect(third.opportunity.amount).toEqual(cny('53.72'));
    expect(third.opportunity.weightedAmount).toEqual(cny('13.43'));

    const [l1, l2, l3] = third.opportunity.lines.map((l: any) => l.id);
    const updated = await c.updateLine({ id: l2, quantity: '10', discountPercent: '50', description: 'Samples' });
    expect(updated.userErrors).toEqual([]);
    expect(updated.opportunity.lines[1]).toMatchObject({
      description: 'Samples',
      quantity: '10',
      unitPrice: cny('0.10'),
      discountPercent: '50',
      amount: cny('0.50'),
    });
    expect(updated.opportunity.amount).toEqual(cny('53.97'));
    expect(updated.opportunity.weightedAmount).toEqual(cny('13.49'));

    expect((await c.removeLine(l1)).opportunity.amount).toEqual(cny('1.50'));
    expect((await c.removeLine(l3)).opportunity.amount).toEqual(cny('0.50'));
    const none = await c.removeLine(l2);
    expect(none.userErrors).toEqual([]);
    expect(none.opportunity).toMatchObject({ lines: [], amount: cny('1000.00'), weightedAmount: cny('250.00') });
    expect((await c.removeLine(l2)).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
  });

  it('uses the manual amount only while the opportunity has no lines', async () => {
    const c = await newClient();
    const opportunity = await newOpportunity(c, { amount: cny('1000.00') });
    const { opportunity: withLine } = await c.addLine(opportunity.id, line('1', '200.00'));
    const updated = await c.updateOpportunity({
      id: opportunity.id,
      title: 'Renamed',
      amount: cny('500.00'),
      expectedCloseDate: '2027-06-30',
    });
    expect(updated.userErrors).toEqual([]);
    expect(updated.opportunity).toMatchObject({
      title: 'Renamed',
      expectedCloseDate: '2027-06-30',
      amount: cny('200.00'),
      weightedAmount: cny('20.00'),
    });
    const removed = await c.removeLine(withLine.lines[0].id);
    expect(removed.opportunity).toMatchObject({ amount: cny('500.00'), weightedAmount: cny('50.00') });
    expect(
      (await c.updateOpportunity({ id: opportunity.id, amount: { amount: '1.00', currency: 'USD' } })).userErrors,
    ).toEqual([{ code: 'CURRENCY_MISMATCH', field: ['input', 'amount', 'currency'] }]);
  });

  it('validates lines and writes nothing when a line is wrong', async () => {
    const c = await newClient();
    const opportunity = await newOpportunity(c, { amount: cny('80.00') });
    const cases: [Input, string, string[]][] = [
      [line('0', '1.00'), 'OUT_OF_RANGE', ['input', 'line', 'quantity']],
      [line('-1', '1.00'), 'OUT_OF_RANGE', ['input', 'line', 'quantity']],
      [line('1.00001', '1.00'), 'TOO_PRECISE', ['input', 'line', 'quantity']],
      [line('1', '1.00', '101'), 'OUT_OF_RANGE', ['input', 'line', 'discountPercent']],
      [line('1', '1.00', '-0.5'), 'OUT_OF_RANGE', ['input', 'line', 'discountPercent']],
      [line('1', '1.23456'), 'TOO_PRECISE', ['input', 'line', 'unitPrice', 'amount']],
      [line('1', '-1.00'), 'NEGATIVE_AMOUNT', ['input', 'line', 'unitPrice', 'amount']],
      [
        { quantity: '1', unitPrice: { amount: '1.00', currency: 'USD' } },
        'CURRENCY_MISMATCH',
        ['input', 'line', 'unitPrice', 'currency'],
      ],
    ];
    for (const [l, code, field] of cases) {
      expect(await c.addLine(opportunity.id, l)).toEqual({ opportunity: null, userErrors: [{ code, field }] });
    }
    expect((await c.addLine(UNKNOWN_ID, line('1', '1.00'))).userErrors).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'opportunityId'] },
    ]);
    expect(await c.opportunity(opportunity.id)).toMatchObject({ lines: [], amount: cny('80.00') });

    const { opportunity: withLine } = await c.addLine(opportunity.id, line('2', '5.00'));
    const lineId = withLine.lines[0].id;
    const patches: [Input, string, string[]][] = [
      [{ quantity: '0' }, 'OUT_OF_RANGE', ['input', 'quantity']],
      [{ discountPercent: '101' }, 'OUT_OF_RANGE', ['input', 'discountPercent']],
      [{ unitPrice: cny('0.00001') }, 'TOO_PRECISE', ['input', 'unitPrice', 'amount']],
      [{ unitPrice: { amount: '1.00', currency: 'USD' } }, 'CURRENCY_MISMATCH', ['input', 'unitPrice', 'currency']],
    ];
    for (const [patch, code, field] of patches) {
      expect(await c.updateLine({ id: lineId, ...patch })).toEqual({
        opportunity: null,
        userErrors: [{ code, field }],
      });
    }
    expect((await c.updateLine({ id: UNKNOWN_ID, quantity: '1' })).userErrors).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'id'] },
    ]);
    expect(lineValues((await c.opportunity(opportunity.id)).lines)).toEqual([
      { quantity: '2', unitPrice: '5.00', discountPercent: '0', amount: '10.00' },
    ]);
  });

  it('refuses amounts too large to store with a user error, not a server error', async () => {
    const c = await newClient();
    const customerId = await c.createCustomer();
    const opportunity = await newOpportunity(c, { customerId, amount: cny('5.00') });
    // Money is numeric(18,2), quantities and unit prices numeric(18,4); the Decimal scalar takes up to 20 integer digits.
    expect([
      await outcome(c.createOpportunity({ title: 'Huge', customerId, amount: cny('99999999999999999') })),
      await outcome(c.updateOpportunity({ id: opportunity.id, amount: cny('99999999999999999') })),
      await outcome(c.addLine(opportunity.id, line('999999999999999', '1.00'))),
      await outcome(c.addLine(opportunity.id, line('1', '999999999999999'))),
      // Each value fits, but their product (about 1e18) does not fit a money amount.
      await outcome(c.addLine(opportunity.id, line('99999999999999', '9999.9999'))),
    ]).toEqual([
      [{ code: 'OUT_OF_RANGE', field: ['input', 'amount', 'amount'] }],
      [{ code: 'OUT_OF_RANGE', field: ['input', 'amount', 'amount'] }],
      [{ code: 'OUT_OF_RANGE', field: ['input', 'line', 'quantity'] }],
      [{ code: 'OUT_OF_RANGE', field: ['input', 'line', 'unitPrice', 'amount'] }],
      [expect.objectContaining({ code: 'OUT_OF_RANGE' })],
    ]);
    expect(await c.opportunity(opportunity.id)).toMatchObject({ lines: [], amount: cny('5.00') });
  });

  it('keeps the amount the sum of the lines when lines are added at the same moment', async () => {
    const c = await newClient();
    const opportunity = await newOpportunity(c);
    const results = await Promise.all(Array.from({ length: 8 }, () => c.addLine(opportunity.id, line('1', '1.10'))));
    expect(results.flatMap((r) => r.userErrors)).toEqual([]);
    const after = await c.opportunity(opportunity.id);
    expect(after.lines).toHaveLength(8);
    expect(after.amount).toEqual(cny('8.80'));
  });

  it('records every stage visit and wins the opportunity when it moves into the WON stage', async () => {
    const c = await newClient();
    const [, , proposal, negotiation, won] = (await c.stages()).map((s: any) => s.id);
    const opportunity = await newOpportunity(c, { amount: cny('1000.00') });
    const toProposal = await c.moveStage({ id: opportunity.id, stageId: proposal });
    expect(toProposal.userErrors).toEqual([]);
    expect(toProposal.opportunity).toMatchObject({
      status: 'OPEN',
      stage: { name: 'Proposal' },
      weightedAmount: cny('500.00'),
      closedAt: null,
    });
    // Moving to the stage it is in changes nothing.
    expect((await c.moveStage({ id: opportunity.id, stageId: proposal })).opportunity.stageHistory).toHaveLength(2);
    const toNegotiation = await c.moveStage({ id: opportunity.id, stageId: negotiation });
    expect(toNegotiation.opportunity.weightedAmount).toEqual(cny('750.00'));
    const toWon = await c.moveStage({ id: opportunity.id, stageId: won });
    expect(toWon.userErrors).toEqual([]);
    const closed = toWon.opportunity;
    expect(closed).toMatchObject({
      status: 'WON',
      stage: { name: 'Won', kind: 'WON' },
      lostReason: null,
      weightedAmount: cny('1000.00'),
    });
    expect(closed.closedAt).not.toBeNull();

    const history = closed.stageHistory;
    expect(history.map((v: any) => v.stage.name)).toEqual(['Qualification', 'Proposal', 'Negotiation', 'Won']);
    for (let i = 1; i < history.length; i++) {
      expect(history[i - 1].leftAt).toBe(history[i].enteredAt);
      expect(Date.parse(history[i].enteredAt)).toBeGreaterThanOrEqual(Date.parse(history[i - 1].enteredAt));
    }
    expect(history[3].leftAt).toBeNull();
    expect(history[3].enteredAt).toBe(closed.closedAt);
    expect((await c.moveStage({ id: opportunity.id, stageId: UNKNOWN_ID })).userErrors).toEqual([
      { code: 'OPPORTUNITY_CLOSED', field: ['input', 'id'] },
    ]);

    const open = await newOpportunity(c);
    expect((await c.moveStage({ id: open.id, stageId: UNKNOWN_ID })).userErrors).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'stageId'] },
    ]);
    expect((await c.moveStage({ id: UNKNOWN_ID, stageId: proposal })).userErrors).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'id'] },
    ]);
  });

  it('loses the opportunity with its reason when it moves into the LOST stage', async () => {
    const c = await newClient();
    const opportunity = await newOpportunity(c, { amount: cny('300.00') });
    const lost = await c.moveStage({
      id: opportunity.id,
      stageId: await c.stageId('Lost'),
      lostReason: ' Went with a competitor ',
    });
    expect(lost.userErrors).toEqual([]);
    expect(lost.opportunity).toMatchObject({
      status: 'LOST',
      stage: { name: 'Lost', kind: 'LOST' },
      lostReason: 'Went with a competitor',
      weightedAmount: cny('0.00'),
    });
    expect(lost.opportunity.closedAt).not.toBeNull();
    expect(lost.opportunity.stageHistory.map((v: any) => [v.stage.name, v.leftAt === null])).toEqual([
      ['Qualification', false],
      ['Lost', true],
    ]);
  });

  it('marks opportunities won, or lost with a reason', async () => {
    const c = await newClient();
    const customerId = await c.createCustomer();
    const winner = await newOpportunity(c, { customerId, amount: cny('120.00') });
    const won = await c.markWon(winner.id);
    expect(won.userErrors).toEqual([]);
    expect(won.opportunity).toMatchObject({
      status: 'WON',
      stage: { name: 'Won' },
      amount: cny('120.00'),
      weightedAmount: cny('120.00'),
    });
    expect(won.opportunity.closedAt).not.toBeNull();
    expect(won.opportunity.stageHistory.map((v: any) => v.stage.name)).toEqual(['Qualification', 'Won']);

    const loser = await newOpportunity(c, { customerId });
    for (const reason of ['', '   ']) {
      expect(await c.markLost(loser.id, reason)).toEqual({
        opportunity: null,
        userErrors: [{ code: 'REQUIRED', field: ['input', 'reason'] }],
      });
    }
    expect((await c.opportunity(loser.id)).status).toBe('OPEN');
    const lost = await c.markLost(loser.id, 'Budget cut');
    expect(lost.userErrors).toEqual([]);
    expect(lost.opportunity).toMatchObject({ status: 'LOST', stage: { name: 'Lost' }, lostReason: 'Budget cut' });
    expect(lost.opportunity.closedAt).not.toBeNull();
    expect((await c.markWon(UNKNOWN_ID)).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
  });

  it('refuses every edit of a closed opportunity', async () => {
    const c = await newClient();
    const proposal = await c.stageId('Proposal');
    for (const close of ['won', 'lost'] as const) {
      const opportunity = await newOpportunity(c, { amount: cny('10.00') });
      const { opportunity: withLine } = await c.addLine(opportunity.id, line('1', '99.00'));
      const lineId = withLine.lines[0].id;
      const closing = close === 'won' ? await c.markWon(opportunity.id) : await c.markLost(opportunity.id, 'No budget');
      expect(closing.userErrors).toEqual([]);
      const attempts: [() => Promise<any>, string[]][] = [
        [() => c.updateOpportunity({ id: opportunity.id, title: 'Edited' }), ['input', 'id']],
        [() => c.addLine(opportunity.id, line('1', '1.00')), ['input', 'opportunityId']],
        [() => c.updateLine({ id: lineId, quantity: '2' }), ['input', 'id']],
        [() => c.removeLine(lineId), ['input', 'id']],
        [() => c.moveStage({ id: opportunity.id, stageId: proposal }), ['input', 'id']],
        [() => c.markWon(opportunity.id), ['input', 'id']],
        [() => c.markLost(opportunity.id, 'Again'), ['input', 'id']],
        [() => c.createQuote({ opportunityId: opportunity.id, validUntil: FUTURE }), ['input', 'opportunityId']],
      ];
      for (const [attempt, field] of attempts) {
        expect((await attempt()).userErrors).toEqual([{ code: 'OPPORTUNITY_CLOSED', field }]);
      }
      const after = await c.opportunity(opportunity.id);
      expect(after).toMatchObject({
        title: 'Spring order',
        status: close.toUpperCase(),
        amount: cny('99.00'),
        quotes: [],
      });
      expect(lineValues(after.lines)).toEqual([
        { quantity: '1', unitPrice: '99.00', discountPercent: '0', amount: '99.00' },
      ]);
      expect(after.stageHistory).toHaveLength(2);
    }
  });
});

describe("listing opportunities and a customer's pipeline", () => {
  /**
   * Five opportunities over two customers, created in this order:
   * o1 A alice 100.00 close 2027-01-15 Qualification; o2 A bob 2500.00 close 2027-03-01 Proposal;
   * o3 B alice 900.00 no close date Negotiation; o4 B bob 2500.00 close 2027-02-10 won;
   * o5 A alice 50.00 close 2027-01-31 lost. Then o2 and o1 are edited, in that order.
   */
  async function fiveOpportunities() {
    const c = await newClient();
    const [a, b] = [await c.createCustomer('A Tea'), await c.createCustomer('B Tea')];
    const [, , proposal, negotiation] = (await c.stages()).map((s: any) => s.id);
    const o1 = await newOpportunity(c, {
      title: 'o1',
      customerId: a,
      ownerId: 'alice',
      amount: cny('100.00'),
      expectedCloseDate: '2027-01-15',
    });
    const o2 = await newOpportunity(c, {
      title: 'o2',
      customerId: a,
      ownerId: 'bob',
      amount: cny('2500.00'),
      expectedCloseDate: '2027-03-01',
      stageId: proposal,
    });
    await newOpportunity(c, {
      title: 'o3',
      customerId: b,
      ownerId: 'alice',
      amount: cny('900.00'),
      stageId: negotiation,
    });
    const o4 = await newOpportunity(c, {
      title: 'o4',
      customerId: b,
      ownerId: 'bob',
      amount: cny('2500.00'),
      expectedCloseDate: '2027-02-10',
    });
    await c.markWon(o4.id);
    const o5 = await newOpportunity(c, {
      title: 'o5',
      customerId: a,
      ownerId: 'alice',
      amount: cny('50.00'),
      expectedCloseDate: '2027-01-31',
    });
    await c.markLost(o5.id, 'Too small');
    expect((await c.updateOpportunity({ id: o2.id, nextFollowUpAt: '2027-01-01T09:00:00Z' })).userErrors).toEqual([]);
    expect((await c.updateOpportunity({ id: o1.id, ownerId: 'alice' })).userErrors).toEqual([]);
    return { c, a, b, proposal };
  }

  /** Every title, page by page of `size`, checking the page info on the way. */
  async function allPages(c: Client, size: number, args: Input) {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const conn: any = await c.opportunities({ ...args, first: size, after });
      expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...titles(conn.nodes));
      if (!conn.pageInfo.hasNextPage) return seen;
      expect(conn.nodes).toHaveLength(size);
      after = conn.pageInfo.endCursor;
    }
    throw new Error('too many pages');
  }

  it('filters by status, stage, owner, customer, expected close date and minimum amount', async () => {
    const { c, a, b, proposal } = await fiveOpportunities();
    const list = async (filter: Input) => {
      const conn = await c.opportunities({ filter });
      expect(conn.totalCount).toBe(conn.nodes.length);
      return titles(conn.nodes);
    };
    expect(await list({})).toEqual(['o1', 'o2', 'o3', 'o4', 'o5']);
    expect(await list({ status: ['OPEN'] })).toEqual(['o1', 'o2', 'o3']);
    expect(await list({ status: ['WON', 'LOST'] })).toEqual(['o4', 'o5']);
    expect(await list({ status: ['LOST'] })).toEqual(['o5']);
    expect(await list({ stageId: proposal })).toEqual(['o2']);
    expect(await list({ ownerId: 'alice' })).toEqual(['o1', 'o3', 'o5']);
    expect(await list({ customerId: a })).toEqual(['o1', 'o2', 'o5']);
    expect(await list({ customerId: b, status: ['OPEN'] })).toEqual(['o3']);
    expect(await list({ expectedCloseAfter: '2027-01-31' })).toEqual(['o2', 'o4', 'o5']);
    expect(await list({ expectedCloseBefore: '2027-01-31' })).toEqual(['o1', 'o5']);
    expect(await list({ expectedCloseAfter: '2027-01-16', expectedCloseBefore: '2027-02-10' })).toEqual(['o4', 'o5']);
    expect(await list({ minAmount: '900' })).toEqual(['o2', 'o3', 'o4']);
    expect(await list({ minAmount: '900.01' })).toEqual(['o2', 'o4']);
    expect(await list({ status: ['OPEN'], ownerId: 'alice', minAmount: '100.00' })).toEqual(['o1', 'o3']);
    expect(await list({ ownerId: 'nobody' })).toEqual([]);
  });

  it('orders by amount, expected close date, creation and last update, ties broken by id', async () => {
    const { c } = await fiveOpportunities();
    const order = async (field: string, direction?: string) =>
      titles((await c.opportunities({ orderBy: { field, direction } })).nodes);
    expect(await order('AMOUNT')).toEqual(['o5', 'o1', 'o3', 'o2', 'o4']);
    expect(await order('AMOUNT', 'DESC')).toEqual(['o4', 'o2', 'o3', 'o1', 'o5']);
    // Without an expected close date last.
    expect(await order('EXPECTED_CLOSE_DATE', 'ASC')).toEqual(['o1', 'o5', 'o4', 'o2', 'o3']);
    expect(await order('CREATED_AT')).toEqual(['o1', 'o2', 'o3', 'o4', 'o5']);
    expect(await order('CREATED_AT', 'DESC')).toEqual(['o5', 'o4', 'o3', 'o2', 'o1']);
    expect(await order('UPDATED_AT')).toEqual(['o3', 'o4', 'o5', 'o2', 'o1']);
    expect(await order('UPDATED_AT', 'DESC')).toEqual(['o1', 'o2', 'o5', 'o4', 'o3']);
  });

  it('pages with first/after in every order, across ties and missing dates', async () => {
    const { c } = await fiveOpportunities();
    const first = await c.opportunities({ first: 2, orderBy: { field: 'AMOUNT' } });
    expect(first).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true, hasPreviousPage: false } });
    expect(titles(first.nodes)).toEqual(['o5', 'o1']);

    for (const size of [1, 2, 3]) {
      expect(await allPages(c, size, { orderBy: { field: 'AMOUNT' } })).toEqual(['o5', 'o1', 'o3', 'o2', 'o4']);
      expect(await allPages(c, size, { orderBy: { field: 'AMOUNT', direction: 'DESC' } })).toEqual([
        'o4',
        'o2',
        'o3',
        'o1',
        'o5',
      ]);
      expect(await allPages(c, size, { orderBy: { field: 'EXPECTED_CLOSE_DATE' } })).toEqual([
        'o1',
        'o5',
        'o4',
        'o2',
        'o3',
      ]);
      expect(await allPages(c, size, { orderBy: { field: 'CREATED_AT', direction: 'DESC' } })).toEqual([
        'o5',
        'o4',
        'o3',
        'o2',
        'o1',
      ]);
      expect(await allPages(c, size, { orderBy: { field: 'UPDATED_AT' } })).toEqual(['o3', 'o4', 'o5', 'o2', 'o1']);
    }
    const filtered = await c.opportunities({
      first: 1,
      filter: { status: ['OPEN'] },
      orderBy: { field: 'AMOUNT', direction: 'DESC' },
    });
    expect(filtered).toMatchObject({ totalCount: 3, nodes: [{ title: 'o2' }], pageInfo: { hasNextPage: true } });
    expect(
      await allPages(c, 2, { filter: { status: ['OPEN'] }, orderBy: { field: 'AMOUNT', direction: 'DESC' } }),
    ).toEqual(['o2', 'o3', 'o1']);
  });

  it('reads an id that is not a UUID in a filter like an id that does not exist', async () => {
    const { c } = await fiveOpportunities();
    const filters = [
      { stageId: UNKNOWN_ID },
      { customerId: UNKNOWN_ID },
      { stageId: 'not-a-uuid' },
      { customerId: 'not-a-uuid' },
    ];
    const results = [];
    for (const filter of filters) {
      const res = await stack.query(
        c.token,
        'query($filter: OpportunityFilter) { opportunities(filter: $filter) { totalCount nodes { id } } }',
        { filter },
      );
      results.push(res.errors ? res.errors.map((e) => e.extensions?.code) : res.data.opportunities);
    }
    expect(results).toEqual(filters.map(() => ({ totalCount: 0, nodes: [] })));
  });

  it('refuses a cursor that does not fit the order with BAD_USER_INPUT', async () => {
    const { c, a } = await fiveOpportunities();
    const createdCursor = (await c.opportunities({ first: 1 })).pageInfo.endCursor;
    const forged = Buffer.from(JSON.stringify(['100.00', 'not-a-uuid'])).toString('base64url');
    const list =
      'query($after: String) { opportunities(first: 2, after: $after, orderBy: {field: AMOUNT}) { totalCount } }';
    const nested =
      'query($id: ID!, $after: String) { customer(id: $id) { opportunities(first: 1, after: $after) { totalCount } } }';
    const errorsOf = async (query: string, variables: Input) =>
      (await stack.query(c.token, query, variables)).errors?.map((e) => [e.path, e.extensions?.code]);
    expect([
      // A CREATED_AT cursor holds a timestamp, which is no amount.
      await errorsOf(list, { after: createdCursor }),
      await errorsOf(list, { after: forged }),
      await errorsOf(list, { after: 'garbage' }),
      await errorsOf(nested, { id: a, after: forged }),
    ]).toEqual([
      [[['opportunities'], 'BAD_USER_INPUT']],
      [[['opportunities'], 'BAD_USER_INPUT']],
      [[['opportunities'], 'BAD_USER_INPUT']],
      [[['customer', 'opportunities'], 'BAD_USER_INPUT']],
    ]);
  });

  it("shows a customer's opportunities, newest first, and its open pipeline", async () => {
    const c = await newClient();
    const customerId = await c.createCustomer();
    const needs = await c.stageId('Needs analysis');
    // Weighted amounts are rounded per opportunity: 0.05 at 10% is 0.01, twice.
    await newOpportunity(c, { customerId, title: 'Tiny 1', amount: cny('0.05') });
    await newOpportunity(c, { customerId, title: 'Tiny 2', amount: cny('0.05') });
    const lined = await newOpportunity(c, { customerId, title: 'Lined', stageId: needs, amount: cny('999.00') });
    await c.addLine(lined.id, line('3', '19.99', '12.5'));
    const won = await newOpportunity(c, { customerId, title: 'Won one', amount: cny('1000.00') });
    await c.markWon(won.id);
    const lost = await newOpportunity(c, { customerId, title: 'Lost one', amount: cny('500.00') });
    await c.markLost(lost.id, 'Price');
    const otherCustomer = await c.createCustomer('Other');
    await newOpportunity(c, { customerId: otherCustomer, title: 'Not theirs', amount: cny('7.00') });

    const customer = await c.customer(customerId);
    expect(customer.pipeline).toEqual({ openCount: 3, openAmount: cny('52.57'), weightedAmount: cny('13.14') });
    expect(titles(customer.opportunities.nodes)).toEqual(['Lost one', 'Won one', 'Lined', 'Tiny 2', 'Tiny 1']);
    expect(customer.opportunities.totalCount).toBe(5);

    expect((await c.customer(customerId, { status: 'OPEN' })).opportunities).toMatchObject({
      totalCount: 3,
      nodes: [{ title: 'Lined' }, { title: 'Tiny 2' }, { title: 'Tiny 1' }],
    });
    expect((await c.customer(customerId, { status: 'WON' })).opportunities.nodes).toEqual([
      { title: 'Won one', status: 'WON' },
    ]);
    expect((await c.customer(customerId, { status: 'LOST' })).opportunities.nodes).toEqual([
      { title: 'Lost one', status: 'LOST' },
    ]);

    const page1 = (await c.customer(customerId, { first: 2 })).opportunities;
    expect(titles(page1.nodes)).toEqual(['Lost one', 'Won one']);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await c.customer(customerId, { first: 2, after: page1.pageInfo.endCursor })).opportunities;
    expect(titles(page2.nodes)).toEqual(['Lined', 'Tiny 2']);

    const empty = await c.customer(await c.createCustomer('Quiet'));
    expect(empty.pipeline).toEqual({ openCount: 0, openAmount: cny('0.00'), weightedAmount: cny('0.00') });
    expect(empty.opportunities).toMatchObject({ totalCount: 0, nodes: [] });
  });
});

// ---- quotes

describe('quotes', () => {
  it("copies the opportunity's lines into a DRAFT quote with exact totals, numbered per tenant", async () => {
    const c = await newClient();
    const opportunity = await quotableOpportunity(c);
    const quote = await newQuote(c, opportunity.id);
    expect(quote).toMatchObject({
      number: 'Q-000001',
      status: 'DRAFT',
      validUntil: FUTURE,
      sentAt: null,
      subtotal: cny('159.97'),
      discountTotal: cny('7.50'),
      total: cny('152.47'),
      opportunity: { id: opportunity.id, amount: { amount: '152.47' } },
    });
    expect(quote.lines.map((l: any) => l.description)).toEqual(['Oolong tins', 'Gift box']);
    expect(lineValues(quote.lines)).toEqual([
      { quantity: '3', unitPrice: '19.99', discountPercent: '12.5', amount: '52.47' },
      { quantity: '1', unitPrice: '100.00', discountPercent: '0', amount: '100.00' },
    ]);
    expect(quote.lines.map((l: any) => l.id)).not.toContain(opportunity.lines[0].id);
    expect(await c.quote(quote.id)).toEqual(quote);

    expect((await newQuote(c, opportunity.id)).number).toBe('Q-000002');
    const another = await quotableOpportunity(c);
    expect((await newQuote(c, another.id, todayUtc())).number).toBe('Q-000003');
    expect((await c.opportunity(opportunity.id)).quotes).toEqual([
      { number: 'Q-000002', status: 'DRAFT' },
      { number: 'Q-000001', status: 'DRAFT' },
    ]);

    const otherTenant = await newClient();
    expect((await newQuote(otherTenant, (await quotableOpportunity(otherTenant)).id)).number).toBe('Q-000001');
  });

  it('numbers quotes created at the same moment without gaps or repeats, and accepts only one of them', async () => {
    const c = await newClient();
    const opportunity = await quotableOpportunity(c);
    const quotes = await Promise.all(Array.from({ length: 6 }, () => newQuote(c, opportunity.id)));
    expect(quotes.map((q) => q.number).sort()).toEqual([
      'Q-000001',
      'Q-000002',
      'Q-000003',
      'Q-000004',
      'Q-000005',
      'Q-000006',
    ]);
    for (const q of quotes) expect((await c.sendQuote(q.id)).userErrors).toEqual([]);
    const accepts = await Promise.all(quotes.map((q) => c.acceptQuote(q.id)));
    expect(accepts.filter((r) => r.userErrors.length === 0)).toHaveLength(1);
    expect(accepts.flatMap((r) => r.userErrors)).toEqual(
      Array.from({ length: 5 }, () => ({ code: 'QUOTE_ALREADY_ACCEPTED', field: ['input', 'id'] })),
    );
    expect((await c.opportunity(opportunity.id)).quotes.map((q: any) => q.status).sort()).toEqual([
      'ACCEPTED',
      'SENT',
      'SENT',
      'SENT',
      'SENT',
      'SENT',
    ]);
  });

  it('refuses a past validUntil, an opportunity without lines and an unknown opportunity', async () => {
    const c = await newClient();
    const opportunity = await quotableOpportunity(c);
    expect(await c.createQuote({ opportunityId: opportunity.id, validUntil: PAST })).toEqual({
      quote: null,
      userErrors: [{ code: 'INVALID_DATE', field: ['input', 'validUntil'] }],
    });
    const bare = await newOpportunity(c, { amount: cny('500.00') });
    expect(await c.createQuote({ opportunityId: bare.id, validUntil: FUTURE })).toEqual({
      quote: null,
      userErrors: [{ code: 'NO_LINES', field: ['input', 'opportunityId'] }],
    });
    expect((await c.createQuote({ opportunityId: UNKNOWN_ID, validUntil: FUTURE })).userErrors).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'opportunityId'] },
    ]);
    // Nothing was numbered by the refused attempts.
    expect((await newQuote(c, opportunity.id)).number).toBe('Q-000001');
  });

  it("changes a quote's lines only while it is a DRAFT, leaving the opportunity's lines alone", async () => {
    const c = await newClient();
    const opportunity = await quotableOpportunity(c);
    const quote = await newQuote(c, opportunity.id);
    const giftBox = quote.lines[1].id;
    const edited = await c.updateQuoteLine({ id: giftBox, discountPercent: '10', description: 'Gift box, large' });
    expect(edited.userErrors).toEqual([]);
    expect(edited.quote).toMatchObject({
      status: 'DRAFT',
      subtotal: cny('159.97'),
      discountTotal: cny('17.50'),
      total: cny('142.47'),
    });
    expect(edited.quote.lines[1]).toMatchObject({
      description: 'Gift box, large',
      discountPercent: '10',
      amount: cny('90.00'),
    });
    const repriced = await c.updateQuoteLine({ id: giftBox, quantity: '2', unitPrice: cny('80.005') });
    expect(repriced.userErrors).toEqual([]);
    // 2 x 80.005 = 160.01; at 10% off 144.009 -> 144.01.
    expect(repriced.quote).toMatchObject({
      subtotal: cny('219.98'),
      discountTotal: cny('23.50'),
      total: cny('196.48'),
    });
    expect(repriced.quote.lines[1]).toMatchObject({ quantity: '2', unitPrice: cny('80.005'), amount: cny('144.01') });

    expect(await c.updateQuoteLine({ id: giftBox, quantity: '0' })).toEqual({
      quote: null,
      userErrors: [{ code: 'OUT_OF_RANGE', field: ['input', 'quantity'] }],
    });
    expect(
      (await c.updateQuoteLine({ id: giftBox, unitPrice: { amount: '1.00', currency: 'USD' } })).userErrors,
    ).toEqual([{ code: 'CURRENCY_MISMATCH', field: ['input', 'unitPrice', 'currency'] }]);
    expect((await c.updateQuoteLine({ id: UNKNOWN_ID, quantity: '1' })).userErrors).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'id'] },
    ]);

    const after = await c.opportunity(opportunity.id);
    expect(after.amount).toEqual(cny('152.47'));
    expect(lineValues(after.lines)).toEqual(lineValues(opportunity.lines));

    const sent = await c.sendQuote(quote.id);
    expect(sent.userErrors).toEqual([]);
    expect(sent.quote.status).toBe('SENT');
    expect(sent.quote.sentAt).not.toBeNull();
    expect(await c.updateQuoteLine({ id: giftBox, quantity: '5' })).toEqual({
      quote: null,
      userErrors: [{ code: 'INVALID_STATUS', field: ['input', 'id'] }],
    });
    expect((await c.sendQuote(quote.id)).userErrors).toEqual([{ code: 'INVALID_STATUS', field: ['input', 'id'] }]);
    expect((await c.quote(quote.id)).total).toEqual(cny('196.48'));
  });

  it('accepting a quote puts its lines and amount on the opportunity; only one quote per opportunity is accepted', async () => {
    const c = await newClient();
    const opportunity = await quotableOpportunity(c);
    await c.moveStage({ id: opportunity.id, stageId: await c.stageId('Negotiation') });
    const first = await newQuote(c, opportunity.id);
    const second = await newQuote(c, opportunity.id);
    await c.updateQuoteLine({ id: first.lines[1].id, discountPercent: '10' });
    await c.updateQuoteLine({ id: first.lines[0].id, quantity: '4' });

    expect(await c.acceptQuote(first.id)).toEqual({
      quote: null,
      userErrors: [{ code: 'INVALID_STATUS', field: ['input', 'id'] }],
    });
    expect((await c.sendQuote(first.id)).userErrors).toEqual([]);
    expect((await c.sendQuote(second.id)).userErrors).toEqual([]);

    const accepted = await c.acceptQuote(first.id);
    expect(accepted.userErrors).toEqual([]);
    // 4 x 19.99 = 79.96 at 12.5% off = 69.965 -> 69.97; 100.00 at 10% off = 90.00.
    expect(accepted.quote).toMatchObject({
      status: 'ACCEPTED',
      subtotal: cny('179.96'),
      discountTotal: cny('19.99'),
      total: cny('159.97'),
    });
    expect(accepted.quote.opportunity.amount).toEqual({ amount: '159.97' });
    // 159.97 at 75% = 119.9775 -> 119.98.
    expect(accepted.quote.opportunity.weightedAmount).toEqual({ amount: '119.98' });

    const after = await c.opportunity(opportunity.id);
    expect(after).toMatchObject({ status: 'OPEN', amount: cny('159.97'), weightedAmount: cny('119.98') });
    expect(after.lines.map((l: any) => l.description)).toEqual(['Oolong tins', 'Gift box']);
    expect(lineValues(after.lines)).toEqual([
      { quantity: '4', unitPrice: '19.99', discountPercent: '12.5', amount: '69.97' },
      { quantity: '1', unitPrice: '100.00', discountPercent: '10', amount: '90.00' },
    ]);

    expect(await c.acceptQuote(second.id)).toEqual({
      quote: null,
      userErrors: [{ code: 'QUOTE_ALREADY_ACCEPTED', field: ['input', 'id'] }],
    });
    expect((await c.quote(second.id)).status).toBe('SENT');
    expect((await c.opportunity(opportunity.id)).amount).toEqual(cny('159.97'));
    expect((await c.acceptQuote(first.id)).userErrors).toEqual([{ code: 'INVALID_STATUS', field: ['input', 'id'] }]);
    expect((await c.rejectQuote(first.id)).userErrors).toEqual([{ code: 'INVALID_STATUS', field: ['input', 'id'] }]);
    const rejected = await c.rejectQuote(second.id);
    expect(rejected.userErrors).toEqual([]);
    expect(rejected.quote.status).toBe('REJECTED');
    expect((await c.opportunity(opportunity.id)).quotes).toEqual([
      { number: 'Q-000002', status: 'REJECTED' },
      { number: 'Q-000001', status: 'ACCEPTED' },
    ]);
  });

  it('rejects a SENT quote and nothing else', async () => {
    const c = await newClient();
    const opportunity = await quotableOpportunity(c);
    const quote = await newQuote(c, opportunity.id);
    expect(await c.rejectQuote(quote.id)).toEqual({
      quote: null,
      userErrors: [{ code: 'INVALID_STATUS', field: ['input', 'id'] }],
    });
    await c.sendQuote(quote.id);
    const rejected = await c.rejectQuote(quote.id);
    expect(rejected.userErrors).toEqual([]);
    expect(rejected.quote).toMatchObject({ status: 'REJECTED', total: cny('152.47') });
    for (const action of [c.sendQuote, c.acceptQuote, c.rejectQuote]) {
      expect((await action(quote.id)).userErrors).toEqual([{ code: 'INVALID_STATUS', field: ['input', 'id'] }]);
    }
    expect((await c.updateQuoteLine({ id: quote.lines[0].id, quantity: '1' })).userErrors).toEqual([
      { code: 'INVALID_STATUS', field: ['input', 'id'] },
    ]);
    expect((await c.acceptQuote(UNKNOWN_ID)).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    // A rejected quote leaves the opportunity as it was.
    expect((await c.opportunity(opportunity.id)).amount).toEqual(cny('152.47'));
  });

  it('reads a DRAFT or SENT quote past its validUntil as EXPIRED and refuses to send or accept it', async () => {
    const c = await newClient();
    const opportunity = await quotableOpportunity(c);
    const expire = (id: string) =>
      stack.database.sql`update sales.quotes set valid_until = '2020-01-01' where id = ${id}`;

    const draft = await newQuote(c, opportunity.id);
    await expire(draft.id);
    expect(await c.quote(draft.id)).toMatchObject({ status: 'EXPIRED', validUntil: PAST });
    expect(await c.sendQuote(draft.id)).toEqual({
      quote: null,
      userErrors: [{ code: 'QUOTE_EXPIRED', field: ['input', 'id'] }],
    });
    expect((await c.updateQuoteLine({ id: draft.lines[0].id, quantity: '1' })).userErrors).toEqual([
      { code: 'QUOTE_EXPIRED', field: ['input', 'id'] },
    ]);

    const sent = await newQuote(c, opportunity.id);
    await c.sendQuote(sent.id);
    await expire(sent.id);
    expect((await c.quote(sent.id)).status).toBe('EXPIRED');
    expect(await c.acceptQuote(sent.id)).toEqual({
      quote: null,
      userErrors: [{ code: 'QUOTE_EXPIRED', field: ['input', 'id'] }],
    });
    expect((await c.rejectQuote(sent.id)).userErrors).toEqual([{ code: 'QUOTE_EXPIRED', field: ['input', 'id'] }]);
    expect((await c.opportunity(opportunity.id)).quotes).toEqual([
      { number: 'Q-000002', status: 'EXPIRED' },
      { number: 'Q-000001', status: 'EXPIRED' },
    ]);

    // Decided quotes keep their status after validUntil.
    const decided = await newQuote(c, opportunity.id);
    await c.sendQuote(decided.id);
    await c.acceptQuote(decided.id);
    await expire(decided.id);
    expect((await c.quote(decided.id)).status).toBe('ACCEPTED');
  });
});

// ---- rules added after review

describe('closing rules and cursors', () => {
  it('asks for a reason when an opportunity is moved into the LOST stage', async () => {
    const c = await newClient();
    const opportunity = await newOpportunity(c);
    const lost = await c.stageId('Lost');
    const withoutReason = await c.moveStage({ id: opportunity.id, stageId: lost });
    expect(withoutReason.userErrors).toEqual([{ code: 'REQUIRED', field: ['input', 'lostReason'] }]);
    expect((await c.opportunity(opportunity.id)).status).toBe('OPEN');
    const withReason = await c.moveStage({ id: opportunity.id, stageId: lost, lostReason: 'Budget cut' });
    expect(withReason.opportunity).toMatchObject({ status: 'LOST', lostReason: 'Budget cut' });
  });

  it('does not send a quote of a closed opportunity', async () => {
    const c = await newClient();
    const opportunity = await quotableOpportunity(c);
    const quote = await newQuote(c, opportunity.id);
    await c.markWon(opportunity.id);
    expect((await c.sendQuote(quote.id)).userErrors).toEqual([{ code: 'OPPORTUNITY_CLOSED', field: ['input', 'id'] }]);
  });

  it('refuses forged cursors on every list with BAD_USER_INPUT', async () => {
    const c = await newClient();
    const forged = Buffer.from(JSON.stringify(['not-a-time', 'not-a-uuid'])).toString('base64url');
    for (const query of [
      'query($a: String) { customers(after: $a) { totalCount } }',
      'query($a: String) { leads(after: $a) { totalCount } }',
      'query($a: String) { opportunities(after: $a) { totalCount } }',
    ]) {
      const res = await stack.query(c.token, query, { a: forged });
      expect(res.errors?.[0].extensions?.code, query).toBe('BAD_USER_INPUT');
    }
  });
});
