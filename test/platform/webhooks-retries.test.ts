import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, startStack, type Stack } from '../support/stack.js';
import {
  deliveriesOf,
  DELIVERY_FIELDS,
  subscribe,
  verifyStandardWebhook,
  webhookReceiver,
  type Receiver,
  type Reply,
} from '../support/webhook-receiver.js';

const ERRORS = 'userErrors { code field message }';

/** A short schedule: three retries 300 ms apart; three deliveries FAILED in a row disable a subscription. */
let stack: Stack;
const receivers: Receiver[] = [];
beforeAll(async () => {
  stack = await startStack({
    webhooks: { retryScheduleMs: [300, 300, 300], disableAfterFailures: 3, timeoutMs: 1000 },
  });
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await stack?.close();
});

async function setup(reply: (n: number) => Reply, eventTypes = ['customer.created']) {
  const tenant = newTenant('whr');
  const token = await stack.token(tenant);
  const hooks = await webhookReceiver(reply);
  receivers.push(hooks);
  const { id, secret } = await subscribe(stack, token, hooks.url, eventTypes);
  const createCustomer = async (name = 'Acme') =>
    (
      await stack.query(
        token,
        `mutation($name: String!) { createCustomer(input: {name: $name}) { customer { id } } }`,
        { name },
      )
    ).data.createCustomer.customer.id as string;
  const deliveries = (filter?: object) => deliveriesOf(stack, token, id, filter);
  return { tenant, token, hooks, id, secret, createCustomer, deliveries };
}

