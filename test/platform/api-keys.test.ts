import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { API_KEY_CACHE_DEFAULTS } from '../../gateway/api-keys.js';
import { apiKeyCacheSettings } from '../../lib/config.js';
import { startReplica } from '../support/gateway.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/** API keys: long-lived, scoped credentials for integrations, checked by the gateway from a cache. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const CREATE = `mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    apiKey { id name prefix scopes createdBy createdAt expiresAt lastUsedAt revokedAt }
    secret
    userErrors { code field message }
  }
}`;
const REVOKE = `mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { id revokedAt } userErrors { code field } } }`;
const COUNT = '{ customers { totalCount } }';

async function createKey(token: string, input: Record<string, unknown>) {
  const res = await stack.query(token, CREATE, { input });
  expect(res.errors).toBeUndefined();
  return res.data.createApiKey;
}

async function tenantWithKey(scopes = ['crm:read', 'crm:write'], extra: Record<string, unknown> = {}) {
  const tenant = newTenant('key');
  const admin = await stack.token(tenant, ['admin', 'crm:read', 'crm:write', 'sales:read'], { userId: 'alice' });
  const created = await createKey(admin, { name: 'Warehouse sync', scopes, ...extra });
  expect(created.userErrors).toEqual([]);
  return { tenant, admin, key: created.apiKey, secret: created.secret as string };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('API keys', () => {
  it('creates a key whose secret is shown once, stored as its SHA-256 and listed by prefix only', async () => {
    const { tenant, admin, key, secret } = await tenantWithKey();
    expect(secret).toMatch(/^sme_[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({
      name: 'Warehouse sync',
      prefix: secret.slice(0, 12),
      scopes: ['crm:read', 'crm:write'],
      createdBy: 'alice',
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    });
    const listed = await stack.query(admin, '{ apiKeys(first: 10) { totalCount nodes { id prefix scopes } } }');
    expect(listed.data.apiKeys).toEqual({
      totalCount: 1,
      nodes: [{ id: key.id, prefix: secret.slice(0, 12), scopes: ['crm:read', 'crm:write'] }],
    });
    expect(JSON.stringify(listed)).not.toContain(secret);
    const fields = await stack.query(admin, '{ __type(name: "ApiKey") { fields { name } } }');
    expect(fields.data.__type.fields.map((f: { name: string }) => f.name)).not.toContain('secret');
    const stored = await stack.database.sql`select * from platform.api_keys where tenant_id = ${tenant}`;
    expect(stored).toHaveLength(1);
    expect(stored[0].secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(secret.slice(12));
  });

  it('acts as the key, with its scopes and within its tenant only', async () => {
    const { secret, key } = await tenantWithKey(['crm:read', 'crm:write']);
    const created = await stack.query(
      secret,
      'mutation { createCustomer(input: { name: "Via key", kind: COMPANY }) { customer { id name } userErrors { code } } }',
    );
    expect(created.data.createCustomer.userErrors).toEqual([]);
    expect((await stack.query(secret, COUNT)).data).toEqual({ customers: { totalCount: 1 } });
    // A scope the key lacks: that field is refused, as for a token.
    const denied = await stack.query(secret, '{ leads(first: 1) { totalCount } }');
    expect(denied.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    // Another tenant's customer reads as missing and cannot be changed.
    const other = newTenant('other');
    const otherToken = await stack.token(other);
    const theirs = await stack.query(
      otherToken,
      'mutation { createCustomer(input: { name: "Theirs", kind: COMPANY }) { customer { id } } }',
    );
    const theirId = theirs.data.createCustomer.customer.id;
    expect((await stack.query(secret, `{ customer(id: "${theirId}") { name } }`)).data).toEqual({ customer: null });
    const write = await stack.query(
      secret,
      `mutation { updateCustomer(input: { id: "${theirId}", name: "Taken" }) { customer { id } userErrors { code } } }`,
    );
    expect(write.data.updateCustomer).toEqual({ customer: null, userErrors: [{ code: 'NOT_FOUND' }] });
    expect((await stack.query(otherToken, `{ customer(id: "${theirId}") { name } }`)).data.customer.name).toBe(
      'Theirs',
    );
    // The key is the actor its tenant's services see: a key it creates names it as the creator.
    const admin = await tenantWithKey(['admin', 'crm:read']);
    const made = await createKey(admin.secret, { name: 'Made by a key', scopes: ['crm:read'] });
    expect(made.apiKey.createdBy).toBe(admin.key.id);
    expect(key.id).not.toBe(admin.key.id);
  });

  it("refuses scopes the creator lacks or that don't exist, and an expiry in the past", async () => {
    const admin = await stack.token(newTenant(), ['admin', 'crm:read']);
    const res = await createKey(admin, {
      name: ' ',
      scopes: ['crm:read', 'finance:read', 'root'],
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    expect(res.apiKey).toBeNull();
    expect(res.secret).toBeNull();
    expect(res.userErrors.map((e: { code: string; field: string[] }) => [e.code, e.field.join('.')])).toEqual([
      ['REQUIRED', 'input.name'],
      ['SCOPE_NOT_HELD', 'input.scopes.1'],
      ['UNKNOWN_SCOPE', 'input.scopes.2'],
      ['EXPIRY_IN_PAST', 'input.expiresAt'],
    ]);
    const none = await createKey(admin, { name: 'Nothing', scopes: [] });
    expect(none.userErrors.map((e: { code: string }) => e.code)).toEqual(['REQUIRED']);
    expect((await stack.query(admin, '{ apiKeys { totalCount } }')).data.apiKeys.totalCount).toBe(0);
    // Creating keys needs admin.
    const user = await stack.token(newTenant(), ['crm:read']);
    const forbidden = await stack.query(user, CREATE, { input: { name: 'x', scopes: ['crm:read'] } });
    expect(forbidden.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
  });

  it('refuses malformed, unknown, expired and revoked keys with 401 UNAUTHENTICATED', async () => {
    for (const [bearer, message] of [
      ['sme_short', 'Malformed API key'],
      [`sme_${'A'.repeat(43)}`, 'Unknown API key'],
    ]) {
      const res = await stack.query(bearer, COUNT);
      expect(res.status).toBe(401);
      expect(res.errors).toEqual([{ message, extensions: { code: 'UNAUTHENTICATED' } }]);
    }
    const { secret } = await tenantWithKey(['crm:read'], { expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await stack.query(secret, COUNT)).status).toBe(200);
    await sleep(1600);
    // Decided from the cached answer: expiry needs no lookup.
    const expired = await stack.query(secret, COUNT);
    expect(expired.status).toBe(401);
    expect(expired.errors?.[0].message).toBe('The API key expired');
  });

  it('revoking a key refuses it on every gateway replica within the cache TTL', async () => {
    const { admin, key, secret } = await tenantWithKey(['crm:read']);
    const replicas = await Promise.all(
      [1, 2].map(() => startReplica(stack, { apiKeyCache: { ttlMs: 1000, maxStaleMs: 1000 } })),
    );
    try {
      for (const replica of replicas) expect((await replica.query(secret, COUNT)).status).toBe(200);
      const revoked = await stack.query(admin, REVOKE, { id: key.id });
      expect(revoked.data.revokeApiKey.userErrors).toEqual([]);
      expect(revoked.data.revokeApiKey.apiKey.revokedAt).not.toBeNull();
      await sleep(1100);
      for (const replica of replicas) {
        const res = await replica.query(secret, COUNT);
        expect(res.status).toBe(401);
        expect(res.errors?.[0]).toEqual({
          message: 'The API key was revoked',
          extensions: { code: 'UNAUTHENTICATED' },
        });
      }
      const again = await stack.query(admin, REVOKE, { id: key.id });
      expect(again.data.revokeApiKey).toEqual({
        apiKey: null,
        userErrors: [{ code: 'ALREADY_REVOKED', field: ['input', 'id'] }],
      });
      const foreign = await stack.query(await stack.token(newTenant(), ['admin']), REVOKE, { id: key.id });
      expect(foreign.data.revokeApiKey.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
    }
    // The defaults keep "within 30 s": 20 s fresh, served stale at most until 30 s while the platform is unreachable.
    expect(API_KEY_CACHE_DEFAULTS.maxStaleMs).toBeLessThanOrEqual(30_000);
    expect(apiKeyCacheSettings().maxStaleMs).toBeLessThanOrEqual(30_000);
  });

  it('a cached key is checked without asking the platform; past the stale window it answers 503', async () => {
    const { secret } = await tenantWithKey(['crm:read']);
    const replica = await startReplica(stack, { apiKeyCache: { ttlMs: 1000, maxStaleMs: 4000 } });
    try {
      expect((await replica.query(secret, COUNT)).status).toBe(200);
      await stack.stopSubgraph('platform');
      // Fresh, then stale but within the window: served from the cache with the platform down.
      expect((await replica.query(secret, COUNT)).data).toEqual({ customers: { totalCount: 0 } });
      await sleep(1100);
      expect((await replica.query(secret, COUNT)).status).toBe(200);
      await sleep(3000);
      const unavailable = await replica.query(secret, COUNT);
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers.get('retry-after')).toBe('1');
      expect(unavailable.errors?.[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await stack.restartSubgraph('platform');
      await replica.close();
    }
  });

  it('records lastUsedAt at most once a minute', async () => {
    const { admin, secret } = await tenantWithKey(['crm:read']);
    const replica = await startReplica(stack, { apiKeyCache: { ttlMs: 1, maxStaleMs: 1 } });
    try {
      await replica.query(secret, COUNT);
      const first = (await stack.query(admin, '{ apiKeys { nodes { lastUsedAt } } }')).data.apiKeys.nodes[0].lastUsedAt;
      expect(first).not.toBeNull();
      await sleep(20);
      await replica.query(secret, COUNT); // asks the platform again (TTL 1 ms), within the minute
      const second = (await stack.query(admin, '{ apiKeys { nodes { lastUsedAt } } }')).data.apiKeys.nodes[0]
        .lastUsedAt;
      expect(second).toBe(first);
    } finally {
      await replica.close();
    }
  });
});
