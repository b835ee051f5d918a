import { customerDirectoryAt } from '../../lib/clients/customer-directory.js';
import type { Database } from '../../lib/db.js';
import type { Peers } from '../../lib/peers.js';
import { createSubgraph } from '../../lib/subgraph.js';
import { provisionTenant } from './db/queries.js';
import { consumes, outbox } from './events.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

/**
 * The finance subgraph (ERP accounting): invoices, payments and their allocation, receivables and
 * ageing, credit, the double-entry journal. It checks customer ids with the customer subgraph.
 */
export function buildFinanceSubgraph(database: Database, peers: Peers) {
  return createSubgraph({
    name: 'finance',
    resolvers,
    database,
    createLoaders,
    provisionTenant,
    outbox,
    consumes,
    services: {
      customers: customerDirectoryAt({ customerUrl: peers.url('customer'), signingSecret: peers.signingSecret }),
    },
  });
}