describe('webhook retries', () => {
  it('retry a 500 on the schedule, with the same webhook-id and a fresh signed timestamp, until the receiver takes it', async () => {
    const s = await setup((n) => (n <= 2 ? { status: 500, body: 'busy' } : { status: 200, body: 'ok' }));
    await s.createCustomer();
    await stack.settle();
    await expect.poll(async () => (await s.deliveries())[0]?.status, { timeout: 10_000 }).toBe('DELIVERED');
    const [delivery] = await s.deliveries();
    expect(delivery).toMatchObject({ attempts: 3, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    expect(delivery.attemptLog.map((a: any) => [a.attempt, a.statusCode, a.error, a.responseBody])).toEqual([
      [1, 500, 'Answered 500', 'busy'],
      [2, 500, 'Answered 500', 'busy'],
      [3, 200, null, 'ok'],
    ]);
    const ids = new Set(s.hooks.received.map((r) => r.headers['webhook-id']));
    expect(ids).toEqual(new Set([delivery.webhookId]));
    for (const request of s.hooks.received)
      expect(verifyStandardWebhook(s.secret, request.headers, request.body)).toBe(true);
    const [first, second, third] = s.hooks.received.map((r) => r.at);
    expect(second - first).toBeGreaterThanOrEqual(280);
    expect(third - second).toBeGreaterThanOrEqual(280);
  });

  it('wait as long as a 429 Retry-After asks, beyond the schedule', async () => {
    const s = await setup((n) => (n === 1 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 204 }));
    await s.createCustomer();
    await stack.settle();
    const [pending] = await s.deliveries();
    expect(pending).toMatchObject({ status: 'PENDING', attempts: 1, lastStatusCode: 429, lastError: 'Answered 429' });
    expect(
      Date.parse(pending.nextAttemptAt) - Date.parse(pending.attemptLog[0].attemptedAt ?? pending.createdAt),
    ).toBeGreaterThan(1500);
    await expect.poll(async () => (await s.deliveries())[0]?.status, { timeout: 10_000 }).toBe('DELIVERED');
    const [first, second] = s.hooks.received.map((r) => r.at);
    expect(second - first).toBeGreaterThanOrEqual(1900);
  });

  it('retry a receiver that does not answer in time (the timeout), and one that refuses connections', async () => {
    let answering = false;
    const s = await setup(() => (answering ? { status: 204 } : { status: 204, delayMs: 3000 }));
    await s.createCustomer();
    await stack.settle();
    const [timedOut] = await s.deliveries();
    expect(timedOut).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      lastStatusCode: null,
      lastError: 'No answer within 1000 ms',
    });
    answering = true;
    await expect.poll(async () => (await s.deliveries())[0]?.status, { timeout: 10_000 }).toBe('DELIVERED');

    // Nobody listening: connection refused, retried.
    const gone = await setup(() => ({ status: 204 }));
    await gone.hooks.close();
    await gone.createCustomer();
    await stack.settle();
    const [refused] = await gone.deliveries();
    expect(refused).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      lastStatusCode: null,
      lastError: 'Could not deliver: ECONNREFUSED',
    });
  });

  it('fail a 400 at once: FAILED after one attempt, listed, its answer kept (1 KB at most), and redelivered with the same webhook-id', async () => {
    const s = await setup((n) => (n === 1 ? { status: 400, body: 'x'.repeat(5000) } : { status: 204 }));
    await s.createCustomer();
    await stack.settle();
    const failed = await s.deliveries({ status: 'FAILED' });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      lastStatusCode: 400,
      lastError: 'Answered 400',
      nextAttemptAt: null,
    });
    expect(failed[0].attemptLog[0].responseBody).toBe('x'.repeat(1024));
    expect(await s.deliveries({ status: 'DELIVERED' })).toEqual([]);
    expect(await s.deliveries({ eventType: 'customer.created' })).toHaveLength(1);
    expect(await s.deliveries({ eventType: 'invoice.paid' })).toEqual([]);
    expect(await s.deliveries({ since: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    expect(s.hooks.received).toHaveLength(1);

    const redelivered = await stack.query(
      s.token,
      `mutation($id: ID!) { redeliverWebhook(input: {deliveryId: $id}) { delivery { status attempts } ${ERRORS} } }`,
      { id: failed[0].id },
    );
    expect(redelivered.data.redeliverWebhook).toEqual({ delivery: { status: 'PENDING', attempts: 1 }, userErrors: [] });
    await stack.settle();
    const [delivered] = await s.deliveries();
    expect(delivered).toMatchObject({ id: failed[0].id, status: 'DELIVERED', attempts: 2, lastStatusCode: 204 });
    expect(s.hooks.received.map((r) => r.headers['webhook-id'])).toEqual([failed[0].webhookId, failed[0].webhookId]);
  });

  it('do not follow redirects: a 3xx fails, and its target is never called', async () => {
    const target = await webhookReceiver();
    receivers.push(target);
    const s = await setup(() => ({ status: 302, headers: { location: target.url } }));
    await s.createCustomer();
    await stack.settle();
    const [delivery] = await s.deliveries();
    expect(delivery).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      lastStatusCode: 302,
      lastError: `Answered 302; redirects are not followed (to ${target.url})`,
    });
    expect(target.received).toHaveLength(0);
  });

  it('end FAILED after the last scheduled attempt; redeliverFailedWebhooks sends every one again', async () => {
    let up = false;
    const s = await setup(() => (up ? { status: 204 } : { status: 503 }));
    await s.createCustomer('One');
    await s.createCustomer('Two');
    await stack.settle();
    await expect
      .poll(async () => (await s.deliveries()).map((d) => `${d.status} ${d.attempts}`), { timeout: 15_000 })
      .toEqual(['FAILED 4', 'FAILED 4']);
    const [subscription] = await stack.database.sql`
      select active, failed_in_a_row, failing_since is not null as failing from platform.webhook_subscriptions where tenant_id = ${s.tenant}`;
    expect(subscription).toEqual({ active: true, failed_in_a_row: 2, failing: true });

    up = true;
    const res = await stack.query(
      s.token,
      `mutation($id: ID!, $since: DateTime) { redeliverFailedWebhooks(input: {subscriptionId: $id, since: $since}) { redelivered ${ERRORS} } }`,
      { id: s.id, since: new Date(Date.now() - 3_600_000).toISOString() },
    );
    expect(res.data.redeliverFailedWebhooks).toEqual({ redelivered: 2, userErrors: [] });
    await stack.settle();
    expect((await s.deliveries()).map((d) => `${d.status} ${d.attempts}`)).toEqual(['DELIVERED 5', 'DELIVERED 5']);
    const [after] = await stack.database.sql`
      select failed_in_a_row, failing_since from platform.webhook_subscriptions where tenant_id = ${s.tenant}`;
    expect(after).toEqual({ failed_in_a_row: 0, failing_since: null });
  });
});

