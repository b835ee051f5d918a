import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../gateway/auth.js';
import { memoryBucketStore } from '../../gateway/buckets.js';
import { bucketKey } from '../../gateway/throttle.js';
import { startReplica } from '../support/gateway.js';
import { countStatements, newTenant, startStack, type Stack } from '../support/stack.js';

/** Rate limits (gateway/throttle.ts): a leaky bucket per client, in memory or shared through Redis. */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TENANT_QUERY = '{ tenant { id } }'; // costs 1
const CREATE = 'mutation { createCustomer(input: {name: "Throttled"}) { customer { id } userErrors { code } } }'; // 11

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

/**
 * Buckets that restore a point every 100 s: a test that counts points exactly stays exact however
 * slow the machine is between two requests (1 point a second would refill one meanwhile).
 */
const SLOW = 0.01;

/** Retry-After in whole seconds: a slow bucket restores a little meanwhile, so within 5 s below `full`. */
const expectRetryAfter = (res: { headers: Headers }, full: number) => {
  const seconds = Number(res.headers.get('retry-after'));
  expect(seconds).toBeGreaterThan(full - 5);
  expect(seconds).toBeLessThanOrEqual(full);
};

const status = (maximumAvailable: number, currentlyAvailable: number, restoreRate: number) => ({
  maximumAvailable,
  currentlyAvailable,
  restoreRate,
});

describe('buckets', () => {
  it('are per API key, and per tenant and user for a token', () => {
    const caller = (kind: Caller['kind'], tenantId: string, userId: string): Caller => ({
      kind,
      tenantId,
      userId,
      scopes: [],
      exp: 0,
    });
    expect(bucketKey(caller('API_KEY', 'acme', 'key-1'))).toBe('key:key-1');
    expect(bucketKey(caller('USER', 'acme', 'alice'))).toBe('user:acme:alice');
    expect(bucketKey(caller('USER', 'other', 'alice'))).toBe('user:other:alice');
  });

  it('restore continuously up to their capacity and never take part of a cost', async () => {
    let now = 0;
    const store = memoryBucketStore(() => now);
    const bucket = { capacity: 10, restoreRate: 2 };
    expect(await store.take('a', 7, bucket)).toEqual({ allowed: true, available: 3 });
    expect(await store.take('a', 4, bucket)).toEqual({ allowed: false, available: 3 });
    now = 500; // + 1 point
    expect(await store.take('a', 4, bucket)).toEqual({ allowed: true, available: 0 });
    now = 100_000;
    expect(await store.take('a', 0, bucket)).toEqual({ allowed: true, available: 10 });
    expect(await store.take('b', 11, bucket)).toEqual({ allowed: false, available: 10 });
  });
});

describe('throttling in memory', () => {
  let gateway: Awaited<ReturnType<typeof startReplica>>;
  beforeAll(async () => {
    gateway = await startReplica(stack, {
      maxQueryCost: 2000,
      rateLimit: { points: 3, restoreRate: SLOW, redisUrl: undefined },
    });
  });
  afterAll(() => gateway?.close());

  it('answers 429 THROTTLED with Retry-After when the bucket is empty', async () => {
    const token = await stack.token(newTenant());
    for (const left of [2, 1, 0]) {
      const res = await gateway.query(token, TENANT_QUERY);
      expect(res.status).toBe(200);
      expect(res.extensions?.cost).toEqual({ requestedQueryCost: 1, throttleStatus: status(3, left, SLOW) });
    }
    const throttled = await gateway.query(token, TENANT_QUERY);
    expect(throttled.status).toBe(429);
    expectRetryAfter(throttled, 100); // 1 point at 0.01 a second
    expect(throttled.data).toBeUndefined();
    expect(throttled.errors?.map((e) => e.extensions.code)).toEqual(['THROTTLED']);
    expect(throttled.extensions?.cost).toEqual({ requestedQueryCost: 1, throttleStatus: status(3, 0, SLOW) });
  });

  it('serves a throttled client again once it waited Retry-After seconds', async () => {
    const replica = await startReplica(stack, { rateLimit: { points: 1, restoreRate: 0.5, redisUrl: undefined } });
    try {
      // A new gateway plans an operation the first time it sees it: not inside the measured gap.
      await replica.query(await stack.token(newTenant()), TENANT_QUERY);
      const token = await stack.token(newTenant());
      expect((await replica.query(token, TENANT_QUERY)).status).toBe(200);
      const throttled = await replica.query(token, TENANT_QUERY);
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('2');
      await sleep(2000);
      const again = await replica.query(token, TENANT_QUERY);
      expect(again.status).toBe(200);
      expect(again.data).toEqual({ tenant: { id: expect.any(String) } });
    } finally {
      await replica.close();
    }
  });

  it('refuses a mutation the bucket cannot pay without changing anything', async () => {
    const tenant = newTenant();
    const token = await stack.token(tenant);
    const limited = await startReplica(stack, { rateLimit: { points: 15, restoreRate: SLOW, redisUrl: undefined } });
    try {
      const created = await limited.query(token, CREATE);
      expect(created.data.createCustomer.userErrors).toEqual([]);
      expect(created.extensions?.cost).toEqual({ requestedQueryCost: 11, throttleStatus: status(15, 4, SLOW) });
      const { result: refused, statements } = await countStatements(tenant, () => limited.query(token, CREATE));
      expect(refused.status).toBe(429);
      expectRetryAfter(refused, 700); // (11 - 4) points at 0.01 a second
      expect(refused.data).toBeUndefined();
      expect(refused.errors?.map((e) => e.extensions.code)).toEqual(['THROTTLED']);
      expect(statements).toEqual([]);
      // Read through the stack's own gateway (no limits in the test environment).
      expect((await stack.query(token, '{ customers { totalCount } }')).data).toEqual({ customers: { totalCount: 1 } });
    } finally {
      await limited.close();
    }
  });

  it('keeps one client from spending another client’s points', async () => {
    const tenant = newTenant();
    const alice = await stack.token(tenant, undefined, { userId: 'alice' });
    for (let i = 0; i < 3; i++) await gateway.query(alice, TENANT_QUERY);
    expect((await gateway.query(alice, TENANT_QUERY)).status).toBe(429);
    const bob = await gateway.query(await stack.token(tenant, undefined, { userId: 'bob' }), TENANT_QUERY);
    expect(bob.status).toBe(200);
    expect(bob.extensions?.cost.throttleStatus).toEqual(status(3, 2, SLOW));
    const otherTenant = await gateway.query(
      await stack.token(newTenant(), undefined, { userId: 'alice' }),
      TENANT_QUERY,
    );
    expect(otherTenant.status).toBe(200);
    expect(otherTenant.extensions?.cost.throttleStatus).toEqual(status(3, 2, SLOW));
  });

  it('gives an API key a bucket of its own, apart from the admin who made it', async () => {
    const admin = await stack.token(newTenant(), ['admin', 'crm:read'], { userId: 'admin' });
    const created = await stack.query(
      admin,
      'mutation { createApiKey(input: {name: "sync", scopes: ["crm:read"]}) { secret userErrors { code } } }',
    );
    expect(created.data.createApiKey.userErrors).toEqual([]);
    const key: string = created.data.createApiKey.secret;
    for (let i = 0; i < 3; i++) expect((await gateway.query(key, TENANT_QUERY)).status).toBe(200);
    expect((await gateway.query(key, TENANT_QUERY)).status).toBe(429);
    const person = await gateway.query(admin, TENANT_QUERY);
    expect(person.status).toBe(200);
    expect(person.extensions?.cost.throttleStatus).toEqual(status(3, 2, SLOW));
  });

  it('refuses an operation costing more than the bucket holds as too expensive, since it could never run', async () => {
    const res = await gateway.query(await stack.token(newTenant()), '{ customers(first: 5) { nodes { name } } }');
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions).toEqual({
      code: 'COST_ESTIMATED_TOO_EXPENSIVE',
      cost: { requestedQueryCost: 6, maximumAvailable: 3 },
    });
  });
});

