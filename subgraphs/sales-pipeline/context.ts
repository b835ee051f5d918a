import type { SubgraphContext } from '../../lib/subgraph.js';
import type { CustomerDirectory } from '../../lib/customer-directory.js';
import type { Loaders } from './loaders.js';
import type { EventLog } from '../../lib/events/event-log.js';
import type { ProductCatalogue } from '../../lib/product-catalogue.js';

export type SalesContext = SubgraphContext<Loaders> & {
  customers: CustomerDirectory;
  products: ProductCatalogue;
  eventLog: EventLog;
};
