import { customerDirectoryAt } from '../../lib/clients/customer-directory.js';
import { productCatalogueAt } from '../../lib/clients/product-catalogue.js';
import type { Database } from '../../lib/db.js';
import type { Peers } from '../../lib/peers.js';
import { createSubgraph } from '../../lib/subgraph.js';
import type { SalesServices } from './context.js';
import { provisionTenant } from './db/queries.js';
import { outbox } from './events.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

/**
 * The sales-pipeline subgraph (CRM process): leads, campaigns, stages, opportunities, quotes and
 * the funnel. It calls the customer subgraph and order-fulfilment's product catalogue with signed
 * internal calls.
 */
export function buildSalesSubgraph(database: Database, peers: Peers) {
  const services: SalesServices = {
    customers: customerDirectoryAt({ customerUrl: peers.url('customer'), signingSecret: peers.signingSecret }),
    products: productCatalogueAt({ fulfilmentUrl: peers.url('order-fulfilment'), signingSecret: peers.signingSecret }),
  };
  return createSubgraph({
    name: 'sales-pipeline',
    resolvers,
    database,
    createLoaders,
    provisionTenant,
    outbox,
    services,
  });
}
