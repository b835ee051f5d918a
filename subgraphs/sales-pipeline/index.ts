import { customerDirectoryAt } from '../../lib/clients/customer-directory.js';
import type { Peers } from '../../lib/peers.js';
import { eventLogAt } from '../../lib/events/event-log.js';
import { productCatalogueAt } from '../../lib/clients/product-catalogue.js';
import type { Database } from '../../lib/db.js';
import { createSubgraph } from '../../lib/subgraph.js';
import { provisionTenant } from './db/queries.js';
import { createLoaders } from './loaders.js';
import { outbox } from './events.js';
import { Customer } from './resolvers/Customer.js';
import { Campaign, Lead } from './resolvers/Lead.js';
import { Mutation } from './resolvers/Mutation.js';
import { Opportunity, OpportunityLine, QuoteLine, StageVisit } from './resolvers/Opportunity.js';
import { Query } from './resolvers/Query.js';
import { Quote } from './resolvers/Quote.js';

/**
 * The sales-pipeline subgraph (CRM process): leads, campaigns, stages, opportunities, quotes and
 * the funnel. It reaches the customer subgraph at `customerUrl` and the product catalogue at
 * `fulfilmentUrl` with signed internal calls, and
 * serves the tenant's event log (`events`), asking every subgraph's outbox at `eventAdminUrls`.
 */
export function buildSalesSubgraph(database: Database, peers: Peers) {
  return createSubgraph({
    name: 'sales-pipeline',
    resolvers: {
      Query,
      Mutation,
      Customer,
      Lead,
      Campaign,
      Opportunity,
      OpportunityLine,
      QuoteLine,
      StageVisit,
      Quote,
    },
    database,
    createLoaders,
    provisionTenant,
    outbox,
    services: {
      customers: customerDirectoryAt({ customerUrl: peers.url('customer'), signingSecret: peers.signingSecret }),
      products: productCatalogueAt({ fulfilmentUrl: peers.url('order-fulfilment'), signingSecret: peers.signingSecret }),
      eventLog: eventLogAt({ adminUrls: peers.eventAdminUrls(), signingSecret: peers.signingSecret }),
    },
  });
}
