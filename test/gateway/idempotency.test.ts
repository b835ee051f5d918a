import { Redis } from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIdempotencyKey } from '../../gateway/idempotency.js';
import { pruneRecords } from '../../lib/idempotency/records.js';
import { startReplica } from '../support/gateway.js';
import { startProxy } from '../support/proxy.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/** Idempotency-Key on mutations (gateway/idempotency.ts, lib/idempotency/), through the whole graph. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CREATE =
  'mutation Create($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id name } userErrors { code field } } }';
const RENAME =
  'mutation Rename($id: ID!, $name: String!) { updateCustomer(input: {id: $id, name: $name}) { customer { id name } userErrors { code } } }';

/** POSTs `body` as `token` with an Idempotency-Key, to the stack's gateway or another. */
async function send(token: string, key: string | null, body: unknown, url = stack.gatewayUrl) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      ...(key === null ? {} : { 'idempotency-key': key }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, replayed: res.headers.get('idempotency-replayed'), ...((await res.json()) as any) };
}

const customers = async (tenant: string) =>
  (await stack.database.sql`select count(*)::int as n from customer.customers where tenant_id = ${tenant}`)[0].n;
const keyRecords = async (tenant: string) =>
  (await stack.database.sql`select count(*)::int as n from customer.idempotency_keys where tenant_id = ${tenant}`)[0].n;

