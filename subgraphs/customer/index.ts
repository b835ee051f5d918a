import type { Database } from '../../lib/db.js';
import { createSubgraph } from '../../lib/subgraph.js';
import { provisionTenant } from './db/queries.js';
import { createLoaders } from './loaders.js';
import { consumes, outbox } from './events.js';
import { Customer } from './resolvers/Customer.js';
import { Interaction } from './resolvers/Interaction.js';
import { Mutation } from './resolvers/Mutation.js';
import { Query } from './resolvers/Query.js';

/** The customer subgraph (CRM master data): customers, contacts, interactions, tickets, custom fields. */
export function buildCustomerSubgraph(database: Database) {
  return createSubgraph({
    name: 'customer',
    resolvers: { Query, Mutation, Customer, Interaction },
    database,
    createLoaders,
    provisionTenant,
    outbox,
    consumes,
  });
}