describe('throttling through Redis', () => {
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

  it('shares each client’s bucket between two gateway replicas', async () => {
    const rateLimit = { points: 3, restoreRate: SLOW, redisUrl: REDIS_URL, keyPrefix };
    const [a, b] = await Promise.all([startReplica(stack, { rateLimit }), startReplica(stack, { rateLimit })]);
    try {
      const tenant = newTenant();
      const token = await stack.token(tenant, undefined, { userId: 'integration' });
      expect((await a.query(token, TENANT_QUERY)).extensions?.cost.throttleStatus).toEqual(status(3, 2, SLOW));
      expect((await b.query(token, TENANT_QUERY)).extensions?.cost.throttleStatus).toEqual(status(3, 1, SLOW));
      expect((await a.query(token, TENANT_QUERY)).extensions?.cost.throttleStatus).toEqual(status(3, 0, SLOW));
      for (const replica of [b, a]) {
        const throttled = await replica.query(token, TENANT_QUERY);
        expect(throttled.status).toBe(429);
        expectRetryAfter(throttled, 100);
      }
      // The bucket is one Redis hash, which expires once it would be full again (3 points at 0.01/s: 300 s).
      const key = `${keyPrefix}user:${tenant}:integration`;
      expect(Number(await redis.hget(key, 'points'))).toBeLessThan(1);
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(290_000);
      expect(ttl).toBeLessThanOrEqual(301_000);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('serves again through the other replica once the shared bucket restored', async () => {
    const rateLimit = { points: 1, restoreRate: 0.5, redisUrl: REDIS_URL, keyPrefix };
    const [a, b] = await Promise.all([startReplica(stack, { rateLimit }), startReplica(stack, { rateLimit })]);
    try {
      const warmUp = await stack.token(newTenant());
      await Promise.all([a.query(warmUp, TENANT_QUERY), b.query(warmUp, TENANT_QUERY)]);
      const token = await stack.token(newTenant());
      expect((await a.query(token, TENANT_QUERY)).status).toBe(200);
      expect((await b.query(token, TENANT_QUERY)).status).toBe(429);
      await sleep(2000);
      expect((await b.query(token, TENANT_QUERY)).status).toBe(200);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('fails open to the replica’s own buckets while Redis is unreachable', async () => {
    const replica = await startReplica(stack, {
      rateLimit: { points: 2, restoreRate: SLOW, redisUrl: 'redis://127.0.0.1:1', keyPrefix },
    });
    try {
      const token = await stack.token(newTenant());
      expect((await replica.query(token, TENANT_QUERY)).status).toBe(200);
      expect((await replica.query(token, TENANT_QUERY)).status).toBe(200);
      expect((await replica.query(token, TENANT_QUERY)).status).toBe(429);
    } finally {
      await replica.close();
    }
  });
});
