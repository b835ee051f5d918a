import type { CustomerDirectory } from '../../lib/clients/customer-directory.js';
import type { FinanceCredit } from '../../lib/clients/finance-credit.js';
import type { SubgraphContext } from '../../lib/subgraph.js';
import type { WriteContext } from '../../lib/transaction.js';
import type { TenantRow } from './db/schema.js';
import type { Loaders } from './loaders.js';

/** The clients of other services order-fulfilment calls (index.ts builds them from its peers). */
export interface Services {
  customers: CustomerDirectory;
  credit: FinanceCredit;
}

/** A request's context in the order-fulfilment subgraph. */
export type FulfilmentContext = SubgraphContext<Loaders, Services>;

/** What the order-fulfilment subgraph's domain operations see inside their transaction. */
export type FulfilmentWrite = WriteContext<TenantRow>;
