import { customerDirectoryAt } from '../../lib/clients/customer-directory.js';
import { financeCreditAt } from '../../lib/clients/finance-credit.js';
import type { Database } from '../../lib/db.js';
import type { Peers } from '../../lib/peers.js';
import { createSubgraph } from '../../lib/subgraph.js';
import type { Services } from './context.js';
import { provisionTenant } from './db/queries.js';
import { consumes, outbox } from './events.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

/**
 * The order-fulfilment subgraph (ERP operations): products, warehouses, the stock ledger, sales
 * orders and their allocation, shipments, replenishment. It checks customer ids with the customer
 * subgraph and credit with the finance subgraph, over signed internal calls.
 */
export function buildFulfilmentSubgraph(database: Database, peers: Peers) {
  const services: Services = {
    customers: customerDirectoryAt({ customerUrl: peers.url('customer'), signingSecret: peers.signingSecret }),
    credit: financeCreditAt({ financeUrl: peers.url('finance'), signingSecret: peers.signingSecret }),
  };
  return createSubgraph({
    name: 'order-fulfilment',
    resolvers,
    database,
    createLoaders,
    provisionTenant,
    outbox,
    consumes,
    services,
  });
}
