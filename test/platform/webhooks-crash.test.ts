import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { killServiceProcesses, startServiceProcess } from '../support/service-process.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';
import { subscribe, verifyStandardWebhook, webhookReceiver, type Receiver } from '../support/webhook-receiver.js';

/**
 * The platform service as its own process (subgraphs/platform/main.ts, as in production), whose
 * webhook worker is killed (SIGKILL) in the middle of sending a queue of deliveries. The stack
 * runs the rest of the graph and queues the deliveries, but sends none itself.
 */
let stack: Stack;
const receivers: Receiver[] = [];
beforeAll(async () => {
  stack = await startStack({ webhooks: false });
});
afterAll(async () => {
  killServiceProcesses();
  await Promise.all(receivers.map((r) => r.close()));
  await stack?.close();
});

/** The platform service, sending the queue; the test kills it once some deliveries arrived. */
const platformService = () =>
  startServiceProcess(
    'subgraphs/platform/main.ts',
    'PLATFORM_PORT',
    {
      DATABASE_URL: inject('databaseUrl'),
      JWT_SECRET: stack.secrets.jwtSecret,
      // The key the webhook secrets are sealed with derives from it.
      GATEWAY_SIGNING_SECRET: stack.secrets.signingSecret,
      WEBHOOK_POLL_MS: '100',
      LOG_LEVEL: 'silent',
    },
    { waitHealthy: false },
  );

describe('a webhook worker killed mid-batch', () => {
  it(
    'loses nothing: every delivery reaches its receiver, none more than twice, and all end DELIVERED',
    { timeout: 120_000 },
    async () => {
      const tenant = newTenant('whcrash');
      const token = await stack.token(tenant);
      // Each receiver holds every request a while, so that the kill finds some in flight.
      const hooks = [
        await webhookReceiver(() => ({ status: 204, delayMs: 120 })),
        await webhookReceiver(() => ({ status: 204, delayMs: 120 })),
      ];
      receivers.push(...hooks);
      const secrets = [];
      for (const h of hooks) secrets.push((await subscribe(stack, token, h.url, ['customer.created'])).secret);
      const customers = 25;
      for (let i = 0; i < customers; i++)
        await stack.query(token, `mutation { createCustomer(input: {name: "C${i}"}) { customer { id } } }`);
      await stack.settle();
      const queued = await stack.database.sql`
        select webhook_id, subscription_id from platform.webhook_deliveries where tenant_id = ${tenant} and status = 'PENDING'`;
      expect(queued).toHaveLength(2 * customers);

      const doomed = await platformService();
      await expect
        .poll(() => hooks[0].received.length + hooks[1].received.length, { timeout: 60_000, interval: 10 })
        .toBeGreaterThanOrEqual(12);
      doomed.child.kill('SIGKILL');
      expect(await doomed.exited).toBe('SIGKILL');
      const [{ pending }] = await stack.database.sql`
        select count(*)::int as pending from platform.webhook_deliveries where tenant_id = ${tenant} and status = 'PENDING'`;
      expect(pending).toBeGreaterThan(0);

      const fresh = await platformService();
      await expect
        .poll(
          async () =>
            (
              await stack.database.sql`
                select count(*)::int as n from platform.webhook_deliveries where tenant_id = ${tenant} and status = 'DELIVERED'`
            )[0].n,
          { timeout: 60_000, interval: 100 },
        )
        .toBe(2 * customers);
      fresh.child.kill('SIGKILL');
      await fresh.exited;

      for (const [i, h] of hooks.entries()) {
        const seen = new Map<string, number>();
        for (const request of h.received) {
          expect(verifyStandardWebhook(secrets[i], request.headers, request.body)).toBe(true);
          const id = request.headers['webhook-id'] as string;
          seen.set(id, (seen.get(id) ?? 0) + 1);
        }
        // Every delivery at least once, none more than twice; at most one per subscription was in
        // flight when the process died, so at most one is seen twice.
        expect(seen.size).toBe(customers);
        expect([...seen.values()].every((n) => n === 1 || n === 2)).toBe(true);
        expect([...seen.values()].filter((n) => n === 2).length).toBeLessThanOrEqual(1);
      }
      const allIds = new Set(queued.map((q) => q.webhook_id));
      const receivedIds = new Set(hooks.flatMap((h) => h.received.map((r) => r.headers['webhook-id'] as string)));
      expect(receivedIds).toEqual(allIds);
    },
  );
});
