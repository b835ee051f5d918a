import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACTIVE_SUBGRAPHS, type Secrets, type SubgraphName, type upstreamSettings } from '../lib/config.js';
import { connect } from '../lib/db.js';
import { freePort } from '../lib/net.js';
import { peersOf } from '../lib/peers.js';
import { Relay, type RelayOptions } from '../lib/events/relay.js';
import { serveSubgraph, type Subgraph } from '../lib/subgraph-server.js';
import type { BaseContext } from '../lib/context.js';
import { createGateway } from '../gateway/index.js';
import { buildCustomerSubgraph } from '../subgraphs/customer/index.js';
import { buildFinanceSubgraph } from '../subgraphs/finance/index.js';
import { buildFulfilmentSubgraph } from '../subgraphs/order-fulfilment/index.js';
import { buildPlatformSubgraph } from '../subgraphs/platform/index.js';
import { buildSalesSubgraph } from '../subgraphs/sales-pipeline/index.js';
import { webhookWorkerAt } from '../subgraphs/platform/webhooks/worker.js';
import type { webhookSettings } from '../lib/config.js';

/**
 * The whole graph inside one process: each subgraph on its own free port, the real gateway in
 * front over HTTP, and a relay per subgraph delivering its events. For tests and benchmarks only;
 * the product runs each as its own service. Ports are chosen first, so that every subgraph knows
 * where the ones it calls will listen before any of them starts.
 */
export async function startLocalGraph(
  databaseUrl: string,
  opts: {
    poolSize?: number;
    secrets?: Secrets;
    relays?: boolean;
    relay?: Partial<RelayOptions>;
    /** The webhook worker's settings (a short retry schedule in tests); false: no worker at all. */
    webhooks?: Partial<ReturnType<typeof webhookSettings>> | false;
    /** The gateway's timeout and breaker of subgraph calls (UPSTREAM_* defaults). */
    upstream?: Pick<ReturnType<typeof upstreamSettings>, 'timeoutMs' | 'failures' | 'openMs'>;
  } = {},
) {
  const secrets: Secrets = opts.secrets ?? {
    jwtSecret: randomBytes(16).toString('hex'),
    signingSecret: randomBytes(16).toString('hex'),
  };
  const { signingSecret } = secrets;
  const database = connect(databaseUrl, { max: opts.poolSize ?? 20 });
  const ports = Object.fromEntries(
    await Promise.all(ACTIVE_SUBGRAPHS.map(async (name) => [name, await freePort()] as const)),
  ) as Record<SubgraphName, number>;
  const base = (name: SubgraphName) => `http://127.0.0.1:${ports[name]}`;
  const locations = {
    signingSecret,
    graphqlUrl: (name: SubgraphName) => `${base(name)}/graphql`,
    eventsUrl: (name: SubgraphName) => `${base(name)}/events`,
  };
  // Typed one by one, so that tests can reach each subgraph's own context (stack.subgraphs.fulfilment).
  const subgraphs = {
    customer: buildCustomerSubgraph(database, peersOf('customer', locations)),
    sales: buildSalesSubgraph(database, peersOf('sales-pipeline', locations)),
    fulfilment: buildFulfilmentSubgraph(database, peersOf('order-fulfilment', locations)),
    finance: buildFinanceSubgraph(database, peersOf('finance', locations)),
    platform: buildPlatformSubgraph(database, peersOf('platform', locations)),
  };
  const serve = async <C extends BaseContext>(name: SubgraphName, subgraph: Subgraph<C>) => {
    await subgraph.apollo.start();
    const listen = () => serveSubgraph(subgraph, { port: ports[name], signingSecret });
    return { listen, server: await listen() };
  };
  const servers: Record<SubgraphName, Awaited<ReturnType<typeof serve>>> = {
    customer: await serve('customer', subgraphs.customer),
    'sales-pipeline': await serve('sales-pipeline', subgraphs.sales),
    'order-fulfilment': await serve('order-fulfilment', subgraphs.fulfilment),
    finance: await serve('finance', subgraphs.finance),
    platform: await serve('platform', subgraphs.platform),
  };
  const subgraphUrls = Object.fromEntries(ACTIVE_SUBGRAPHS.map((n) => [n, locations.graphqlUrl(n)])) as Record<
    SubgraphName,
    string
  >;
  const eventUrls = Object.fromEntries(ACTIVE_SUBGRAPHS.map((n) => [n, locations.eventsUrl(n)])) as Record<
    SubgraphName,
    string
  >;

  const relayDatabase = connect(databaseUrl, { max: 4 });
  const relays = Object.values(subgraphs).map(
    (subgraph) =>
      new Relay({
        outbox: subgraph.outbox,
        database: relayDatabase,
        targets: eventUrls,
        signingSecret,
        retryBaseMs: 50,
        pollMs: 200,
        ...opts.relay,
      }),
  );
  if (opts.relays !== false) await Promise.all(relays.map((r) => r.start()));
  const webhooks =
    opts.webhooks === false
      ? null
      : webhookWorkerAt(databaseUrl, signingSecret, { pollMs: 200, concurrency: 8, ...opts.webhooks });
  if (webhooks && opts.relays !== false) await webhooks.start();

  const gateway = createGateway({ secrets, subgraphUrls, upstream: opts.upstream });
  const server = createServer(gateway);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    secrets,
    database,
    gatewayUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    subgraphUrls,
    eventUrls,
    subgraphs,
    relays,
    webhooks: webhooks?.worker ?? null,
    /** Stops one subgraph's HTTP server (its port refuses connections, as when the service is down). */
    async stopSubgraph(name: SubgraphName) {
      await servers[name].server.close();
    },
    /** Serves the subgraph again on the same port, as a restarted service would. */
    async restartSubgraph(name: SubgraphName) {
      servers[name].server = await servers[name].listen();
    },
    /** Delivers everything due (and what that causes, webhooks included) before returning: tests read the effects next. */
    async settle() {
      for (let pass = 0; pass < 10; pass++) {
        // A pass the background relay is in the middle of holds its deliveries locked: wait for it.
        await Promise.all(relays.map((r) => r.wake()));
        const handled = await Promise.all(relays.map((r) => r.runOnce()));
        if (handled.every((n) => n === 0)) {
          // Sending webhooks causes no events: once what is due now went out, nothing more follows.
          await webhooks?.worker.drain();
          return;
        }
      }
      throw new Error('Events kept coming after 10 rounds of delivery');
    },
    async close() {
      server.close();
      server.closeAllConnections();
      await Promise.all(relays.map((r) => r.stop()));
      await webhooks?.stop();
      await gateway.dispose();
      await Promise.all(Object.values(servers).map((s) => s.server.close()));
      await Promise.all(Object.values(subgraphs).map((s) => s.close()));
      await relayDatabase.close();
      await database.close();
    },
  };
}
