import { customerDirectoryAt } from '../../lib/customer-directory.js';
import type { SubgraphName } from '../../lib/config.js';
import { eventLogAt } from '../../lib/events/event-log.js';
import { productCatalogueAt } from '../../lib/product-catalogue.js';
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
export function buildSalesSubgraph(
  database: Database,
  opts: {
    customerUrl: string;
    fulfilmentUrl: string;
    signingSecret: string;
    eventAdminUrls: Partial<Record<SubgraphName, string>>;
  },
) {
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
      customers: customerDirectoryAt(opts),
      products: productCatalogueAt(opts),
      eventLog: eventLogAt({ adminUrls: opts.eventAdminUrls, signingSecret: opts.signingSecret }),
    },
  });
}
