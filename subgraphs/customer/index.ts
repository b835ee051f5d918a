import type { Database } from '../../lib/db.js';
import type { Peers } from '../../lib/peers.js';
import { createSubgraph } from '../../lib/subgraph.js';
import { provisionTenant } from './db/queries.js';
import { consumes, outbox } from './events.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

/** The customer subgraph (CRM master data): customers, contacts, interactions, tickets, custom fields. It calls no other service. */
export function buildCustomerSubgraph(database: Database, _peers?: Peers) {
  return createSubgraph({ name: 'customer', resolvers, database, createLoaders, provisionTenant, outbox, consumes });
}
