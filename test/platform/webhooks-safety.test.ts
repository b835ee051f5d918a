import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isForbiddenAddress, parseWebhookUrl } from '../../subgraphs/platform/webhooks/addresses.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';
import {
  deliveriesOf,
  subscribe,
  verifyStandardWebhook,
  webhookReceiver,
  type Receiver,
} from '../support/webhook-receiver.js';

const ERRORS = 'userErrors { code field message }';
const CREATE = `mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { webhookSubscription { id } secret ${ERRORS} } }`;

let stack: Stack;
const receivers: Receiver[] = [];
const allowedHosts = process.env.WEBHOOK_ALLOWED_HOSTS;
beforeAll(async () => {
  stack = await startStack();
});
afterEach(() => {
  process.env.WEBHOOK_ALLOWED_HOSTS = allowedHosts;
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await stack?.close();
});

async function receiver() {
  const r = await webhookReceiver();
  receivers.push(r);
  return r;
}

const createCustomer = (token: string, name = 'Acme') =>
  stack.query(token, `mutation($name: String!) { createCustomer(input: {name: $name}) { customer { id } } }`, { name });

describe('webhook URLs (SSRF)', () => {
  it('refuses hosts that resolve to loopback, private, link-local or metadata addresses', async () => {
    const token = await stack.token(newTenant('whs'), ['admin']);
    const refused = [
      'http://localhost:8080/hooks',
      'http://127.1.2.3/',
      'http://10.0.0.1/',
      'http://172.16.5.4/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1/',
      'http://0.0.0.0/',
      'http://[::1]:8080/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
      'http://[::ffff:127.0.0.1]/',
    ];
    for (const url of refused) {
      const res = await stack.query(token, CREATE, { input: { url, eventTypes: ['invoice.paid'] } });
      expect(res.data.createWebhookSubscription, url).toMatchObject({
        webhookSubscription: null,
        secret: null,
        userErrors: [{ code: 'WEBHOOK_URL_NOT_ALLOWED', field: ['input', 'url'] }],
      });
    }
    const [{ n }] = await stack.database.sql`
      select count(*)::int as n from platform.webhook_subscriptions where url = any(${refused})`;
    expect(n).toBe(0);
    for (const url of ['ftp://example.com/', 'not a url', 'http://user:secret@example.com/']) {
      const res = await stack.query(token, CREATE, { input: { url, eventTypes: ['invoice.paid'] } });
      expect(
        res.data.createWebhookSubscription.userErrors.map((e: any) => e.code),
        url,
      ).toEqual(['INVALID_WEBHOOK_URL']);
    }
  });

  it('refuses 127.0.0.1 too without WEBHOOK_ALLOWED_HOSTS, and allows a listed host name', async () => {
    const token = await stack.token(newTenant('whs'), ['admin']);
    const input = { url: 'http://127.0.0.1:9/hooks', eventTypes: ['invoice.paid'] };
    process.env.WEBHOOK_ALLOWED_HOSTS = '';
    const refused = await stack.query(token, CREATE, { input });
    expect(refused.data.createWebhookSubscription.userErrors).toEqual([
      {
        code: 'WEBHOOK_URL_NOT_ALLOWED',
        field: ['input', 'url'],
        message: '127.0.0.1 resolves to 127.0.0.1, a loopback, private, link-local or metadata address',
      },
    ]);
    process.env.WEBHOOK_ALLOWED_HOSTS = '127.0.0.1, LocalHost';
    const allowed = await stack.query(token, CREATE, { input: { ...input, url: 'http://localhost:9/hooks' } });
    expect(allowed.data.createWebhookSubscription.userErrors).toEqual([]);
    // A change of URL is checked the same way.
    process.env.WEBHOOK_ALLOWED_HOSTS = '';
    const moved = await stack.query(
      token,
      `mutation($id: ID!) { updateWebhookSubscription(input: {id: $id, url: "http://10.1.2.3/"}) { webhookSubscription { url } ${ERRORS} } }`,
      { id: allowed.data.createWebhookSubscription.webhookSubscription.id },
    );
    expect(moved.data.updateWebhookSubscription.userErrors.map((e: any) => e.code)).toEqual([
      'WEBHOOK_URL_NOT_ALLOWED',
    ]);
  });

  it('checks the address again at each delivery: a host no longer allowed gets nothing', async () => {
    const tenant = newTenant('whs');
    const token = await stack.token(tenant);
    const hooks = await receiver();
    const { id } = await subscribe(stack, token, hooks.url, ['customer.created']);
    process.env.WEBHOOK_ALLOWED_HOSTS = '';
    await createCustomer(token);
    await stack.settle();
    const [refused] = await deliveriesOf(stack, token, id);
    expect(refused).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      lastStatusCode: null,
      lastError: 'Refused: 127.0.0.1 resolves to 127.0.0.1, a loopback, private, link-local or metadata address',
    });
    expect(hooks.received).toHaveLength(0);
  });

  it('classifies addresses and, in production, takes https only', () => {
    for (const address of [
      '127.0.0.1',
      '10.255.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.169.254',
      '100.127.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fd00::1',
      'fc00::5',
      'fe80::1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
    ])
      expect(isForbiddenAddress(address), address).toBe(true);
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111'])
      expect(isForbiddenAddress(address), address).toBe(false);
    const env = process.env.NODE_ENV;
    try {
      process.env.NODE_ENV = 'production';
      expect(parseWebhookUrl('http://example.com/hooks')).toEqual({
        code: 'INVALID_WEBHOOK_URL',
        message: 'Webhook URLs must be https',
      });
      expect(parseWebhookUrl('https://example.com/hooks')).toBeInstanceOf(URL);
    } finally {
      process.env.NODE_ENV = env;
    }
    expect(parseWebhookUrl('http://example.com/hooks')).toBeInstanceOf(URL);
  });
});

