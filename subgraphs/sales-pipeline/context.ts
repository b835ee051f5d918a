import type { CustomerDirectory } from '../../lib/clients/customer-directory.js';
import type { ProductCatalogue } from '../../lib/clients/product-catalogue.js';
import type { SubgraphContext } from '../../lib/subgraph.js';
import type { WriteContext } from '../../lib/transaction.js';
import type { TenantRow } from './db/schema.js';
import type { Loaders } from './loaders.js';

/** The clients of other services the sales-pipeline subgraph calls (built in index.ts). */
export interface SalesServices {
  customers: CustomerDirectory;
  products: ProductCatalogue;
}

/** A request's context in the sales-pipeline subgraph. */
export type SalesContext = SubgraphContext<Loaders, SalesServices>;

/** What the sales-pipeline subgraph's domain operations see inside their transaction. */
export type SalesWrite = WriteContext<TenantRow>;
