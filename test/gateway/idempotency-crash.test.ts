import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVE_SUBGRAPHS, envPrefix } from '../../lib/config.js';
import { startProxy } from '../support/proxy.js';
import { killServiceProcesses, startServiceProcess } from '../support/service-process.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/**
 * The gateway as its own process (gateway/main.ts, as in production), SIGKILLed after the customer
 * subgraph committed a keyed mutation and answered, before the answer reached the client: a proxy
 * in front of the subgraph forwards the request and holds the answer back. The client's retry with
 * the same key, through a fresh gateway, gets the committed outcome, and nothing is applied twice.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  killServiceProcesses();
  await stack?.close();
});

/** A gateway process in front of the stack's subgraphs, the customer subgraph reached at `customerUrl`. */
async function gatewayProcess(customerUrl: string) {
  const urls = Object.fromEntries(ACTIVE_SUBGRAPHS.map((name) => [`${envPrefix(name)}_URL`, stack.subgraphUrls[name]]));
  const { child, exited, base } = await startServiceProcess(
    'gateway/main.ts',
    'PORT',
    {
      ...urls,
      CUSTOMER_URL: customerUrl,
      HOST: '127.0.0.1',
      JWT_SECRET: stack.secrets.jwtSecret,
      GATEWAY_SIGNING_SECRET: stack.secrets.signingSecret,
      LOG_LEVEL: 'error',
      // Its keys are in its memory only: what the retry finds was committed by the subgraph.
      REDIS_URL: undefined,
    },
    { healthTimeoutMs: 60_000 },
  );
  return { child, exited, url: `${base}/graphql` };
}

const CREATE =
  'mutation Create($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id name } userErrors { code } } }';

describe('a gateway killed between the commit and its answer', () => {
  it('answers the retry with the committed outcome, and the mutation applies once', { timeout: 180_000 }, async () => {
    const tenant = newTenant('crash');
    const token = await stack.token(tenant);
    let holding = true;
    const proxy = await startProxy(new URL(stack.subgraphUrls.customer).origin, (_n, body) => {
      if (holding && body.includes('createCustomer')) {
        holding = false;
        return 'hold-answer';
      }
      return 'forward';
    });
    try {
      const send = (url: string) =>
        fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${token}`,
            'idempotency-key': 'crash-1',
          },
          body: JSON.stringify({ query: CREATE, variables: { input: { name: 'Crash Ltd' } } }),
        });
      const rows = async () =>
        (
          await stack.database.sql`
            select (select count(*)::int from customer.customers where tenant_id = ${tenant}) as customers,
                   (select count(*)::int from customer.idempotency_keys where tenant_id = ${tenant}) as keys`
        )[0];

      const doomed = await gatewayProcess(`${proxy.url}/graphql`);
      const lost = send(doomed.url).then(
        (res) => `answered ${res.status}`,
        () => 'no answer',
      );
      // The subgraph has committed and answered; the answer is held before the gateway gets it.
      await expect.poll(() => proxy.held(), { timeout: 30_000, interval: 100 }).toBe(1);
      expect(await rows()).toEqual({ customers: 1, keys: 1 });
      doomed.child.kill('SIGKILL');
      expect(await doomed.exited).toBe('SIGKILL');
      expect(await lost).toBe('no answer');

      const fresh = await gatewayProcess(`${proxy.url}/graphql`);
      const retry = await send(fresh.url);
      expect(retry.status).toBe(200);
      const [committed] = await stack.database.sql`select id, name from customer.customers where tenant_id = ${tenant}`;
      expect(await retry.json()).toMatchObject({
        data: { createCustomer: { customer: { id: committed.id, name: 'Crash Ltd' }, userErrors: [] } },
      });
      // The retry reached the subgraph, which answered from its record and applied nothing.
      expect(proxy.seen.filter((body) => body.includes('createCustomer'))).toHaveLength(2);
      expect(await rows()).toEqual({ customers: 1, keys: 1 });
      // The fresh gateway kept that answer: the next repeat is replayed from it.
      expect((await send(fresh.url)).headers.get('idempotency-replayed')).toBe('true');
      fresh.child.kill('SIGKILL');
      await fresh.exited;
    } finally {
      await proxy.close();
    }
  });
});
