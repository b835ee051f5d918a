import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../lib/ids.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/**
 * A hand-built history (stage visits with exact timestamps), written straight into the tables, so
 * that the funnel, the weighted pipeline and the forecast can be checked against numbers worked out
 * by hand (see the comments) rather than against the code's own arithmetic.
 */
let stack: Stack;
let token: string;
let tenant: string;
let customerId: string;
const stageIds: Record<string, string> = {};

// ISO strings: raw postgres.js queries on a drizzle-managed client take timestamps as text.
const day = (iso: string) => `${iso}T09:00:00Z`;

function monthsFromNow(months: number, dayOfMonth: number) {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + months, dayOfMonth)).toISOString().slice(0, 10);
}

async function opportunity(o: {
  owner: string;
  amount: string;
  status: string;
  visits: [string, string][];
  closeOn?: string | null;
}) {
  const id = uuidv7();
  const last = o.visits.at(-1)!;
  const closed = o.status !== 'OPEN' ? day(last[1]) : null;
  await stack.database.sql`
    insert into sales.opportunities (tenant_id, id, title, customer_id, owner_id, stage_id, status, manual_amount, amount, currency, expected_close_date, created_at, updated_at, closed_at)
    values (${tenant}, ${id}, 'Fixture', ${customerId}, ${o.owner}, ${stageIds[last[0]]}, ${o.status}, ${o.amount}, ${o.amount}, 'CNY', ${o.closeOn ?? null}, ${day(o.visits[0][1])}, ${day(last[1])}, ${closed})`;
  for (const [i, [stage, entered]] of o.visits.entries()) {
    const left = o.visits[i + 1] ? day(o.visits[i + 1][1]) : null;
    await stack.database.sql`
      insert into sales.stage_history (tenant_id, id, opportunity_id, stage_id, entered_at, left_at)
      values (${tenant}, ${uuidv7()}, ${id}, ${stageIds[stage]}, ${day(entered)}, ${left})`;
  }
  return id;
}

async function lead(created: string, opportunityId: string | null) {
  await stack.database.sql`
    insert into sales.leads (tenant_id, id, name, source, status, created_at, updated_at, opportunity_id)
    values (${tenant}, ${uuidv7()}, 'Fixture lead', 'WEBSITE', ${opportunityId ? 'CONVERTED' : 'NEW'}, ${day(created)}, ${day(created)}, ${opportunityId})`;
}

beforeAll(async () => {
  stack = await startStack();
  tenant = newTenant();
  token = await stack.token(tenant);
  customerId = (
    await stack.query(token, 'mutation { createCustomer(input: {name: "Fixture Co"}) { customer { id } } }')
  ).data.createCustomer.customer.id;
  const stages = (await stack.query(token, '{ pipelineStages { id name } }')).data.pipelineStages as {
    id: string;
    name: string;
  }[];
  for (const s of stages) stageIds[s.name] = s.id;

  // Q = Qualification 10%, N = Needs analysis 25%, P = Proposal 50%, Negotiation 75%.
  const o1 = await opportunity({
    owner: 'alice',
    amount: '5000.00',
    status: 'WON',
    visits: [
      ['Qualification', '2026-01-05'],
      ['Needs analysis', '2026-01-10'],
      ['Proposal', '2026-01-20'],
      ['Won', '2026-02-01'],
    ],
  });
  await opportunity({
    owner: 'alice',
    amount: '800.00',
    status: 'LOST',
    visits: [
      ['Qualification', '2026-01-06'],
      ['Needs analysis', '2026-01-16'],
      ['Lost', '2026-01-26'],
    ],
  });
  await opportunity({
    owner: 'alice',
    amount: '300.00',
    status: 'LOST',
    visits: [
      ['Qualification', '2026-01-07'],
      ['Lost', '2026-01-09'],
    ],
  });
  // Moved back from N to Q: neither advanced nor lost out of N; open in Q.
  await opportunity({
    owner: 'alice',
    amount: '1234.55',
    status: 'OPEN',
    closeOn: monthsFromNow(0, 1),
    visits: [
      ['Qualification', '2026-02-01'],
      ['Needs analysis', '2026-02-03'],
      ['Qualification', '2026-02-05'],
    ],
  });
  // Entered Q before the window: only its N visit counts.
  const o5 = await opportunity({
    owner: 'alice',
    amount: '999.99',
    status: 'OPEN',
    closeOn: monthsFromNow(1, 15),
    visits: [
      ['Qualification', '2025-12-20'],
      ['Needs analysis', '2026-01-02'],
    ],
  });
  // Bob's skips N; its expected close has passed, so the forecast counts it in the current month.
  await opportunity({
    owner: 'bob',
    amount: '0.01',
    status: 'OPEN',
    closeOn: monthsFromNow(-1, 10),
    visits: [
      ['Qualification', '2026-03-01'],
      ['Proposal', '2026-03-04'],
    ],
  });

  await lead('2026-01-03', o1);
  await lead('2026-01-04', null);
  await lead('2026-02-10', o5);
  await lead('2025-12-01', o5);
});
afterAll(() => stack?.close());

