import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '../../lib/auth.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/**
 * The audit trail through the whole graph: every committed change made by a mutation or an event
 * handler leaves one entry in platform.audit_log, written in the transaction of the change.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const ENTRY = 'actorId actorKind operationName field service entityIds outcome requestId clientIp input';
const ERRORS = 'userErrors { code field }';

/** Runs a mutation as `token` with an x-request-id, failing on errors; returns the root field's payload. */
async function mutate(token: string, requestId: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await stack.post({ query, variables }, { authorization: `Bearer ${token}`, 'x-request-id': requestId });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  const payload = Object.values(res.data)[0] as any;
  expect(payload.userErrors).toEqual([]);
  return payload;
}

async function auditLog(token: string, args = 'first: 50', fields = ENTRY) {
  const res = await stack.query(
    token,
    `{ auditLog(${args}) { totalCount pageInfo { hasNextPage endCursor } nodes { id occurredAt ${fields} } } }`,
  );
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data.auditLog as {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: Record<string, any>[];
  };
}

/** What every entry of a request through the gateway shares; the id and time are checked apart. */
const byUser = (actorId: string) => ({
  actorId,
  actorKind: 'USER',
  outcome: 'SUCCEEDED',
  clientIp: expect.stringMatching(/127\.0\.0\.1$/),
});

const strip = ({ id: _id, occurredAt: _at, ...entry }: Record<string, any>) => entry;

