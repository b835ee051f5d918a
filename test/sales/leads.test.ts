import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const ERRORS = 'userErrors { code field message }';
const LEAD = `id name company email phone source status disqualifiedReason ownerId nextFollowUpAt
  createdAt updatedAt convertedAt campaign { id name }
  customFields { key label type text number date boolean }`;
const OPPORTUNITY = `id title ownerId status amount { amount currency } expectedCloseDate
  stage { name kind } customer { id } source { id }`;
const CAMPAIGN = 'id name channel startsOn endsOn spend { amount currency }';

const NO_SUCH_ID = '018f0000-0000-7000-8000-000000000000';

type Input = Record<string, unknown>;

/** `code` and `field` of each user error, the parts a client acts on. */
const errorsOf = (payload: { userErrors: { code: string; field: string[] | null }[] }) =>
  payload.userErrors.map(({ code, field }) => ({ code, field }));

/**
 * A fresh tenant with helpers: each mutation helper returns its payload, each query helper its
 * root field; any GraphQL error fails the test.
 */
async function tenantSession(userId = 'rep-1') {
  const token = await stack.token(newTenant(), undefined, { userId });

  const read = async (query: string, variables: Input = {}) => {
    const res = await stack.query(token, query, variables);
    if (res.errors) throw new Error(`request failed: ${JSON.stringify(res.errors)}`);
    return res.data;
  };
  const mutation = (name: string, inputType: string, selection: string) => async (input: Input) =>
    (await read(`mutation($input: ${inputType}!) { ${name}(input: $input) { ${selection} ${ERRORS} } }`, { input }))[
      name
    ];

  const createLeadRaw = mutation('createLead', 'CreateLeadInput', `lead { ${LEAD} }`);
  const createCampaignRaw = mutation('createCampaign', 'CreateCampaignInput', `campaign { ${CAMPAIGN} }`);
  const createCustomerRaw = mutation('createCustomer', 'CreateCustomerInput', 'customer { id name kind }');
  const createOpportunityRaw = mutation(
    'createOpportunity',
    'CreateOpportunityInput',
    `opportunity { ${OPPORTUNITY} }`,
  );
  const qualify = mutation('qualifyLead', 'QualifyLeadInput', `lead { ${LEAD} }`);
  const disqualify = mutation('disqualifyLead', 'DisqualifyLeadInput', `lead { ${LEAD} }`);
  const won = mutation('markOpportunityWon', 'MarkOpportunityWonInput', 'opportunity { id status }');

  /** Creates and expects no user errors. */
  const ok = async <T extends { userErrors: unknown[] }>(payload: Promise<T>): Promise<T> => {
    const result = await payload;
    expect(result.userErrors).toEqual([]);
    return result;
  };

  return {
    token,
    read,
    createLead: createLeadRaw,
    /** A lead that must be created; returns the lead. */
    newLead: async (input: Input) => ((await ok(createLeadRaw({ ...input }))) as any).lead,
    updateLead: mutation('updateLead', 'UpdateLeadInput', `lead { ${LEAD} }`),
    assignLead: mutation('assignLead', 'AssignLeadInput', `lead { ${LEAD} }`),
    qualifyLead: (id: string) => qualify({ id }),
    disqualifyLead: (id: string, reason: string) => disqualify({ id, reason }),
    convertLead: mutation(
      'convertLead',
      'ConvertLeadInput',
      `lead { ${LEAD} customer { id name kind } opportunity { id title } } customer { id name kind } opportunity { ${OPPORTUNITY} }`,
    ),
    createCampaign: createCampaignRaw,
    newCampaign: async (input: Input) => ((await ok(createCampaignRaw(input))) as any).campaign,
    newCustomer: async (input: Input) => ((await ok(createCustomerRaw(input))) as any).customer,
    newOpportunity: async (input: Input) => ((await ok(createOpportunityRaw(input))) as any).opportunity,
    markWon: (id: string) => ok(won({ id })),
    defineCustomField: mutation(
      'defineCustomField',
      'DefineCustomFieldInput',
      'definition { key label type options required }',
    ),

    lead: async (id: string) =>
      (
        await read(`query($id: ID!) { lead(id: $id) { ${LEAD} customer { id name kind } opportunity { id title } } }`, {
          id,
        })
      ).lead,
    leads: async (args: Input = {}) =>
      (
        await read(
          `query($first: Int, $after: String, $filter: LeadFilter, $orderBy: LeadOrder) {
            leads(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
              totalCount nodes { id name } edges { cursor node { name } }
              pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
          args,
        )
      ).leads,
    /** Names of the leads matching `filter`, in the order returned. */
    leadNames: async (filter: Input, orderBy?: Input) =>
      (
        await read(
          'query($filter: LeadFilter, $orderBy: LeadOrder) { leads(first: 100, filter: $filter, orderBy: $orderBy) { nodes { name } } }',
          { filter, orderBy },
        )
      ).leads.nodes.map((n: { name: string }) => n.name),
    leadCount: async () => (await read('{ leads { totalCount } }')).leads.totalCount as number,
    campaigns: async () => (await read(`{ campaigns { ${CAMPAIGN} } }`)).campaigns,
    customerCount: async () =>
      (await read('{ customers(filter: {includeArchived: true}) { totalCount } }')).customers.totalCount as number,
    opportunityCount: async () => (await read('{ opportunities { totalCount } }')).opportunities.totalCount as number,
    followUpsDue: async (args: Input = {}) =>
      (
        await read(
          `query($ownerId: String, $before: DateTime) { followUpsDue(ownerId: $ownerId, before: $before) {
            dueAt lead { name status } opportunity { title status } } }`,
          args,
        )
      ).followUpsDue,
  };
}

type Session = Awaited<ReturnType<typeof tenantSession>>;

const at = (iso: string) => new Date(iso).toISOString();
const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

describe('createLead', () => {
  it('creates a NEW lead with trimmed and normalised fields, readable by id', async () => {
    const s = await tenantSession();
    const campaign = await s.newCampaign({ name: 'Spring fair' });
    const { lead, userErrors } = await s.createLead({
      name: '  Li Lei  ',
      company: ' Lei Tea ',
      email: ' Li.Lei@LEI-Tea.CN ',
      phone: ' +86 (138) 0000-0000 ',
      source: 'TRADE_SHOW',
      campaignId: campaign.id,
      ownerId: ' alice ',
      nextFollowUpAt: '2030-01-02T03:04:05.000Z',
    });
    expect(userErrors).toEqual([]);
    expect(lead).toMatchObject({
      name: 'Li Lei',
      company: 'Lei Tea',
      email: 'li.lei@lei-tea.cn',
      phone: '+86 (138) 0000-0000',
      source: 'TRADE_SHOW',
      status: 'NEW',
      disqualifiedReason: null,
      ownerId: 'alice',
      nextFollowUpAt: '2030-01-02T03:04:05.000Z',
      convertedAt: null,
      campaign: { id: campaign.id, name: 'Spring fair' },
      customFields: [],
    });
    expect(lead.createdAt).toBe(lead.updatedAt);
    expect(await s.lead(lead.id)).toEqual({ ...lead, customer: null, opportunity: null });
  });

  it('defaults the source to OTHER and turns blank optional fields into null', async () => {
    const s = await tenantSession();
    const { lead } = await s.createLead({ name: 'Han Meimei', company: '   ', email: '', phone: ' ' });
    expect(lead).toMatchObject({
      name: 'Han Meimei',
      company: null,
      email: null,
      phone: null,
      source: 'OTHER',
      ownerId: null,
      campaign: null,
      nextFollowUpAt: null,
    });
  });

  it('reports every invalid field at once and saves nothing', async () => {
    const s = await tenantSession();
    const bad = await s.createLead({ name: '  ', email: 'li@lei', phone: '12-3', campaignId: NO_SUCH_ID });
    expect(bad.lead).toBeNull();
    expect(errorsOf(bad)).toEqual(
      expect.arrayContaining([
        { code: 'REQUIRED', field: ['input', 'name'] },
        { code: 'INVALID_EMAIL', field: ['input', 'email'] },
        { code: 'INVALID_PHONE', field: ['input', 'phone'] },
        { code: 'NOT_FOUND', field: ['input', 'campaignId'] },
      ]),
    );
    expect(bad.userErrors).toHaveLength(4);
    expect(await s.leadCount()).toBe(0);
  });

  it('refuses each invalid field on its own', async () => {
    const s = await tenantSession();
    const cases: [Input, { code: string; field: string[] }][] = [
      [{ name: '' }, { code: 'REQUIRED', field: ['input', 'name'] }],
      [
        { name: 'x', email: 'not an email' },
        { code: 'INVALID_EMAIL', field: ['input', 'email'] },
      ],
      [
        { name: 'x', email: 'a@b' },
        { code: 'INVALID_EMAIL', field: ['input', 'email'] },
      ],
      [
        { name: 'x', phone: 'call me' },
        { code: 'INVALID_PHONE', field: ['input', 'phone'] },
      ],
      [
        { name: 'x', phone: '1234' },
        { code: 'INVALID_PHONE', field: ['input', 'phone'] },
      ],
      [
        { name: 'x', campaignId: NO_SUCH_ID },
        { code: 'NOT_FOUND', field: ['input', 'campaignId'] },
      ],
      [
        { name: 'x', campaignId: 'not-a-uuid' },
        { code: 'NOT_FOUND', field: ['input', 'campaignId'] },
      ],
    ];
    for (const [input, error] of cases) {
      const res = await s.createLead(input);
      expect(res.lead, JSON.stringify(input)).toBeNull();
      expect(errorsOf(res), JSON.stringify(input)).toEqual([error]);
    }
    expect(await s.leadCount()).toBe(0);
  });

  it('does not see another tenant’s leads and campaigns', async () => {
    const mine = await tenantSession();
    const theirs = await tenantSession();
    const campaign = await theirs.newCampaign({ name: 'Theirs' });
    const lead = await theirs.newLead({ name: 'Their Lead', campaignId: campaign.id });
    expect(errorsOf(await mine.createLead({ name: 'x', campaignId: campaign.id }))).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'campaignId'] },
    ]);
    expect(await mine.lead(lead.id)).toBeNull();
    expect(await mine.leadCount()).toBe(0);
    expect(await mine.campaigns()).toEqual([]);
    expect(errorsOf(await mine.updateLead({ id: lead.id, name: 'Mine now' }))).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'id'] },
    ]);
    expect(errorsOf(await mine.assignLead({ leadId: lead.id, ownerId: 'me' }))).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'leadId'] },
    ]);
    expect(errorsOf(await mine.qualifyLead(lead.id))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    expect(errorsOf(await mine.convertLead({ leadId: lead.id, opportunity: { title: 'x' } }))).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'leadId'] },
    ]);
    expect(await theirs.lead(lead.id)).toMatchObject({ name: 'Their Lead', ownerId: null, status: 'NEW' });
  });
});

describe('updateLead', () => {
  it('changes only the fields given; null clears', async () => {
    const s = await tenantSession();
    const campaign = await s.newCampaign({ name: 'Webinar' });
    const lead = await s.newLead({
      name: 'Wang Wu',
      company: 'Wu Trading',
      email: 'wu@wu.cn',
      phone: '021 5555 1234',
      source: 'WEBSITE',
      campaignId: campaign.id,
      ownerId: 'bob',
      nextFollowUpAt: '2030-05-01T09:00:00.000Z',
    });

    const renamed = await s.updateLead({ id: lead.id, name: ' Wang Wu Jr. ', email: 'WU@WU.CN ' });
    expect(renamed.userErrors).toEqual([]);
    expect(renamed.lead).toMatchObject({
      name: 'Wang Wu Jr.',
      email: 'wu@wu.cn',
      company: 'Wu Trading',
      phone: '021 5555 1234',
      source: 'WEBSITE',
      campaign: { id: campaign.id },
      ownerId: 'bob',
      nextFollowUpAt: '2030-05-01T09:00:00.000Z',
      status: 'NEW',
    });
    expect(renamed.lead.createdAt).toBe(lead.createdAt);
    expect(Date.parse(renamed.lead.updatedAt)).toBeGreaterThanOrEqual(Date.parse(lead.updatedAt));

    const cleared = await s.updateLead({
      id: lead.id,
      company: null,
      email: null,
      phone: null,
      campaignId: null,
      nextFollowUpAt: null,
      source: 'REFERRAL',
    });
    expect(cleared.userErrors).toEqual([]);
    expect(cleared.lead).toMatchObject({
      name: 'Wang Wu Jr.',
      company: null,
      email: null,
      phone: null,
      campaign: null,
      nextFollowUpAt: null,
      source: 'REFERRAL',
      ownerId: 'bob',
    });
    expect(await s.lead(lead.id)).toMatchObject({
      name: 'Wang Wu Jr.',
      company: null,
      email: null,
      phone: null,
      campaign: null,
      nextFollowUpAt: null,
      source: 'REFERRAL',
    });
  });

  it('validates the fields given and changes nothing on error', async () => {
    const s = await tenantSession();
    const lead = await s.newLead({ name: 'Zhao Liu', email: 'zl@zl.cn' });
    const cases: [Input, { code: string; field: string[] }][] = [
      [{ name: null }, { code: 'REQUIRED', field: ['input', 'name'] }],
      [{ name: ' ' }, { code: 'REQUIRED', field: ['input', 'name'] }],
      [{ email: 'zl@' }, { code: 'INVALID_EMAIL', field: ['input', 'email'] }],
      [{ phone: '+1' }, { code: 'INVALID_PHONE', field: ['input', 'phone'] }],
      [{ campaignId: NO_SUCH_ID }, { code: 'NOT_FOUND', field: ['input', 'campaignId'] }],
    ];
    for (const [patch, error] of cases) {
      const res = await s.updateLead({ id: lead.id, company: 'Should Not Stick', ...patch });
      expect(res.lead, JSON.stringify(patch)).toBeNull();
      expect(errorsOf(res), JSON.stringify(patch)).toEqual([error]);
    }
    expect(await s.lead(lead.id)).toMatchObject({
      name: 'Zhao Liu',
      email: 'zl@zl.cn',
      company: null,
      updatedAt: lead.updatedAt,
    });
    expect(errorsOf(await s.updateLead({ id: NO_SUCH_ID, name: 'x' }))).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'id'] },
    ]);
    expect(errorsOf(await s.updateLead({ id: 'nope', name: 'x' }))).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'id'] },
    ]);
  });

  it('moves the status between NEW and CONTACTED only', async () => {
    const s = await tenantSession();
    const lead = await s.newLead({ name: 'Status Lead' });
    const contacted = await s.updateLead({ id: lead.id, status: 'CONTACTED' });
    expect(contacted.userErrors).toEqual([]);
    expect(contacted.lead.status).toBe('CONTACTED');
    expect((await s.updateLead({ id: lead.id, status: 'NEW' })).lead.status).toBe('NEW');
    expect((await s.updateLead({ id: lead.id, status: 'NEW', name: 'Still New' })).lead).toMatchObject({
      status: 'NEW',
      name: 'Still New',
    });

    for (const status of ['QUALIFIED', 'DISQUALIFIED', 'CONVERTED']) {
      const res = await s.updateLead({ id: lead.id, status });
      expect(res.lead).toBeNull();
      expect(errorsOf(res)).toEqual([{ code: 'INVALID_STATUS_TRANSITION', field: ['input', 'status'] }]);
    }

    await s.qualifyLead(lead.id);
    for (const status of ['NEW', 'CONTACTED']) {
      expect(errorsOf(await s.updateLead({ id: lead.id, status }))).toEqual([
        { code: 'INVALID_STATUS_TRANSITION', field: ['input', 'status'] },
      ]);
    }
    const other = await s.newLead({ name: 'Dropped Lead' });
    await s.disqualifyLead(other.id, 'No budget');
    expect(errorsOf(await s.updateLead({ id: other.id, status: 'NEW' }))).toEqual([
      { code: 'INVALID_STATUS_TRANSITION', field: ['input', 'status'] },
    ]);
    expect((await s.lead(lead.id)).status).toBe('QUALIFIED');
    expect((await s.lead(other.id)).status).toBe('DISQUALIFIED');
  });

  it('refuses to change a converted lead', async () => {
    const s = await tenantSession();
    const lead = await s.newLead({ name: 'Done Deal' });
    expect((await s.convertLead({ leadId: lead.id, opportunity: { title: 'Deal' } })).userErrors).toEqual([]);
    const res = await s.updateLead({ id: lead.id, name: 'Renamed' });
    expect(res.lead).toBeNull();
    expect(errorsOf(res)).toEqual([{ code: 'LEAD_CONVERTED', field: ['input', 'id'] }]);
    expect((await s.lead(lead.id)).name).toBe('Done Deal');
  });
});

describe('assignLead', () => {
  it('assigns an explicit owner and reassigns', async () => {
    const s = await tenantSession();
    const lead = await s.newLead({ name: 'Owned' });
    const first = await s.assignLead({ leadId: lead.id, ownerId: ' alice ' });
    expect(first.userErrors).toEqual([]);
    expect(first.lead.ownerId).toBe('alice');
    expect((await s.assignLead({ leadId: lead.id, ownerId: 'bob' })).lead.ownerId).toBe('bob');
    expect((await s.lead(lead.id)).ownerId).toBe('bob');
    expect(await s.leadNames({ ownerId: 'bob' })).toEqual(['Owned']);
    expect(await s.leadNames({ ownerId: 'alice' })).toEqual([]);
  });

  it('round-robins over the owners in list order: a, b, c, a, ...', async () => {
    const s = await tenantSession();
    const leads = [];
    for (let i = 1; i <= 7; i++) leads.push(await s.newLead({ name: `RR ${i}` }));
    const owners = [];
    for (const lead of leads) {
      const res = await s.assignLead({ leadId: lead.id, roundRobin: ['a', 'b', 'c'] });
      expect(res.userErrors).toEqual([]);
      owners.push(res.lead.ownerId);
    }
    expect(owners).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
    expect(await s.leadNames({ ownerId: 'a' })).toEqual(['RR 1', 'RR 4', 'RR 7']);
    expect(await s.leadNames({ ownerId: 'c' })).toEqual(['RR 3', 'RR 6']);
  });

  it('round-robin gives the next lead to whoever least recently received one', async () => {
    const s = await tenantSession();
    const [l1, l2, l3, l4] = [
      await s.newLead({ name: 'L1' }),
      await s.newLead({ name: 'L2' }),
      await s.newLead({ name: 'L3' }),
      await s.newLead({ name: 'L4' }),
    ];
    // a received a lead by hand, then b: c never did, so c is next, then a (the longest ago).
    await s.assignLead({ leadId: l1.id, ownerId: 'a' });
    await s.assignLead({ leadId: l2.id, ownerId: 'b' });
    expect((await s.assignLead({ leadId: l3.id, roundRobin: ['a', 'b', 'c'] })).lead.ownerId).toBe('c');
    expect((await s.assignLead({ leadId: l4.id, roundRobin: ['a', 'b', 'c'] })).lead.ownerId).toBe('a');
  });

  it('round-robin assignments made at the same moment still share the leads out evenly', async () => {
    const s = await tenantSession();
    const leads = [];
    for (let i = 1; i <= 6; i++) leads.push(await s.newLead({ name: `Burst ${i}` }));
    const results = await Promise.all(
      leads.map((lead) => s.assignLead({ leadId: lead.id, roundRobin: ['a', 'b', 'c'] })),
    );
    expect(results.flatMap((r) => r.userErrors)).toEqual([]);
    expect(results.map((r) => r.lead.ownerId).sort()).toEqual(['a', 'a', 'b', 'b', 'c', 'c']);
  });

  it('needs exactly one of ownerId and roundRobin', async () => {
    const s = await tenantSession();
    const lead = await s.newLead({ name: 'Unassigned' });
    for (const input of [
      { leadId: lead.id },
      { leadId: lead.id, ownerId: 'a', roundRobin: ['b', 'c'] },
      { leadId: lead.id, roundRobin: [] },
      { leadId: lead.id, roundRobin: ['  '] },
      { leadId: lead.id, ownerId: '   ' },
    ]) {
      const res = await s.assignLead(input);
      expect(res.lead, JSON.stringify(input)).toBeNull();
      expect(errorsOf(res), JSON.stringify(input)).toEqual([
        { code: 'OWNER_OR_ROUND_ROBIN', field: ['input', 'ownerId'] },
      ]);
    }
    expect((await s.lead(lead.id)).ownerId).toBeNull();
    expect(errorsOf(await s.assignLead({ leadId: NO_SUCH_ID, ownerId: 'a' }))).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'leadId'] },
    ]);
  });

  it('refuses to assign a converted lead', async () => {
    const s = await tenantSession();
    const lead = await s.newLead({ name: 'Converted' });
    await s.convertLead({ leadId: lead.id, opportunity: { title: 'Deal' } });
    expect(errorsOf(await s.assignLead({ leadId: lead.id, ownerId: 'a' }))).toEqual([
      { code: 'LEAD_CONVERTED', field: ['input', 'leadId'] },
    ]);
  });
});

describe('qualifyLead and disqualifyLead', () => {
  it('qualifies a lead (twice is harmless)', async () => {
    const s = await tenantSession();
    const lead = await s.newLead({ name: 'Hot Lead' });
    await s.updateLead({ id: lead.id, status: 'CONTACTED' });
    const res = await s.qualifyLead(lead.id);
    expect(res.userErrors).toEqual([]);
    expect(res.lead.status).toBe('QUALIFIED');
    const again = await s.qualifyLead(lead.id);
    expect(again.userErrors).toEqual([]);
    expect(again.lead.status).toBe('QUALIFIED');
    expect((await s.lead(lead.id)).status).toBe('QUALIFIED');
    expect(errorsOf(await s.qualifyLead(NO_SUCH_ID))).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
  });

  it('disqualifies with a reason; a disqualified lead cannot be qualified', async () => {
    const s = await tenantSession();
    const lead = await s.newLead({ name: 'Cold Lead' });
    for (const reason of ['', '   ']) {
      const res = await s.disqualifyLead(lead.id, reason);
      expect(res.lead).toBeNull();
      expect(errorsOf(res)).toEqual([{ code: 'REQUIRED', field: ['input', 'reason'] }]);
    }
    expect((await s.lead(lead.id)).status).toBe('NEW');

    const res = await s.disqualifyLead(lead.id, '  No budget this year ');
    expect(res.userErrors).toEqual([]);
    expect(res.lead).toMatchObject({ status: 'DISQUALIFIED', disqualifiedReason: 'No budget this year' });

    const qualify = await s.qualifyLead(lead.id);
    expect(qualify.lead).toBeNull();
    expect(errorsOf(qualify)).toEqual([{ code: 'LEAD_DISQUALIFIED', field: ['input', 'id'] }]);
    expect(errorsOf(await s.disqualifyLead(lead.id, 'Again'))).toEqual([
      { code: 'LEAD_DISQUALIFIED', field: ['input', 'id'] },
    ]);
    expect(await s.lead(lead.id)).toMatchObject({ status: 'DISQUALIFIED', disqualifiedReason: 'No budget this year' });
  });

  it('a qualified lead can still be disqualified; a converted one neither', async () => {
    const s = await tenantSession();
    const lead = await s.newLead({ name: 'Lukewarm' });
    await s.qualifyLead(lead.id);
    expect((await s.disqualifyLead(lead.id, 'Went quiet')).lead.status).toBe('DISQUALIFIED');

    const converted = await s.newLead({ name: 'Signed' });
    await s.convertLead({ leadId: converted.id, opportunity: { title: 'Deal' } });
    expect(errorsOf(await s.qualifyLead(converted.id))).toEqual([{ code: 'LEAD_CONVERTED', field: ['input', 'id'] }]);
    expect(errorsOf(await s.disqualifyLead(converted.id, 'x'))).toEqual([
      { code: 'LEAD_CONVERTED', field: ['input', 'id'] },
    ]);
  });
});

describe('convertLead', () => {
  /** Lead, customer and opportunity counts, to show that a refused conversion wrote nothing. */
  const snapshot = async (s: Session, leadId: string) => {
    const lead = await s.lead(leadId);
    return {
      status: lead.status,
      convertedAt: lead.convertedAt,
      customer: lead.customer,
      opportunity: lead.opportunity,
      customers: await s.customerCount(),
      opportunities: await s.opportunityCount(),
    };
  };

  it('refuses a lead converted already, a disqualified lead and unknown ids', async () => {
    const s = await tenantSession();
    const lead = await s.newLead({ name: 'Twice', company: 'Twice Co' });
    expect((await s.convertLead({ leadId: lead.id, opportunity: { title: 'First' } })).userErrors).toEqual([]);
    const twice = await s.convertLead({ leadId: lead.id, opportunity: { title: 'Second' } });
    expect(twice).toMatchObject({ lead: null, customer: null, opportunity: null });
    expect(errorsOf(twice)).toEqual([{ code: 'LEAD_CONVERTED', field: ['input', 'leadId'] }]);
    expect(await s.customerCount()).toBe(1);
    expect(await s.opportunityCount()).toBe(1);

    const dropped = await s.newLead({ name: 'Dropped', company: 'Dropped Co' });
    await s.disqualifyLead(dropped.id, 'Competitor');
    const disqualified = await s.convertLead({ leadId: dropped.id, opportunity: { title: 'Nope' } });
    expect(errorsOf(disqualified)).toEqual([{ code: 'LEAD_DISQUALIFIED', field: ['input', 'leadId'] }]);

    for (const leadId of [NO_SUCH_ID, 'not-a-uuid']) {
      expect(errorsOf(await s.convertLead({ leadId, opportunity: { title: 'x' } }))).toEqual([
        { code: 'NOT_FOUND', field: ['input', 'leadId'] },
      ]);
    }
    expect(await s.customerCount()).toBe(1);
    expect(await s.opportunityCount()).toBe(1);
  });

  it('refuses an unknown customer, or another tenant’s, and writes nothing', async () => {
    const s = await tenantSession();
    const other = await tenantSession();
    const theirs = await other.newCustomer({ name: 'Not Yours Ltd' });
    const lead = await s.newLead({ name: 'Orphan', company: 'Orphan Co' });
    const before = await snapshot(s, lead.id);
    for (const customerId of [NO_SUCH_ID, 'not-a-uuid', theirs.id]) {
      const res = await s.convertLead({ leadId: lead.id, customerId, opportunity: { title: 'Deal' } });
      expect(res).toMatchObject({ lead: null, customer: null, opportunity: null });
      expect(errorsOf(res), customerId).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customerId'] }]);
    }
    expect(await snapshot(s, lead.id)).toEqual({ ...before, customers: 0, opportunities: 0 });
    expect(before).toMatchObject({ status: 'NEW', convertedAt: null, customer: null, opportunity: null });
  });

  it('refuses an invalid opportunity title before creating anything', async () => {
    const s = await tenantSession();
    const lead = await s.newLead({ name: 'No Title', company: 'Title Co' });
    for (const title of ['', '   ', 'x'.repeat(201)]) {
      const res = await s.convertLead({ leadId: lead.id, opportunity: { title } });
      expect(res).toMatchObject({ lead: null, customer: null, opportunity: null });
      expect(errorsOf(res)).toEqual([
        { code: title.length > 200 ? 'TOO_LONG' : 'REQUIRED', field: ['input', 'opportunity', 'title'] },
      ]);
    }
    expect(await snapshot(s, lead.id)).toEqual({
      status: 'NEW',
      convertedAt: null,
      customer: null,
      opportunity: null,
      customers: 0,
      opportunities: 0,
    });
  });

  it('refuses an amount in another currency before creating anything', async () => {
    const s = await tenantSession();
    const lead = await s.newLead({ name: 'Dollar Lead', company: 'Dollar Co' });
    const res = await s.convertLead({
      leadId: lead.id,
      opportunity: { title: 'Deal', amount: { amount: '100.00', currency: 'USD' } },
    });
    expect(res).toMatchObject({ lead: null, customer: null, opportunity: null });
    expect(errorsOf(res)).toEqual([
      { code: 'CURRENCY_MISMATCH', field: ['input', 'opportunity', 'amount', 'currency'] },
    ]);
    expect(await snapshot(s, lead.id)).toEqual({
      status: 'NEW',
      convertedAt: null,
      customer: null,
      opportunity: null,
      customers: 0,
      opportunities: 0,
    });
  });

  it('links an existing customer and opens an opportunity; all three readable at once', async () => {
    const s = await tenantSession('rep-7');
    const customer = await s.newCustomer({ name: 'Existing Trading', kind: 'COMPANY' });
    const lead = await s.newLead({ name: 'Sun Qi', company: 'Some Other Name', ownerId: 'carol' });
    const res = await s.convertLead({
      leadId: lead.id,
      customerId: customer.id,
      opportunity: {
        title: ' Tea for the office ',
        amount: { amount: '2500.50', currency: 'CNY' },
        expectedCloseDate: '2030-03-31',
      },
    });
    expect(res.userErrors).toEqual([]);
    expect(res.customer).toEqual({ id: customer.id, name: 'Existing Trading', kind: 'COMPANY' });
    expect(res.opportunity).toMatchObject({
      title: 'Tea for the office',
      ownerId: 'carol',
      status: 'OPEN',
      amount: { amount: '2500.50', currency: 'CNY' },
      expectedCloseDate: '2030-03-31',
      stage: { kind: 'OPEN' },
      customer: { id: customer.id },
      source: { id: lead.id },
    });
    expect(res.lead).toMatchObject({
      status: 'CONVERTED',
      customer: { id: customer.id, name: 'Existing Trading', kind: 'COMPANY' },
      opportunity: { id: res.opportunity.id, title: 'Tea for the office' },
    });
    expect(res.lead.convertedAt).not.toBeNull();

    expect(await s.lead(lead.id)).toMatchObject({
      status: 'CONVERTED',
      convertedAt: res.lead.convertedAt,
      customer: { id: customer.id, name: 'Existing Trading', kind: 'COMPANY' },
      opportunity: { id: res.opportunity.id, title: 'Tea for the office' },
    });
    const read = await s.read(
      `query($opp: ID!, $customer: ID!) {
        opportunity(id: $opp) { title customer { id name kind } source { id status } }
        customer(id: $customer) { name opportunities { totalCount nodes { title } } } }`,
      { opp: res.opportunity.id, customer: customer.id },
    );
    expect(read).toEqual({
      opportunity: {
        title: 'Tea for the office',
        customer: { id: customer.id, name: 'Existing Trading', kind: 'COMPANY' },
        source: { id: lead.id, status: 'CONVERTED' },
      },
      customer: {
        name: 'Existing Trading',
        opportunities: { totalCount: 1, nodes: [{ title: 'Tea for the office' }] },
      },
    });
    expect(await s.customerCount()).toBe(1);
  });

  it('creates a COMPANY customer named after the lead’s company', async () => {
    const s = await tenantSession('rep-9');
    const lead = await s.newLead({
      name: 'Zhou Ba',
      company: 'Zhou Porcelain',
      email: 'zb@zhou.cn',
      phone: '0571 8888 1234',
    });
    const res = await s.convertLead({ leadId: lead.id, opportunity: { title: 'Vases' } });
    expect(res.userErrors).toEqual([]);
    expect(res.customer).toMatchObject({ name: 'Zhou Porcelain', kind: 'COMPANY' });
    expect(res.opportunity).toMatchObject({
      title: 'Vases',
      ownerId: 'rep-9',
      amount: { amount: '0.00', currency: 'CNY' },
      customer: { id: res.customer.id },
      source: { id: lead.id },
    });
    expect(res.lead).toMatchObject({
      status: 'CONVERTED',
      customer: { id: res.customer.id, name: 'Zhou Porcelain', kind: 'COMPANY' },
      opportunity: { id: res.opportunity.id },
    });

    expect(await s.lead(lead.id)).toMatchObject({
      status: 'CONVERTED',
      customer: { id: res.customer.id, name: 'Zhou Porcelain', kind: 'COMPANY' },
      opportunity: { id: res.opportunity.id, title: 'Vases' },
    });
    const read = await s.read(
      `query($id: ID!, $opp: ID!) {
        customer(id: $id) { name kind email phone opportunities { nodes { id title } } }
        opportunity(id: $opp) { customer { name kind } } }`,
      { id: res.customer.id, opp: res.opportunity.id },
    );
    expect(read).toEqual({
      customer: {
        name: 'Zhou Porcelain',
        kind: 'COMPANY',
        email: 'zb@zhou.cn',
        phone: '0571 8888 1234',
        opportunities: { nodes: [{ id: res.opportunity.id, title: 'Vases' }] },
      },
      opportunity: { customer: { name: 'Zhou Porcelain', kind: 'COMPANY' } },
    });
    expect(await s.customerCount()).toBe(1);
    expect(await s.opportunityCount()).toBe(1);
  });

  it('creates a PERSON customer named after a lead without a company', async () => {
    const s = await tenantSession();
    const lead = await s.newLead({ name: 'Wu Jiu', email: 'wj@mail.cn', ownerId: 'dave' });
    const res = await s.convertLead({
      leadId: lead.id,
      opportunity: { title: 'Gift box', amount: { amount: '88.80', currency: 'CNY' } },
    });
    expect(res.userErrors).toEqual([]);
    expect(res.customer).toMatchObject({ name: 'Wu Jiu', kind: 'PERSON' });
    expect(res.opportunity).toMatchObject({
      title: 'Gift box',
      ownerId: 'dave',
      amount: { amount: '88.80', currency: 'CNY' },
    });
    expect(await s.lead(lead.id)).toMatchObject({
      status: 'CONVERTED',
      customer: { id: res.customer.id, name: 'Wu Jiu', kind: 'PERSON' },
      opportunity: { id: res.opportunity.id, title: 'Gift box' },
    });
    const read = await s.read('query($id: ID!) { customer(id: $id) { name kind email ownerId } }', {
      id: res.customer.id,
    });
    expect(read.customer).toEqual({ name: 'Wu Jiu', kind: 'PERSON', email: 'wj@mail.cn', ownerId: 'dave' });
  });
});

describe('lead custom fields', () => {
  it('stores valid values, refuses invalid ones and reads them typed', async () => {
    const s = await tenantSession();
    for (const def of [
      { entity: 'LEAD', key: 'budget', label: 'Budget', type: 'NUMBER' },
      { entity: 'LEAD', key: 'interest', label: 'Interest', type: 'SELECT', options: ['tea', 'coffee'] },
      { entity: 'LEAD', key: 'trial', label: 'Trial', type: 'BOOLEAN' },
    ]) {
      expect((await s.defineCustomField(def)).userErrors).toEqual([]);
    }

    const { lead, userErrors } = await s.createLead({
      name: 'Custom Lead',
      customFields: { budget: '5000.50', interest: 'tea' },
    });
    expect(userErrors).toEqual([]);
    const expected = [
      { key: 'budget', label: 'Budget', type: 'NUMBER', text: null, number: '5000.5', date: null, boolean: null },
      { key: 'interest', label: 'Interest', type: 'SELECT', text: 'tea', number: null, date: null, boolean: null },
    ];
    expect(lead.customFields).toEqual(expected);
    expect((await s.lead(lead.id)).customFields).toEqual(expected);

    const bad = await s.createLead({
      name: 'Bad Custom',
      customFields: { budget: 'lots', interest: 'juice', colour: 'red' },
    });
    expect(bad.lead).toBeNull();
    expect(errorsOf(bad)).toEqual(
      expect.arrayContaining([
        { code: 'INVALID_CUSTOM_FIELD_VALUE', field: ['input', 'customFields', 'budget'] },
        { code: 'INVALID_OPTION', field: ['input', 'customFields', 'interest'] },
        { code: 'UNKNOWN_CUSTOM_FIELD', field: ['input', 'customFields', 'colour'] },
      ]),
    );
    expect(bad.userErrors).toHaveLength(3);
    expect(await s.leadCount()).toBe(1);

    const updated = await s.updateLead({ id: lead.id, customFields: { trial: true, budget: null } });
    expect(updated.userErrors).toEqual([]);
    expect(updated.lead.customFields).toEqual([
      { key: 'interest', label: 'Interest', type: 'SELECT', text: 'tea', number: null, date: null, boolean: null },
      { key: 'trial', label: 'Trial', type: 'BOOLEAN', text: null, number: null, date: null, boolean: true },
    ]);
    const refused = await s.updateLead({ id: lead.id, customFields: { trial: 'yes' } });
    expect(errorsOf(refused)).toEqual([
      { code: 'INVALID_CUSTOM_FIELD_VALUE', field: ['input', 'customFields', 'trial'] },
    ]);
    expect((await s.lead(lead.id)).customFields).toEqual(updated.lead.customFields);
  });

  it('requires a required LEAD field on create', async () => {
    const s = await tenantSession();
    expect(
      (await s.defineCustomField({ entity: 'LEAD', key: 'region', label: 'Region', type: 'TEXT', required: true }))
        .userErrors,
    ).toEqual([]);
    const res = await s.createLead({ name: 'No Region' });
    expect(res.lead).toBeNull();
    expect(errorsOf(res)).toEqual([{ code: 'REQUIRED_CUSTOM_FIELD', field: ['input', 'customFields', 'region'] }]);
    const ok = await s.createLead({ name: 'With Region', customFields: { region: 'East' } });
    expect(ok.lead.customFields).toEqual([
      { key: 'region', label: 'Region', type: 'TEXT', text: 'East', number: null, date: null, boolean: null },
    ]);
  });

  it('LEAD fields are not CUSTOMER fields', async () => {
    const s = await tenantSession();
    await s.defineCustomField({ entity: 'CUSTOMER', key: 'tier', label: 'Tier', type: 'TEXT' });
    const res = await s.createLead({ name: 'Tiered', customFields: { tier: 'gold' } });
    expect(errorsOf(res)).toEqual([{ code: 'UNKNOWN_CUSTOM_FIELD', field: ['input', 'customFields', 'tier'] }]);
  });
});

describe('leads', () => {
  /** Six leads covering every filter; returns the campaign. */
  async function seedLeads(s: Session) {
    const campaign = await s.newCampaign({ name: 'Expo' });
    const a = await s.newLead({
      name: 'Alpha Tea',
      source: 'WEBSITE',
      ownerId: 'ann',
      nextFollowUpAt: '2030-01-10T00:00:00.000Z',
    });
    await s.newLead({
      name: 'Bravo',
      company: 'Green TEA House',
      source: 'TRADE_SHOW',
      campaignId: campaign.id,
      ownerId: 'ben',
      nextFollowUpAt: '2030-01-05T00:00:00.000Z',
    });
    const c = await s.newLead({
      name: 'Charlie',
      email: 'charlie@teashop.cn',
      source: 'TRADE_SHOW',
      campaignId: campaign.id,
      ownerId: 'ann',
    });
    const d = await s.newLead({
      name: 'Delta',
      phone: '+86 555 123 4567',
      source: 'REFERRAL',
      nextFollowUpAt: '2030-01-20T00:00:00.000Z',
    });
    const e = await s.newLead({ name: 'Echo 50%_off', source: 'WEBSITE', ownerId: 'ben' });
    await s.newLead({ name: 'foxtrot', source: 'COLD_CALL' });
    await s.updateLead({ id: a.id, status: 'CONTACTED' });
    await s.qualifyLead(c.id);
    await s.disqualifyLead(d.id, 'Spam');
    await s.qualifyLead(e.id);
    return campaign;
  }

  it('filters by status, source, owner, campaign, search and follow-up', async () => {
    const s = await tenantSession();
    const campaign = await seedLeads(s);
    expect(await s.leadNames({})).toEqual(['Alpha Tea', 'Bravo', 'Charlie', 'Delta', 'Echo 50%_off', 'foxtrot']);
    expect(await s.leadNames({ status: ['NEW'] })).toEqual(['Bravo', 'foxtrot']);
    expect(await s.leadNames({ status: ['CONTACTED', 'QUALIFIED'] })).toEqual(['Alpha Tea', 'Charlie', 'Echo 50%_off']);
    expect(await s.leadNames({ status: ['DISQUALIFIED'] })).toEqual(['Delta']);
    expect(await s.leadNames({ status: [] })).toHaveLength(6);
    expect(await s.leadNames({ source: 'TRADE_SHOW' })).toEqual(['Bravo', 'Charlie']);
    expect(await s.leadNames({ ownerId: 'ann' })).toEqual(['Alpha Tea', 'Charlie']);
    expect(await s.leadNames({ campaignId: campaign.id })).toEqual(['Bravo', 'Charlie']);
    expect(await s.leadNames({ campaignId: NO_SUCH_ID })).toEqual([]);
    // Name, company, e-mail or phone; case-insensitive; LIKE wildcards are literal.
    expect(await s.leadNames({ search: ' tea ' })).toEqual(['Alpha Tea', 'Bravo', 'Charlie']);
    expect(await s.leadNames({ search: '555 123' })).toEqual(['Delta']);
    expect(await s.leadNames({ search: 'FOX' })).toEqual(['foxtrot']);
    expect(await s.leadNames({ search: '%' })).toEqual(['Echo 50%_off']);
    expect(await s.leadNames({ search: '_' })).toEqual(['Echo 50%_off']);
    expect(await s.leadNames({ source: 'WEBSITE', ownerId: 'ben', status: ['QUALIFIED'] })).toEqual(['Echo 50%_off']);
    const counted = await s.leads({ filter: { source: 'TRADE_SHOW' } });
    expect(counted.totalCount).toBe(2);
  });

  it('filters by follow-up time (strictly before), alone and with other filters', async () => {
    const s = await tenantSession();
    await seedLeads(s);
    expect(await s.leadNames({ followUpBefore: '2030-01-10T00:00:00.000Z' })).toEqual(['Bravo']);
    expect(await s.leadNames({ followUpBefore: '2030-01-10T00:00:00.001Z' })).toEqual(['Alpha Tea', 'Bravo']);
    expect(await s.leadNames({ followUpBefore: '2031-01-01T00:00:00.000Z', ownerId: 'ann' })).toEqual(['Alpha Tea']);
    expect((await s.leads({ filter: { followUpBefore: '2031-01-01T00:00:00.000Z' } })).totalCount).toBe(3);
  });

  it('orders by name, follow-up (none last) and update time, both directions', async () => {
    const s = await tenantSession();
    await seedLeads(s);
    expect(await s.leadNames({}, { field: 'NAME' })).toEqual([
      'Alpha Tea',
      'Bravo',
      'Charlie',
      'Delta',
      'Echo 50%_off',
      'foxtrot',
    ]);
    expect(await s.leadNames({}, { field: 'NAME', direction: 'DESC' })).toEqual([
      'foxtrot',
      'Echo 50%_off',
      'Delta',
      'Charlie',
      'Bravo',
      'Alpha Tea',
    ]);
    const byFollowUp = await s.leadNames({}, { field: 'NEXT_FOLLOW_UP_AT' });
    expect(byFollowUp.slice(0, 3)).toEqual(['Bravo', 'Alpha Tea', 'Delta']);
    expect(byFollowUp.slice(3)).toEqual(['Charlie', 'Echo 50%_off', 'foxtrot']);
    expect(await s.leadNames({}, { field: 'CREATED_AT', direction: 'DESC' })).toEqual([
      'foxtrot',
      'Echo 50%_off',
      'Delta',
      'Charlie',
      'Bravo',
      'Alpha Tea',
    ]);
    // The last changes were made to Alpha, Charlie, Delta and Echo, in that order.
    expect(await s.leadNames({}, { field: 'UPDATED_AT', direction: 'DESC' })).toEqual([
      'Echo 50%_off',
      'Delta',
      'Charlie',
      'Alpha Tea',
      'foxtrot',
      'Bravo',
    ]);
  });

  it('pages with first/after, in every order, with and without a filter', async () => {
    const s = await tenantSession();
    await seedLeads(s);
    const pages = async (args: Input) => {
      const names: string[][] = [];
      let after: string | null = null;
      for (;;) {
        const page: any = await s.leads({ ...args, first: 2, after });
        expect(page.nodes.map((n: { name: string }) => n.name)).toEqual(
          page.edges.map((e: { node: { name: string } }) => e.node.name),
        );
        expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
        expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
        names.push(page.nodes.map((n: { name: string }) => n.name));
        if (!page.pageInfo.hasNextPage) return { names, totalCount: page.totalCount };
        after = page.pageInfo.endCursor;
      }
    };
    expect(await pages({})).toEqual({
      names: [
        ['Alpha Tea', 'Bravo'],
        ['Charlie', 'Delta'],
        ['Echo 50%_off', 'foxtrot'],
      ],
      totalCount: 6,
    });
    expect(await pages({ orderBy: { field: 'NAME', direction: 'DESC' } })).toEqual({
      names: [
        ['foxtrot', 'Echo 50%_off'],
        ['Delta', 'Charlie'],
        ['Bravo', 'Alpha Tea'],
      ],
      totalCount: 6,
    });
    expect(await pages({ orderBy: { field: 'NEXT_FOLLOW_UP_AT' } })).toEqual({
      names: [
        ['Bravo', 'Alpha Tea'],
        ['Delta', 'Charlie'],
        ['Echo 50%_off', 'foxtrot'],
      ],
      totalCount: 6,
    });
    expect(await pages({ orderBy: { field: 'NEXT_FOLLOW_UP_AT', direction: 'DESC' } })).toEqual({
      names: [
        ['foxtrot', 'Echo 50%_off'],
        ['Charlie', 'Delta'],
        ['Alpha Tea', 'Bravo'],
      ],
      totalCount: 6,
    });
    expect(await pages({ filter: { status: ['NEW', 'QUALIFIED'] } })).toEqual({
      names: [
        ['Bravo', 'Charlie'],
        ['Echo 50%_off', 'foxtrot'],
      ],
      totalCount: 4,
    });

    const first = await s.leads({ first: 1 });
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const empty = await s.leads({ filter: { search: 'nothing like this' } });
    expect(empty).toMatchObject({
      totalCount: 0,
      nodes: [],
      edges: [],
      pageInfo: { hasNextPage: false, startCursor: null, endCursor: null },
    });
  });

  it('refuses a bad page size or cursor', async () => {
    const s = await tenantSession();
    for (const args of [{ first: 101 }, { first: -1 }, { first: 2, after: 'garbage' }]) {
      const res = await stack.query(
        s.token,
        'query($first: Int, $after: String) { leads(first: $first, after: $after) { totalCount } }',
        args,
      );
      expect(res.errors?.[0]?.extensions?.code, JSON.stringify(args)).toBe('BAD_USER_INPUT');
    }
  });
});

describe('campaigns', () => {
  it('creates campaigns and lists them oldest first', async () => {
    const s = await tenantSession();
    const res = await s.createCampaign({
      name: ' Autumn Expo ',
      channel: 'events',
      startsOn: '2030-09-01',
      endsOn: '2030-09-03',
      spend: { amount: '1200.50', currency: 'CNY' },
    });
    expect(res.userErrors).toEqual([]);
    expect(res.campaign).toMatchObject({
      name: 'Autumn Expo',
      channel: 'events',
      startsOn: '2030-09-01',
      endsOn: '2030-09-03',
      spend: { amount: '1200.50', currency: 'CNY' },
    });
    const plain = await s.newCampaign({ name: 'Newsletter' });
    expect(plain).toMatchObject({
      channel: null,
      startsOn: null,
      endsOn: null,
      spend: { amount: '0.00', currency: 'CNY' },
    });
    const oneDay = await s.newCampaign({
      name: 'One day',
      startsOn: '2030-10-01',
      endsOn: '2030-10-01',
      spend: { amount: '7', currency: 'CNY' },
    });
    expect(oneDay.spend).toEqual({ amount: '7.00', currency: 'CNY' });
    expect(await s.campaigns()).toEqual([res.campaign, plain, oneDay]);
  });

  it('refuses another currency, a reversed date range and a missing name; saves nothing', async () => {
    const s = await tenantSession();
    const cases: [Input, { code: string; field: string[] }[]][] = [
      [
        { name: 'Dollars', spend: { amount: '1200.50', currency: 'USD' } },
        [{ code: 'CURRENCY_MISMATCH', field: ['input', 'spend', 'currency'] }],
      ],
      [
        { name: 'Backwards', startsOn: '2030-09-03', endsOn: '2030-09-01' },
        [{ code: 'INVALID_DATE_RANGE', field: ['input', 'endsOn'] }],
      ],
      [{ name: '  ' }, [{ code: 'REQUIRED', field: ['input', 'name'] }]],
      [
        { name: 'Negative', spend: { amount: '-1', currency: 'CNY' } },
        [{ code: 'NEGATIVE_AMOUNT', field: ['input', 'spend', 'amount'] }],
      ],
      [
        { name: 'Fractions', spend: { amount: '1.005', currency: 'CNY' } },
        [{ code: 'TOO_PRECISE', field: ['input', 'spend', 'amount'] }],
      ],
      [
        { name: 'Both', startsOn: '2030-09-03', endsOn: '2030-09-01', spend: { amount: '1', currency: 'EUR' } },
        [
          { code: 'INVALID_DATE_RANGE', field: ['input', 'endsOn'] },
          { code: 'CURRENCY_MISMATCH', field: ['input', 'spend', 'currency'] },
        ],
      ],
    ];
    for (const [input, errors] of cases) {
      const res = await s.createCampaign(input);
      expect(res.campaign, JSON.stringify(input)).toBeNull();
      expect(errorsOf(res), JSON.stringify(input)).toEqual(errors);
    }
    expect(await s.campaigns()).toEqual([]);
  });

  it('links leads to a campaign', async () => {
    const s = await tenantSession();
    const campaign = await s.newCampaign({ name: 'Referral drive', channel: 'email' });
    const lead = await s.newLead({ name: 'From campaign', source: 'CAMPAIGN', campaignId: campaign.id });
    expect(lead.campaign).toEqual({ id: campaign.id, name: 'Referral drive' });
    const read = await s.read(
      'query($id: ID!) { lead(id: $id) { campaign { name channel spend { amount currency } } } }',
      { id: lead.id },
    );
    expect(read.lead.campaign).toEqual({
      name: 'Referral drive',
      channel: 'email',
      spend: { amount: '0.00', currency: 'CNY' },
    });
  });
});

describe('followUpsDue', () => {
  it('lists due leads and open opportunities by due time, for one owner or all', async () => {
    const s = await tenantSession('rep-1');
    const customer = await s.newCustomer({ name: 'Follow Co' });
    await s.newLead({ name: 'Lead 3h ago', ownerId: 'rep-1', nextFollowUpAt: hoursFromNow(-3) });
    await s.newLead({ name: 'Lead 1h ago', ownerId: 'rep-2', nextFollowUpAt: hoursFromNow(-1) });
    await s.newLead({ name: 'Lead tomorrow', ownerId: 'rep-1', nextFollowUpAt: hoursFromNow(24) });
    await s.newLead({ name: 'Lead without follow-up', ownerId: 'rep-1' });
    await s.newOpportunity({ title: 'Opp 2h ago', customerId: customer.id, nextFollowUpAt: hoursFromNow(-2) });
    await s.newOpportunity({
      title: 'Opp 4h ago',
      customerId: customer.id,
      ownerId: 'rep-2',
      nextFollowUpAt: hoursFromNow(-4),
    });
    await s.newOpportunity({ title: 'Opp in 2 days', customerId: customer.id, nextFollowUpAt: hoursFromNow(48) });

    // Closed ones are left out: a won opportunity, a converted and a disqualified lead.
    const wonOpp = await s.newOpportunity({
      title: 'Opp won',
      customerId: customer.id,
      nextFollowUpAt: hoursFromNow(-5),
    });
    await s.markWon(wonOpp.id);
    const converted = await s.newLead({ name: 'Lead converted', ownerId: 'rep-1', nextFollowUpAt: hoursFromNow(-6) });
    await s.convertLead({ leadId: converted.id, customerId: customer.id, opportunity: { title: 'From converted' } });
    const dropped = await s.newLead({ name: 'Lead disqualified', nextFollowUpAt: hoursFromNow(-7) });
    await s.disqualifyLead(dropped.id, 'Gone');

    const names = (items: any[]) => items.map((i) => i.lead?.name ?? i.opportunity.title);
    const due = await s.followUpsDue();
    expect(names(due)).toEqual(['Opp 4h ago', 'Lead 3h ago', 'Opp 2h ago', 'Lead 1h ago']);
    expect(due[0]).toEqual({
      dueAt: expect.any(String),
      lead: null,
      opportunity: { title: 'Opp 4h ago', status: 'OPEN' },
    });
    expect(due[1]).toEqual({
      dueAt: expect.any(String),
      lead: { name: 'Lead 3h ago', status: 'NEW' },
      opportunity: null,
    });
    const times = due.map((d: { dueAt: string }) => Date.parse(d.dueAt));
    expect([...times].sort((x, y) => x - y)).toEqual(times);

    expect(names(await s.followUpsDue({ ownerId: 'rep-1' }))).toEqual(['Lead 3h ago', 'Opp 2h ago']);
    expect(names(await s.followUpsDue({ ownerId: 'rep-2' }))).toEqual(['Opp 4h ago', 'Lead 1h ago']);
    expect(names(await s.followUpsDue({ ownerId: 'nobody' }))).toEqual([]);
    expect(names(await s.followUpsDue({ before: hoursFromNow(72) }))).toEqual([
      'Opp 4h ago',
      'Lead 3h ago',
      'Opp 2h ago',
      'Lead 1h ago',
      'Lead tomorrow',
      'Opp in 2 days',
    ]);
    expect(names(await s.followUpsDue({ ownerId: 'rep-1', before: hoursFromNow(72) }))).toEqual([
      'Lead 3h ago',
      'Opp 2h ago',
      'Lead tomorrow',
      'Opp in 2 days',
    ]);
    expect(names(await s.followUpsDue({ before: hoursFromNow(-2.5) }))).toEqual(['Opp 4h ago', 'Lead 3h ago']);
    const limited = await s.read('{ followUpsDue(first: 3) { lead { name } opportunity { title } } }');
    expect(names(limited.followUpsDue)).toEqual(['Opp 4h ago', 'Lead 3h ago', 'Opp 2h ago']);
  });

  it('gives each item its own follow-up time as dueAt', async () => {
    const s = await tenantSession();
    await s.newLead({ name: 'Exact', nextFollowUpAt: '2020-02-03T04:05:06.789Z' });
    expect(await s.followUpsDue({ before: '2020-02-03T04:05:06.789Z' })).toEqual([
      { dueAt: at('2020-02-03T04:05:06.789Z'), lead: { name: 'Exact', status: 'NEW' }, opportunity: null },
    ]);
    expect(await s.followUpsDue({ before: '2020-02-03T04:05:06.788Z' })).toEqual([]);
  });
});