describe('secret rotation', () => {
  it('signs with both secrets for 24 h, then with the new one only', async () => {
    const tenant = newTenant('whs');
    const token = await stack.token(tenant);
    const hooks = await receiver();
    const { id, secret: oldSecret } = await subscribe(stack, token, hooks.url, ['customer.created']);
    const rotated = await stack.query(
      token,
      `mutation($id: ID!) { rotateWebhookSecret(input: {id: $id}) { webhookSubscription { id previousSecretExpiresAt } secret ${ERRORS} } }`,
      { id },
    );
    const { secret: newSecret, webhookSubscription } = rotated.data.rotateWebhookSecret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    const overlap = Date.parse(webhookSubscription.previousSecretExpiresAt) - Date.now();
    expect(overlap).toBeGreaterThan(24 * 3_600_000 - 60_000);
    expect(overlap).toBeLessThanOrEqual(24 * 3_600_000);

    await createCustomer(token, 'During');
    await stack.settle();
    const [during] = hooks.received;
    const signatures = (during.headers['webhook-signature'] as string).split(' ');
    expect(signatures).toHaveLength(2);
    expect(verifyStandardWebhook(newSecret, during.headers, during.body)).toBe(true);
    expect(verifyStandardWebhook(oldSecret, during.headers, during.body)).toBe(true);
    // Each signature is one secret's: the new one's first.
    expect(
      verifyStandardWebhook(newSecret, { ...during.headers, 'webhook-signature': signatures[0] }, during.body),
    ).toBe(true);
    expect(
      verifyStandardWebhook(oldSecret, { ...during.headers, 'webhook-signature': signatures[1] }, during.body),
    ).toBe(true);

    // 24 h later.
    await stack.database.sql`
      update platform.webhook_subscriptions set previous_secret_expires_at = now() - interval '1 second' where tenant_id = ${tenant}`;
    await createCustomer(token, 'After');
    await stack.settle();
    const after = hooks.received[1];
    expect((after.headers['webhook-signature'] as string).split(' ')).toHaveLength(1);
    expect(verifyStandardWebhook(newSecret, after.headers, after.body)).toBe(true);
    expect(verifyStandardWebhook(oldSecret, after.headers, after.body)).toBe(false);
  });
});

describe('tenant isolation', () => {
  it("sends a tenant's events to its own subscriptions only, and no tenant can see or touch another's", async () => {
    const [a, b] = [newTenant('wha'), newTenant('whb')];
    const [tokenA, tokenB] = [await stack.token(a), await stack.token(b)];
    const [hooksA, hooksB] = [await receiver(), await receiver()];
    const subA = await subscribe(stack, tokenA, hooksA.url, ['customer.created']);
    await subscribe(stack, tokenB, hooksB.url, ['customer.created']);
    await createCustomer(tokenA, 'Only A');
    await stack.settle();
    expect(hooksA.events().map((e) => e.data.name)).toEqual(['Only A']);
    expect(hooksB.received).toHaveLength(0);

    const listed = await stack.query(tokenB, '{ webhookSubscriptions { totalCount nodes { id } } }');
    expect(listed.data.webhookSubscriptions.totalCount).toBe(1);
    expect(listed.data.webhookSubscriptions.nodes.map((n: any) => n.id)).not.toContain(subA.id);
    expect(await deliveriesOf(stack, tokenB, subA.id)).toEqual([]);
    const [deliveryA] = await deliveriesOf(stack, tokenA, subA.id);
    const attempts = await stack.query(
      tokenB,
      `mutation($d: ID!, $s: ID!) {
        r: redeliverWebhook(input: {deliveryId: $d}) { delivery { id } ${ERRORS} }
        f: redeliverFailedWebhooks(input: {subscriptionId: $s}) { redelivered ${ERRORS} }
        u: updateWebhookSubscription(input: {id: $s, active: false}) { webhookSubscription { id } ${ERRORS} }
        k: rotateWebhookSecret(input: {id: $s}) { secret ${ERRORS} }
        x: deleteWebhookSubscription(input: {id: $s}) { deletedId ${ERRORS} } }`,
      { d: deliveryA.id, s: subA.id },
    );
    for (const key of ['r', 'f', 'u', 'k', 'x'])
      expect(
        attempts.data[key].userErrors.map((e: any) => e.code),
        key,
      ).toEqual(['NOT_FOUND']);
    const [row] = await stack.database.sql`select active from platform.webhook_subscriptions where tenant_id = ${a}`;
    expect(row.active).toBe(true);
  });
});