describe('recording', () => {
  it('records each kind of mutation, in every subgraph, with its actor, operation, ids, request and input', async () => {
    const tenant = newTenant('audit');
    const ada = await stack.token(tenant, ALL_SCOPES, { userId: 'ada' });
    const customer = (
      await mutate(
        ada,
        'req-customer',
        `mutation OnboardTeaHouse($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } ${ERRORS} } }`,
        { input: { name: 'Tea House', email: 'tea@example.com' } },
      )
    ).customer.id;
    const lead = (
      await mutate(
        ada,
        'req-lead',
        `mutation NewLead { createLead(input: {name: "Li Wei", company: "Tea House"}) { lead { id } ${ERRORS} } }`,
      )
    ).lead.id;
    const opportunity = (
      await mutate(
        ada,
        'req-opportunity',
        `mutation NewDeal($c: ID!) { createOpportunity(input: {title: "Tea for a year", customerId: $c}) { opportunity { id } ${ERRORS} } }`,
        { c: customer },
      )
    ).opportunity.id;
    const product = (
      await mutate(
        ada,
        'req-product',
        `mutation NewProduct { createProduct(input: {sku: "TEA", name: "Tea", listPrice: {amount: "12.50", currency: "CNY"}}) { product { id } ${ERRORS} } }`,
      )
    ).product.id;
    await mutate(
      ada,
      'req-tax',
      `mutation SetTax { setTaxRate(input: {taxRate: "13"}) { settings { taxRate } ${ERRORS} } }`,
    );
    const key = await mutate(
      ada,
      'req-key',
      `mutation NewKey { createApiKey(input: {name: "Warehouse sync", scopes: ["crm:read", "crm:write"]}) { apiKey { id } secret ${ERRORS} } }`,
    );
    // The same actions as an integration: the key acts, under its own id.
    await mutate(
      key.secret,
      'req-by-key',
      `mutation SyncCustomer { createCustomer(input: {name: "Synced"}) { customer { id } ${ERRORS} } }`,
    );
    const synced = (
      await stack.database.sql`select id from customer.customers where tenant_id = ${tenant} and name = 'Synced'`
    )[0].id;
    await stack.settle();

    const log = await auditLog(ada);
    expect(log.totalCount).toBe(7);
    expect(log.nodes.map(strip)).toEqual([
      {
        ...byUser(key.apiKey.id),
        actorKind: 'API_KEY',
        operationName: 'SyncCustomer',
        field: 'createCustomer',
        service: 'customer',
        entityIds: [synced],
        requestId: 'req-by-key',
        input: { name: 'Synced', kind: 'COMPANY' },
      },
      {
        ...byUser('ada'),
        operationName: 'NewKey',
        field: 'createApiKey',
        service: 'platform',
        entityIds: [key.apiKey.id],
        requestId: 'req-key',
        input: { name: 'Warehouse sync', scopes: ['crm:read', 'crm:write'] },
      },
      {
        ...byUser('ada'),
        operationName: 'SetTax',
        field: 'setTaxRate',
        service: 'finance',
        entityIds: [tenant],
        requestId: 'req-tax',
        input: { taxRate: '13' },
      },
      {
        ...byUser('ada'),
        operationName: 'NewProduct',
        field: 'createProduct',
        service: 'order-fulfilment',
        entityIds: [product],
        requestId: 'req-product',
        input: {
          sku: 'TEA',
          name: 'Tea',
          unit: 'piece',
          listPrice: { amount: '12.50', currency: 'CNY' },
          replenishment: 'PURCHASE',
          reorderPoint: '0',
          reorderQuantity: '0',
          leadTimeDays: 7,
        },
      },
      {
        ...byUser('ada'),
        operationName: 'NewDeal',
        field: 'createOpportunity',
        service: 'sales-pipeline',
        entityIds: [opportunity],
        requestId: 'req-opportunity',
        input: { title: 'Tea for a year', customerId: customer },
      },
      {
        ...byUser('ada'),
        operationName: 'NewLead',
        field: 'createLead',
        service: 'sales-pipeline',
        entityIds: [lead],
        requestId: 'req-lead',
        input: { name: 'Li Wei', company: 'Tea House', source: 'OTHER' },
      },
      {
        ...byUser('ada'),
        operationName: 'OnboardTeaHouse',
        field: 'createCustomer',
        service: 'customer',
        entityIds: [customer],
        requestId: 'req-customer',
        input: { name: 'Tea House', email: 'tea@example.com', kind: 'COMPANY' },
      },
    ]);
    // Ids are UUIDv7 and times the changes' own, newest first.
    const times = log.nodes.map((e) => Date.parse(e.occurredAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    // The secret of the key is in its payload and nowhere in the trail or its transport.
    const stored = await stack.database.sql`
      select (select json_agg(a) from platform.audit_log a where a.tenant_id = ${tenant})::text as entries,
             (select json_agg(e) from customer.outbox_events e where e.tenant_id = ${tenant})::text as events`;
    expect(stored[0].entries).not.toContain(key.secret);
    expect(stored[0].events).not.toContain(key.secret);
    expect(JSON.stringify(log)).not.toContain(key.secret);

    // The trail's transport is not among the tenant's business events (the audit log is their query):
    // only the changes' own events are (newest first).
    const events = await stack.query(ada, '{ events(first: 50) { totalCount nodes { type } } }');
    expect(events.data.events).toEqual({
      totalCount: 3,
      nodes: [{ type: 'customer.created' }, { type: 'lead.created' }, { type: 'customer.created' }],
    });
  });

  it('redacts secret-looking keys of the input, at any depth', async () => {
    const tenant = newTenant('audit');
    const ada = await stack.token(tenant, ALL_SCOPES, { userId: 'ada' });
    await mutate(
      ada,
      'req-define',
      `mutation { defineCustomField(input: {entity: CUSTOMER, key: "apiToken", label: "API token", type: TEXT}) { definition { key } ${ERRORS} } }`,
    );
    await mutate(
      ada,
      'req-create',
      `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } ${ERRORS} } }`,
      { input: { name: 'Kettle Co', customFields: { apiToken: 'tok-3kT9xQ' } } },
    );
    await stack.settle();
    const log = await auditLog(ada, 'filter: {field: "createCustomer"}');
    expect(log.nodes.map((e) => e.input)).toEqual([
      { name: 'Kettle Co', kind: 'COMPANY', customFields: { apiToken: '[REDACTED]' } },
    ]);
    const [{ n }] = await stack.database.sql`
      select count(*)::int as n from platform.audit_log where tenant_id = ${tenant} and input::text like '%tok-3kT9xQ%'`;
    expect(n).toBe(0);
  });

  it('records a mutation that commits in steps once per step, and the customer it has the customer subgraph create', async () => {
    const tenant = newTenant('audit');
    const ada = await stack.token(tenant, ALL_SCOPES, { userId: 'ada' });
    const lead = (
      await mutate(
        ada,
        'req-lead',
        `mutation { createLead(input: {name: "Mei", company: "Leaf Ltd"}) { lead { id } ${ERRORS} } }`,
      )
    ).lead.id;
    const converted = await mutate(
      ada,
      'req-convert',
      `mutation Convert($id: ID!) { convertLead(input: {leadId: $id, opportunity: {title: "Leaf deal"}}) { customer { id } opportunity { id } ${ERRORS} } }`,
      { id: lead },
    );
    await stack.settle();
    const log = await auditLog(ada, 'first: 10');
    const input = { leadId: lead, opportunity: { title: 'Leaf deal' } };
    expect(log.nodes.map(strip)).toEqual([
      {
        ...byUser('ada'),
        operationName: 'Convert',
        field: 'convertLead',
        service: 'sales-pipeline',
        entityIds: [lead, converted.opportunity.id],
        requestId: 'req-convert',
        input,
      },
      {
        // Made by sales-pipeline for the caller, who is its actor; the client's address is carried along.
        ...byUser('ada'),
        operationName: 'Convert',
        field: 'createCustomer',
        service: 'customer',
        entityIds: [converted.customer.id],
        requestId: 'req-convert',
        input: expect.objectContaining({ id: converted.customer.id, name: 'Leaf Ltd' }),
      },
      {
        ...byUser('ada'),
        operationName: 'Convert',
        field: 'convertLead',
        service: 'sales-pipeline',
        entityIds: [lead],
        requestId: 'req-convert',
        input,
      },
      expect.objectContaining({ field: 'createLead', entityIds: [lead] }),
    ]);
  });

  it('records nothing for a mutation refused with userErrors, in any subgraph', async () => {
    const tenant = newTenant('audit');
    const ada = await stack.token(tenant, ALL_SCOPES, { userId: 'ada' });
    const refusals = [
      'mutation { createCustomer(input: {name: ""}) { userErrors { code } } }',
      'mutation { createProduct(input: {sku: "", name: "Tea", listPrice: {amount: "1", currency: "CNY"}}) { userErrors { code } } }',
      'mutation { setTaxRate(input: {taxRate: "250"}) { userErrors { code } } }',
      'mutation { createApiKey(input: {name: "Too much", scopes: ["no:such"]}) { userErrors { code } } }',
      `mutation { revokeApiKey(input: {id: "${crypto.randomUUID()}"}) { userErrors { code } } }`,
      `mutation { replayEvent(input: {id: "${crypto.randomUUID()}"}) { userErrors { code } } }`,
      'mutation { replayDeadLetters(input: {}) { replayed userErrors { code } } }',
    ];
    for (const query of refusals) {
      const res = await stack.query(ada, query);
      expect(res.errors).toBeUndefined();
      const payload = Object.values(res.data)[0] as { userErrors: unknown[]; replayed?: number };
      // replayDeadLetters with nothing dead changed nothing: no entry either.
      expect(payload.userErrors.length > 0 || payload.replayed === 0, query).toBe(true);
    }
    await stack.settle();
    expect((await auditLog(ada)).totalCount).toBe(0);
    const [{ n }] = await stack.database.sql`
      select (select count(*) from customer.outbox_events where tenant_id = ${tenant})
        + (select count(*) from fulfilment.outbox_events where tenant_id = ${tenant})
        + (select count(*) from finance.outbox_events where tenant_id = ${tenant})
        + (select count(*) from platform.audit_log where tenant_id = ${tenant}) as n`;
    expect(Number(n)).toBe(0);
  });

  it("records an event handler's change with the event as actor, and never the trail's own events", async () => {
    const tenant = newTenant('audit');
    const ada = await stack.token(tenant, ALL_SCOPES, { userId: 'ada' });
    const product = (
      await mutate(
        ada,
        'r1',
        `mutation { createProduct(input: {sku: "POT", name: "Teapot", listPrice: {amount: "30", currency: "CNY"}}) { product { id } ${ERRORS} } }`,
      )
    ).product.id;
    const customer = (
      await mutate(ada, 'r2', `mutation { createCustomer(input: {name: "Pot Shop"}) { customer { id } ${ERRORS} } }`)
    ).customer.id;
    const opportunity = (
      await mutate(
        ada,
        'r3',
        `mutation($c: ID!) { createOpportunity(input: {title: "Pots", customerId: $c}) { opportunity { id } ${ERRORS} } }`,
        { c: customer },
      )
    ).opportunity.id;
    await mutate(
      ada,
      'r4',
      `mutation($o: ID!, $p: ID!) { addOpportunityLine(input: {opportunityId: $o, line: {productId: $p, quantity: "2", unitPrice: {amount: "30", currency: "CNY"}}}) { ${ERRORS} } }`,
      { o: opportunity, p: product },
    );
    await mutate(ada, 'r5', `mutation Win($o: ID!) { markOpportunityWon(input: {id: $o}) { ${ERRORS} } }`, {
      o: opportunity,
    });
    await stack.settle();

    const [won] = await stack.database.sql`
      select id, payload from sales.outbox_events where tenant_id = ${tenant} and type = 'opportunity.won'`;
    const [order] = await stack.database.sql`select id from fulfilment.sales_orders where tenant_id = ${tenant}`;
    const log = await auditLog(ada, 'filter: {field: "opportunity.won"}');
    expect(log.nodes.map(strip)).toEqual([
      {
        actorId: won.id,
        actorKind: 'EVENT',
        operationName: null,
        field: 'opportunity.won',
        service: 'order-fulfilment',
        entityIds: [order.id],
        outcome: 'SUCCEEDED',
        requestId: won.id,
        clientIp: null,
        input: won.payload,
      },
    ]);
    const all = await auditLog(ada);
    expect(all.nodes.map((e) => e.field)).toEqual([
      'opportunity.won',
      'markOpportunityWon',
      'addOpportunityLine',
      'createOpportunity',
      'createCustomer',
      'createProduct',
    ]);
    // Each entry once; platform consumed an audit.recorded per entry but platform's own write, and recorded none of them.
    const [{ entries, consumed }] = await stack.database.sql`
      select (select count(*)::int from platform.audit_log where tenant_id = ${tenant}) as entries,
             (select count(*)::int from platform.inbox where tenant_id = ${tenant} and type = 'audit.recorded') as consumed`;
    expect({ entries, consumed }).toEqual({ entries: 6, consumed: 6 });
  });

  it('records a replay after it succeeded, as platform acting for the admin', async () => {
    const tenant = newTenant('audit');
    const ada = await stack.token(tenant, ALL_SCOPES, { userId: 'ada' });
    const customer = (
      await mutate(ada, 'r1', `mutation { createCustomer(input: {name: "Replay Co"}) { customer { id } ${ERRORS} } }`)
    ).customer.id;
    const opportunity = (
      await mutate(
        ada,
        'r2',
        `mutation($c: ID!) { createOpportunity(input: {title: "Ghost line", customerId: $c}) { opportunity { id } ${ERRORS} } }`,
        { c: customer },
      )
    ).opportunity.id;
    // A line the catalogue does not have: order-fulfilment refuses the won deal, a dead letter.
    await stack.database.sql`
      insert into sales.opportunity_lines (tenant_id, id, opportunity_id, product_id, quantity, unit_price, position)
      values (${tenant}, ${crypto.randomUUID()}, ${opportunity}, ${crypto.randomUUID()}, 1, 10, 1)`;
    await mutate(ada, 'r3', `mutation($o: ID!) { markOpportunityWon(input: {id: $o}) { ${ERRORS} } }`, {
      o: opportunity,
    });
    await stack.settle();
    const [won] = await stack.database.sql`
      select id from sales.outbox_events where tenant_id = ${tenant} and type = 'opportunity.won'`;
    const replay = await mutate(
      ada,
      'req-replay',
      `mutation Replay($id: ID!) { replayEvent(input: {id: $id}) { replayed ${ERRORS} } }`,
      { id: won.id },
    );
    expect(replay.replayed).toBe(1);
    await stack.settle();
    const log = await auditLog(ada, 'filter: {field: "replayEvent"}');
    expect(log.nodes.map(strip)).toEqual([
      {
        ...byUser('ada'),
        operationName: 'Replay',
        field: 'replayEvent',
        service: 'platform',
        entityIds: [won.id],
        requestId: 'req-replay',
        input: { id: won.id },
      },
    ]);
  });
});

describe('immutability', () => {
  it('offers no mutation of the trail, and the database refuses to change or delete an entry', async () => {
    const tenant = newTenant('audit');
    const ada = await stack.token(tenant, ALL_SCOPES, { userId: 'ada' });
    const mutations = await stack.query(ada, '{ __schema { mutationType { fields { name } } } }');
    const names: string[] = mutations.data.__schema.mutationType.fields.map((f: { name: string }) => f.name);
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((n) => /audit/i.test(n))).toEqual([]);

    await mutate(
      ada,
      'r1',
      `mutation { createCustomer(input: {name: "Fixed Forever"}) { customer { id } ${ERRORS} } }`,
    );
    await stack.settle();
    const refusal = 'audit log entries cannot be changed or deleted';
    await expect(
      stack.database.sql`update platform.audit_log set actor_id = 'mallory' where tenant_id = ${tenant}`,
    ).rejects.toThrow(refusal);
    await expect(stack.database.sql`delete from platform.audit_log where tenant_id = ${tenant}`).rejects.toThrow(
      refusal,
    );
    expect((await auditLog(ada)).nodes.map((e) => e.actorId)).toEqual(['ada']);
  });
});

describe('the auditLog query', () => {
  it("never shows a tenant another tenant's entries", async () => {
    const [mine, theirs] = [newTenant('audit'), newTenant('audit')];
    const me = await stack.token(mine, ALL_SCOPES, { userId: 'same-user' });
    const them = await stack.token(theirs, ALL_SCOPES, { userId: 'same-user' });
    await mutate(me, 'r-mine', `mutation { createCustomer(input: {name: "Mine"}) { customer { id } ${ERRORS} } }`);
    const their = (
      await mutate(
        them,
        'r-theirs',
        `mutation { createCustomer(input: {name: "Theirs"}) { customer { id } ${ERRORS} } }`,
      )
    ).customer.id;
    await stack.settle();
    expect((await auditLog(me)).nodes.map((e) => e.requestId)).toEqual(['r-mine']);
    expect((await auditLog(me, `filter: {entityId: "${their}"}`)).totalCount).toBe(0);
    expect((await auditLog(me, 'filter: {actorId: "same-user"}')).totalCount).toBe(1);
    expect((await auditLog(them, `filter: {entityId: "${their}"}`)).totalCount).toBe(1);
  });

  it('needs the admin scope', async () => {
    const token = await stack.token(newTenant('audit'), ['crm:read', 'crm:write']);
    const res = await stack.query(token, '{ auditLog { totalCount } }');
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('filters by actor, field, entity and time, and pages newest first', async () => {
    const tenant = newTenant('audit');
    const ada = await stack.token(tenant, ALL_SCOPES, { userId: 'ada' });
    const bob = await stack.token(tenant, ALL_SCOPES, { userId: 'bob' });
    const create = async (token: string, name: string) =>
      (
        await mutate(
          token,
          `r-${name}`,
          `mutation { createCustomer(input: {name: "${name}"}) { customer { id } ${ERRORS} } }`,
        )
      ).customer.id as string;
    const first = await create(ada, 'First');
    await create(ada, 'Second');
    await stack.settle();
    const between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await mutate(
      bob,
      'r-rename',
      `mutation($id: ID!) { updateCustomer(input: {id: $id, name: "First, renamed"}) { customer { id } ${ERRORS} } }`,
      { id: first },
    );
    await create(bob, 'Third');
    await stack.settle();

    const requests = async (args: string) => (await auditLog(ada, args)).nodes.map((e) => e.requestId);
    expect(await requests('first: 10')).toEqual(['r-Third', 'r-rename', 'r-Second', 'r-First']);
    expect(await requests('filter: {actorId: "bob"}')).toEqual(['r-Third', 'r-rename']);
    expect(await requests('filter: {field: "createCustomer"}')).toEqual(['r-Third', 'r-Second', 'r-First']);
    expect(await requests(`filter: {entityId: "${first}"}`)).toEqual(['r-rename', 'r-First']);
    expect(await requests(`filter: {since: "${between}"}`)).toEqual(['r-Third', 'r-rename']);
    expect(await requests(`filter: {until: "${between}"}`)).toEqual(['r-Second', 'r-First']);
    expect(await requests(`filter: {since: "${between}", field: "updateCustomer", actorId: "bob"}`)).toEqual([
      'r-rename',
    ]);

    const page1 = await auditLog(ada, 'first: 3');
    expect(page1.totalCount).toBe(4);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await auditLog(ada, `first: 3, after: "${page1.pageInfo.endCursor}"`);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    expect([...page1.nodes, ...page2.nodes].map((e) => e.requestId)).toEqual([
      'r-Third',
      'r-rename',
      'r-Second',
      'r-First',
    ]);
  });
});
