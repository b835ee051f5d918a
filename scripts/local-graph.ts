import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Secrets } from '../lib/config.js';
import { connect } from '../lib/db.js';
import { serveSubgraph } from '../lib/subgraph-server.js';
import { createGateway } from '../gateway/index.js';
import { buildCustomerSubgraph } from '../subgraphs/customer/index.js';
import { buildFinanceSubgraph } from '../subgraphs/finance/index.js';
import { buildFulfilmentSubgraph } from '../subgraphs/order-fulfilment/index.js';
import { buildSalesSubgraph } from '../subgraphs/sales-pipeline/index.js';

/**
 * The whole graph inside one process: each subgraph on its own free port, the real gateway in
 * front over HTTP. For tests and benchmarks only; the product runs each as its own service.
 */
export async function startLocalGraph(databaseUrl: string, opts: { poolSize?: number; secrets?: Secrets } = {}) {
  const secrets: Secrets = opts.secrets ?? { jwtSecret: randomBytes(16).toString('hex'), signingSecret: randomBytes(16).toString('hex') };
  const database = connect(databaseUrl, { max: opts.poolSize ?? 20 });
  const customer = buildCustomerSubgraph(database);
  await customer.apollo.start();
  const customerServer = await serveSubgraph(customer, { port: 0, signingSecret: secrets.signingSecret });
  const sales = buildSalesSubgraph(database, { customerUrl: customerServer.url, signingSecret: secrets.signingSecret });
  await sales.apollo.start();
  const salesServer = await serveSubgraph(sales, { port: 0, signingSecret: secrets.signingSecret });
  const finance = buildFinanceSubgraph(database, { customerUrl: customerServer.url, signingSecret: secrets.signingSecret });
  await finance.apollo.start();
  const financeServer = await serveSubgraph(finance, { port: 0, signingSecret: secrets.signingSecret });
  const fulfilment = buildFulfilmentSubgraph(database, { customerUrl: customerServer.url, financeUrl: financeServer.url, signingSecret: secrets.signingSecret });
  await fulfilment.apollo.start();
  const fulfilmentServer = await serveSubgraph(fulfilment, { port: 0, signingSecret: secrets.signingSecret });
  const subgraphUrls = { customer: customerServer.url, 'sales-pipeline': salesServer.url, 'order-fulfilment': fulfilmentServer.url, finance: financeServer.url };
  const gateway = createGateway({ secrets, subgraphUrls });
  const server = createServer(gateway);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    secrets,
    database,
    gatewayUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    subgraphUrls,
    subgraphs: { customer, sales, fulfilment, finance },
    async close() {
      server.close();
      server.closeAllConnections();
      await gateway.dispose();
      await Promise.all([customerServer.close(), salesServer.close(), fulfilmentServer.close(), financeServer.close()]);
      await Promise.all([customer.close(), sales.close(), fulfilment.close(), finance.close()]);
      await database.close();
    },
  };
}
