import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Secrets, SubgraphName } from '../lib/config.js';
import { connect } from '../lib/db.js';
import { freePort } from '../lib/net.js';
import { Relay, type RelayOptions } from '../lib/events/relay.js';
import { serveSubgraph } from '../lib/subgraph-server.js';
import { createGateway } from '../gateway/index.js';
import { buildCustomerSubgraph } from '../subgraphs/customer/index.js';
import { buildFinanceSubgraph } from '../subgraphs/finance/index.js';
import { buildFulfilmentSubgraph } from '../subgraphs/order-fulfilment/index.js';
import { buildSalesSubgraph } from '../subgraphs/sales-pipeline/index.js';

/**
 * The whole graph inside one process: each subgraph on its own free port, the real gateway in
 * front over HTTP, and a relay per subgraph delivering its events. For tests and benchmarks only;
 * the product runs each as its own service.
 */
export async function startLocalGraph(
  databaseUrl: string,
  opts: { poolSize?: number; secrets?: Secrets; relays?: boolean; relay?: Partial<RelayOptions> } = {},
) {
  const secrets: Secrets = opts.secrets ?? {
    jwtSecret: randomBytes(16).toString('hex'),
    signingSecret: randomBytes(16).toString('hex'),
  };
  const { signingSecret } = secrets;
  const database = connect(databaseUrl, { max: opts.poolSize ?? 20 });
  const customer = buildCustomerSubgraph(database);
  await customer.apollo.start();
  const customerServer = await serveSubgraph(customer, { port: 0, signingSecret });
  const finance = buildFinanceSubgraph(database, { customerUrl: customerServer.url, signingSecret });
  await finance.apollo.start();
  const financeServer = await serveSubgraph(finance, { port: 0, signingSecret });
  const fulfilment = buildFulfilmentSubgraph(database, {
    customerUrl: customerServer.url,
    financeUrl: financeServer.url,
    signingSecret,
  });
  await fulfilment.apollo.start();
  const fulfilmentServer = await serveSubgraph(fulfilment, { port: 0, signingSecret });
  // Sales serves the event log: it asks every subgraph's outbox, its own included (through the
  // same endpoint as the others; `sales` is served right below, before any request can come).
  const salesPort = await freePort();
  const adminUrl = (server: { eventsUrl: string }) => `${server.eventsUrl}/admin`;
  const eventAdminUrls = {
    customer: adminUrl(customerServer),
    'sales-pipeline': `http://127.0.0.1:${salesPort}/events/admin`,
    'order-fulfilment': adminUrl(fulfilmentServer),
    finance: adminUrl(financeServer),
  };
  const sales = buildSalesSubgraph(database, {
    customerUrl: customerServer.url,
    fulfilmentUrl: fulfilmentServer.url,
    signingSecret,
    eventAdminUrls,
  });
  await sales.apollo.start();
  const salesServer = await serveSubgraph(sales, { port: salesPort, signingSecret });
  const servers = {
    customer: customerServer,
    'sales-pipeline': salesServer,
    'order-fulfilment': fulfilmentServer,
    finance: financeServer,
  };
  const subgraphUrls = Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, s.url])) as Record<
    SubgraphName,
    string
  >;
  const eventUrls = Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, s.eventsUrl])) as Record<
    SubgraphName,
    string
  >;
  const subgraphs = { customer, sales, fulfilment, finance };

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

  const gateway = createGateway({ secrets, subgraphUrls });
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
    /** Delivers everything due (and what that causes) before returning: tests read the effects next. */
    async settle() {
      for (let pass = 0; pass < 10; pass++) {
        // A pass the background relay is in the middle of holds its deliveries locked: wait for it.
        await Promise.all(relays.map((r) => r.wake()));
        const handled = await Promise.all(relays.map((r) => r.runOnce()));
        if (handled.every((n) => n === 0)) return;
      }
      throw new Error('Events kept coming after 10 rounds of delivery');
    },
    async close() {
      server.close();
      server.closeAllConnections();
      await Promise.all(relays.map((r) => r.stop()));
      await gateway.dispose();
      await Promise.all(Object.values(servers).map((s) => s.close()));
      await Promise.all(Object.values(subgraphs).map((s) => s.close()));
      await relayDatabase.close();
      await database.close();
    },
  };
}