describe('Idempotency-Key on a mutation', () => {
  it('replays the first answer with Idempotency-Replayed: true and creates nothing again', async () => {
    const tenant = newTenant();
    const token = await stack.token(tenant);
    const body = { query: CREATE, variables: { input: { name: 'Once Ltd' } } };
    const first = await send(token, 'create-once-1', body);
    expect(first.status).toBe(200);
    expect(first.replayed).toBeNull();
    expect(first.data.createCustomer.customer.name).toBe('Once Ltd');
    const again = await send(token, 'create-once-1', body);
    expect(again.status).toBe(200);
    expect(again.replayed).toBe('true');
    expect(again.data).toEqual(first.data);
    expect(again.extensions).toEqual(first.extensions);
    // The same request written differently (key order, spacing) is the same request.
    const reordered = `{"variables":{"input":{"name":"Once Ltd"}},   "query":${JSON.stringify(CREATE)}}`;
    expect((await send(token, 'create-once-1', reordered)).replayed).toBe('true');
    expect(await customers(tenant)).toBe(1);
    expect(await keyRecords(tenant)).toBe(1);
  });

  it('keeps an answer with userErrors as the final outcome', async () => {
    const tenant = newTenant();
    const token = await stack.token(tenant);
    const body = { query: CREATE, variables: { input: { id: 'not-a-uuid', name: 'Refused' } } };
    const first = await send(token, 'refused-1', body);
    expect(first.data.createCustomer).toEqual({
      customer: null,
      userErrors: [{ code: 'INVALID_ID', field: ['input', 'id'] }],
    });
    const again = await send(token, 'refused-1', body);
    expect(again.replayed).toBe('true');
    expect(again.data).toEqual(first.data);
    expect(await customers(tenant)).toBe(0);
  });

  it('refuses the key with another body: 422 IDEMPOTENCY_KEY_REUSED, nothing written', async () => {
    const tenant = newTenant();
    const token = await stack.token(tenant);
    await send(token, 'reused-1', { query: CREATE, variables: { input: { name: 'First' } } });
    const other = await send(token, 'reused-1', { query: CREATE, variables: { input: { name: 'Second' } } });
    expect(other.status).toBe(422);
    expect(other.errors.map((e: any) => e.extensions.code)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(await customers(tenant)).toBe(1);
  });

  it('answers 409 IDEMPOTENCY_KEY_IN_USE while the first request still runs, then replays it', async () => {
    const tenant = newTenant();
    const token = await stack.token(tenant);
    const created = await send(token, null, { query: CREATE, variables: { input: { name: 'Locked' } } });
    const id: string = created.data.createCustomer.customer.id;
    const body = { query: RENAME, variables: { id, name: 'Renamed' } };
    // The test holds the customer's row: the first rename waits for it inside its transaction.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const holder = stack.database.sql.begin(async (tx) => {
      await tx`select 1 from customer.customers where tenant_id = ${tenant} and id = ${id} for update`;
      holding();
      await released;
    });
    await held;
    const first = send(token, 'rename-1', body);
    await expect
      .poll(
        async () =>
          (
            await stack.database
              .sql`select count(*)::int as n from pg_locks where not granted and locktype = 'transactionid'`
          )[0].n,
        { timeout: 10_000 },
      )
      .toBeGreaterThan(0);
    const meanwhile = await send(token, 'rename-1', body);
    expect(meanwhile.status).toBe(409);
    expect(meanwhile.errors.map((e: any) => e.extensions.code)).toEqual(['IDEMPOTENCY_KEY_IN_USE']);
    release();
    await holder;
    expect((await first).data.updateCustomer).toEqual({ customer: { id, name: 'Renamed' }, userErrors: [] });
    expect((await send(token, 'rename-1', body)).replayed).toBe('true');
  });

  it('belongs to its tenant and actor: the same key from another user or tenant runs afresh', async () => {
    const tenant = newTenant();
    const ada = await stack.token(tenant, undefined, { userId: 'ada' });
    const bob = await stack.token(tenant, undefined, { userId: 'bob' });
    const elsewhere = newTenant();
    const carol = await stack.token(elsewhere, undefined, { userId: 'ada' });
    const body = { query: CREATE, variables: { input: { name: 'Shared Key' } } };
    const answers = [
      await send(ada, 'same-key', body),
      await send(bob, 'same-key', body),
      await send(carol, 'same-key', body),
    ];
    expect(answers.map((a) => a.replayed)).toEqual([null, null, null]);
    expect(new Set(answers.map((a) => a.data.createCustomer.customer.id)).size).toBe(3);
    expect([await customers(tenant), await customers(elsewhere)]).toEqual([2, 1]);
  });

  it('refuses a malformed key with 400 IDEMPOTENCY_KEY_INVALID, and ignores a key on a query', async () => {
    const token = await stack.token(newTenant());
    const body = { query: CREATE, variables: { input: { name: 'Never' } } };
    for (const key of ['', 'x'.repeat(256), 'tab\there']) {
      const refused = await send(token, key, body);
      expect(refused.status).toBe(400);
      expect(refused.errors.map((e: any) => e.extensions.code)).toEqual(['IDEMPOTENCY_KEY_INVALID']);
    }
    expect((await send(token, 'x'.repeat(255), body)).status).toBe(200);
    const query = { query: '{ customers { totalCount } }' };
    const counted = await send(token, 'query-key', query);
    expect(counted.data.customers.totalCount).toBe(1);
    await send(token, null, body);
    const recounted = await send(token, 'query-key', query);
    expect(recounted.replayed).toBeNull();
    expect(recounted.data.customers.totalCount).toBe(2);
  });

  it('is answered by the subgraph’s record when the gateway has forgotten it: nothing applied twice', async () => {
    const tenant = newTenant();
    const token = await stack.token(tenant);
    const body = { query: CREATE, variables: { input: { name: 'Remembered' } } };
    const first = await send(token, 'forgotten-1', body);
    // A fresh replica knows nothing of the key; the customer subgraph committed it with the customer.
    const replica = await startReplica(stack);
    try {
      const again = await send(token, 'forgotten-1', body, replica.url);
      expect(again.status).toBe(200);
      expect(again.data).toEqual(first.data);
      expect(await customers(tenant)).toBe(1);
      const other = await send(
        token,
        'forgotten-1',
        { query: CREATE, variables: { input: { name: 'Else' } } },
        replica.url,
      );
      expect(other.status).toBe(422);
      expect(other.errors.map((e: any) => e.extensions.code)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
      expect(await customers(tenant)).toBe(1);
    } finally {
      await replica.close();
    }
  });

  it('does not keep an answer that left the outcome unknown: the retry gets the committed one', async () => {
    const tenant = newTenant();
    const token = await stack.token(tenant);
    // The customer subgraph commits the first createCustomer, and its answer is lost on the way back.
    let losing = true;
    const proxy = await startProxy(new URL(stack.subgraphUrls.customer).origin, (_n, body) => {
      if (!losing || !body.includes('createCustomer')) return 'forward';
      losing = false;
      return 'lose-answer';
    });
    const replica = await startReplica(stack, { subgraphUrls: { customer: `${proxy.url}/graphql` } });
    try {
      const body = { query: CREATE, variables: { input: { name: 'Lost Answer' } } };
      const lost = await send(token, 'lost-1', body, replica.url);
      expect(lost.errors.map((e: any) => e.extensions.code)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(await customers(tenant)).toBe(1);
      const retry = await send(token, 'lost-1', body, replica.url);
      expect(retry.replayed).toBeNull();
      const [row] = await stack.database.sql`select id from customer.customers where tenant_id = ${tenant}`;
      expect(retry.data.createCustomer).toEqual({ customer: { id: row.id, name: 'Lost Answer' }, userErrors: [] });
      expect(await customers(tenant)).toBe(1);
      // That answer is final: kept, and replayed from now on.
      expect((await send(token, 'lost-1', body, replica.url)).replayed).toBe('true');
    } finally {
      await replica.close();
      await proxy.close();
    }
  });

  it('is answered from the committed entity when the subgraph died before keeping the payload', async () => {
    const tenant = newTenant();
    const token = await stack.token(tenant);
    const body = { query: CREATE, variables: { input: { name: 'Ids Only' } } };
    const first = await send(token, 'ids-only-1', body);
    // As if the subgraph had stopped between its commit and keeping the payload beside the key.
    await stack.database.sql`update customer.idempotency_keys set outcome = null where tenant_id = ${tenant}`;
    const replica = await startReplica(stack);
    try {
      const again = await send(token, 'ids-only-1', body, replica.url);
      expect(again.data).toEqual(first.data);
      expect(await customers(tenant)).toBe(1);
    } finally {
      await replica.close();
    }
  });

  it('applies each root field of a mutation at most once, in every subgraph it reaches', async () => {
    const tenant = newTenant();
    const token = await stack.token(tenant);
    const body = {
      query: `mutation Both { a: createCustomer(input: {name: "Two Ltd"}) { customer { id name } userErrors { code } }
        b: createLead(input: {name: "Two Lead", company: "Two Ltd"}) { lead { id name status } userErrors { code } } }`,
    };
    const first = await send(token, 'both-1', body);
    expect(first.data.a.customer.name).toBe('Two Ltd');
    expect(first.data.b.lead).toMatchObject({ name: 'Two Lead', status: 'NEW' });
    // Through a gateway that never saw the key, both subgraphs answer from their records.
    const replica = await startReplica(stack);
    try {
      expect((await send(token, 'both-1', body, replica.url)).data).toEqual(first.data);
    } finally {
      await replica.close();
    }
    const [counts] = await stack.database.sql`
      select (select count(*)::int from customer.customers where tenant_id = ${tenant}) as customers,
             (select count(*)::int from sales.leads where tenant_id = ${tenant}) as leads`;
    expect(counts).toEqual({ customers: 1, leads: 1 });
  });

  it('never shows a secret again from a subgraph’s record: createApiKey’s secret reads [REDACTED]', async () => {
    const tenant = newTenant();
    const token = await stack.token(tenant);
    const body = {
      query: 'mutation { createApiKey(input: {name: "Sync", scopes: ["crm:read"]}) { apiKey { id name } secret } }',
    };
    const first = await send(token, 'key-1', body);
    expect(first.data.createApiKey.secret).toMatch(/^sme_/);
    // The gateway that answered keeps the answer it sent; a gateway that never saw it asks platform.
    expect((await send(token, 'key-1', body)).data).toEqual(first.data);
    const replica = await startReplica(stack);
    try {
      const again = await send(token, 'key-1', body, replica.url);
      expect(again.data.createApiKey).toEqual({ apiKey: first.data.createApiKey.apiKey, secret: '[REDACTED]' });
    } finally {
      await replica.close();
    }
    const [{ n }] = await stack.database
      .sql`select count(*)::int as n from platform.api_keys where tenant_id = ${tenant}`;
    expect(n).toBe(1);
  });

  it('runs a conversion on to the end when a retry finds only its first step committed', async () => {
    const tenant = newTenant();
    const token = await stack.token(tenant);
    const created = await send(token, null, {
      query: 'mutation { createLead(input: {name: "Mei", company: "Leaf Ltd"}) { lead { id } } }',
    });
    const body = {
      query:
        'mutation Convert($id: ID!) { convertLead(input: {leadId: $id, opportunity: {title: "Leaf deal"}}) { customer { id } opportunity { title } userErrors { code } } }',
      variables: { id: created.data.createLead.lead.id },
    };
    // Step 1 (reserving the customer's id on the lead) commits with the key; step 2 finds the
    // customer subgraph down.
    await stack.stopSubgraph('customer');
    let failed;
    try {
      failed = await send(token, 'convert-1', body);
    } finally {
      await stack.restartSubgraph('customer');
    }
    expect(failed.errors.map((e: any) => e.extensions.code)).toEqual(['SERVICE_UNAVAILABLE']);
    const retry = await send(token, 'convert-1', body);
    expect(retry.data.convertLead).toMatchObject({ opportunity: { title: 'Leaf deal' }, userErrors: [] });
    const [counts] = await stack.database.sql`
      select (select count(*)::int from customer.customers where tenant_id = ${tenant}) as customers,
             (select count(*)::int from sales.opportunities where tenant_id = ${tenant}) as opportunities`;
    expect(counts).toEqual({ customers: 1, opportunities: 1 });
    expect((await send(token, 'convert-1', body)).replayed).toBe('true');
  });

  it('forgets a key after 24 h: an expired record is taken over, and pruned', async () => {
    const tenant = newTenant();
    const token = await stack.token(tenant, undefined, { userId: 'ada' });
    const expired = (key: string) => stack.database.sql`
      insert into customer.idempotency_keys (tenant_id, actor_kind, actor_id, key, response_key, field, request_hash, created_at)
      values (${tenant}, 'USER', 'ada', ${key}, 'createCustomer', 'createCustomer', 'another request', now() - interval '25 hours')`;
    await expired('old-1');
    await expired('old-2');
    // A fresh replica: the gateway's own memory has never seen these keys.
    const replica = await startReplica(stack);
    try {
      const body = { query: CREATE, variables: { input: { name: 'After A Day' } } };
      const fresh = await send(token, 'old-1', body, replica.url);
      expect(fresh.data.createCustomer.customer.name).toBe('After A Day');
    } finally {
      await replica.close();
    }
    await pruneRecords(stack.database.db, { schema: 'customer', tenantId: tenant });
    const keys = await stack.database.sql`select key from customer.idempotency_keys where tenant_id = ${tenant}`;
    expect(keys.map((k) => k.key)).toEqual(['old-1']);
  });
});

describe('Idempotency-Key through Redis', () => {
  const keyPrefix = `sme-graph-test:${randomBytes(6).toString('hex')}:`;
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('is shared by two gateway replicas: the second replays what the first answered', async () => {
    const idempotency = { redisUrl: REDIS_URL, keyPrefix };
    const [a, b] = await Promise.all([startReplica(stack, { idempotency }), startReplica(stack, { idempotency })]);
    try {
      const tenant = newTenant();
      const token = await stack.token(tenant);
      const body = { query: CREATE, variables: { input: { name: 'Replicated' } } };
      const key = randomUUID();
      const first = await send(token, key, body, a.url);
      const again = await send(token, key, body, b.url);
      expect(again.replayed).toBe('true');
      expect(again.data).toEqual(first.data);
      const reused = await send(token, key, { query: CREATE, variables: { input: { name: 'Other' } } }, b.url);
      expect(reused.status).toBe(422);
      expect(await customers(tenant)).toBe(1);
      // One Redis string per key, kept for 24 h.
      const [stored] = await redis.keys(`${keyPrefix}${tenant}:*`);
      expect(JSON.parse((await redis.get(stored))!).state).toBe('DONE');
      expect(await redis.pttl(stored)).toBeGreaterThan(23 * 3600 * 1000);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('parseIdempotencyKey', () => {
  it('takes a bare key or the draft’s quoted string, and refuses the rest', () => {
    expect(parseIdempotencyKey('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(parseIdempotencyKey('"8e03978e"')).toBe('8e03978e');
    expect(parseIdempotencyKey('""')).toBeNull();
    expect(parseIdempotencyKey('é')).toBeNull();
    expect(parseIdempotencyKey('a\u0000b')).toBeNull();
  });
});