const FUNNEL = `query($from: Date, $to: Date, $owner: String) { salesFunnel(from: $from, to: $to, ownerId: $owner) {
  from to leadToOpportunityRate winRate
  stages { stage { name } entered advanced lost conversionRate averageDaysInStage } } }`;

describe('salesFunnel', () => {
  it('matches the hand-computed funnel for Q1 2026', async () => {
    const res = await stack.query(token, FUNNEL, { from: '2026-01-01', to: '2026-03-31' });
    expect(res.errors).toBeUndefined();
    expect(res.data.salesFunnel).toEqual({
      from: '2026-01-01',
      to: '2026-03-31',
      // leads created in the window: 3, of which converted: 2
      leadToOpportunityRate: 0.6667,
      // closed in the window: 1 won (O1), 2 lost (O2, O3)
      winRate: 0.3333,
      stages: [
        // entered: O1, O2, O3, O4 (twice, counted once), O6 = 5; advanced: O1, O2, O4 (first visit), O6 = 4; lost: O3.
        // completed stays: 5 + 10 + 2 + 2 + 3 days = 22 / 5 = 4.4
        {
          stage: { name: 'Qualification' },
          entered: 5,
          advanced: 4,
          lost: 1,
          conversionRate: 0.8,
          averageDaysInStage: 4.4,
        },
        // entered: O1, O2, O4, O5 = 4; advanced: O1 only (O4 went back); lost: O2; stays 10 + 10 + 2 = 22 / 3
        {
          stage: { name: 'Needs analysis' },
          entered: 4,
          advanced: 1,
          lost: 1,
          conversionRate: 0.25,
          averageDaysInStage: 7.33,
        },
        // entered: O1, O6; advanced: O1 (to WON); stay: 12 days
        { stage: { name: 'Proposal' }, entered: 2, advanced: 1, lost: 0, conversionRate: 0.5, averageDaysInStage: 12 },
        {
          stage: { name: 'Negotiation' },
          entered: 0,
          advanced: 0,
          lost: 0,
          conversionRate: null,
          averageDaysInStage: null,
        },
      ],
    });
  });

  it('narrows to one owner and to a shorter window', async () => {
    const bob = await stack.query(token, FUNNEL, { from: '2026-01-01', to: '2026-03-31', owner: 'bob' });
    expect(bob.data.salesFunnel.stages.map((s: any) => [s.stage.name, s.entered, s.advanced])).toEqual([
      ['Qualification', 1, 1],
      ['Needs analysis', 0, 0],
      ['Proposal', 1, 0],
      ['Negotiation', 0, 0],
    ]);
    expect(bob.data.salesFunnel.winRate).toBeNull();
    // January only: O4 and O6 entered later; O1 still advanced out of Q (its move counts even after the window).
    const january = await stack.query(token, FUNNEL, { from: '2026-01-01', to: '2026-01-31' });
    expect(january.data.salesFunnel.stages[0]).toMatchObject({ entered: 3, advanced: 2, lost: 1 });
    expect(january.data.salesFunnel.winRate).toBe(0); // O2 and O3 lost in January, O1 won in February
  });

  it('refuses a window that ends before it starts', async () => {
    const res = await stack.query(token, FUNNEL, { from: '2026-03-01', to: '2026-01-01' });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('weighted pipeline and forecast', () => {
  it('weights each open opportunity by its stage, rounded half-up to the cent', async () => {
    const res = await stack.query(
      token,
      'query($id: ID!) { customer(id: $id) { pipeline { openCount openAmount { amount currency } weightedAmount { amount } } } }',
      { id: customerId },
    );
    // 1234.55 x 10% = 123.455 -> 123.46; 999.99 x 25% = 249.9975 -> 250.00; 0.01 x 50% = 0.005 -> 0.01
    expect(res.data.customer.pipeline).toEqual({
      openCount: 3,
      openAmount: { amount: '2234.55', currency: 'CNY' },
      weightedAmount: { amount: '373.47' },
    });
  });

  it('forecasts by month of expected close, overdue deals in the current month', async () => {
    const res = await stack.query(
      token,
      '{ pipelineForecast(months: 3) { month count amount { amount } weightedAmount { amount } } }',
    );
    expect(res.data.pipelineForecast).toEqual([
      { month: monthsFromNow(0, 1), count: 2, amount: { amount: '1234.56' }, weightedAmount: { amount: '123.47' } },
      { month: monthsFromNow(1, 1), count: 1, amount: { amount: '999.99' }, weightedAmount: { amount: '250.00' } },
      { month: monthsFromNow(2, 1), count: 0, amount: { amount: '0.00' }, weightedAmount: { amount: '0.00' } },
    ]);
    const bad = await stack.query(token, '{ pipelineForecast(months: 0) { month } }');
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