describe('disabling', () => {
  it('disables a subscription whose deliveries failed 3 in a row, with its reason; active: true enables it again', async () => {
    const s = await setup(() => ({ status: 410 }));
    for (const name of ['A', 'B', 'C']) await s.createCustomer(name);
    await stack.settle();
    const sub = async () =>
      (await stack.query(s.token, '{ webhookSubscriptions { nodes { id active disabledReason } } }')).data
        .webhookSubscriptions.nodes[0];
    expect(await sub()).toEqual({
      id: s.id,
      active: false,
      disabledReason: 'Disabled after 3 deliveries in a row failed',
    });

    // Nothing is queued for it meanwhile, and nothing can be redelivered to it.
    await s.createCustomer('D');
    await stack.settle();
    expect(await s.deliveries()).toHaveLength(3);
    const [oldest] = (await s.deliveries()).slice(-1);
    const refused = await stack.query(
      s.token,
      `mutation($id: ID!) { redeliverWebhook(input: {deliveryId: $id}) { delivery { id } ${ERRORS} } }`,
      { id: oldest.id },
    );
    expect(refused.data.redeliverWebhook.userErrors.map((e: any) => e.code)).toEqual(['WEBHOOK_SUBSCRIPTION_INACTIVE']);

    const enabled = await stack.query(
      s.token,
      `mutation($id: ID!) { updateWebhookSubscription(input: {id: $id, active: true}) { webhookSubscription { active disabledReason } ${ERRORS} } }`,
      { id: s.id },
    );
    expect(enabled.data.updateWebhookSubscription).toEqual({
      webhookSubscription: { active: true, disabledReason: null },
      userErrors: [],
    });
  });

  it('disables a subscription that failed everything for 3 days', async () => {
    const s = await setup(() => ({ status: 500 }));
    await s.createCustomer();
    await stack.settle();
    // Its first failure, three days and an hour ago.
    await stack.database.sql`
      update platform.webhook_subscriptions set failing_since = now() - interval '73 hours' where tenant_id = ${s.tenant}`;
    await expect
      .poll(
        async () =>
          (
            await stack.database
              .sql`select active, disabled_reason from platform.webhook_subscriptions where tenant_id = ${s.tenant}`
          )[0],
        { timeout: 10_000 },
      )
      .toEqual({ active: false, disabled_reason: 'Disabled after every delivery failed for 72 hours' });
    // The delivery it was trying stays PENDING, and goes on once the subscription is enabled again.
    const [delivery] = await s.deliveries();
    expect(delivery.status).toBe('PENDING');
    expect(delivery.attempts).toBe(2);
  });
});

describe('isolation between receivers', () => {
  it('a slow receiver delays no other subscription, and never has two deliveries in flight', async () => {
    const tenant = newTenant('whs');
    const token = await stack.token(tenant);
    const slow = await webhookReceiver(() => ({ status: 204, delayMs: 800 }));
    const fast = await webhookReceiver();
    receivers.push(slow, fast);
    await subscribe(stack, token, slow.url, ['customer.created']);
    await subscribe(stack, token, fast.url, ['customer.created']);
    const started = Date.now();
    for (const name of ['A', 'B', 'C', 'D'])
      await stack.query(token, `mutation { createCustomer(input: {name: "${name}"}) { customer { id } } }`);
    // No settle(): it would wait for the slow one. The background relay and worker deliver.
    await expect.poll(() => fast.received.length, { timeout: 10_000, interval: 20 }).toBe(4);
    const fastDone = Date.now();
    expect(slow.received.length).toBeLessThan(4);
    await expect.poll(() => slow.received.length, { timeout: 15_000 }).toBe(4);
    // One at a time: each request reached it only after the previous one was answered.
    const arrivals = slow.received.map((r) => r.at);
    for (let i = 1; i < arrivals.length; i++) expect(arrivals[i] - arrivals[i - 1]).toBeGreaterThanOrEqual(780);
    expect(fastDone - started).toBeLessThan(arrivals[3] - started);
    await stack.settle();
    const rows = await stack.database.sql`
      select status, count(*)::int as n from platform.webhook_deliveries where tenant_id = ${tenant} group by status`;
    expect(rows).toEqual([{ status: 'DELIVERED', n: 8 }]);
  });
});

void DELIVERY_FIELDS;
