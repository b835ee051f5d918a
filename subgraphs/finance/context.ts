import type { CustomerDirectory } from '../../lib/clients/customer-directory.js';
import type { SubgraphContext } from '../../lib/subgraph.js';
import type { WriteContext } from '../../lib/transaction.js';
import type { TenantRow } from './db/schema.js';
import type { Loaders } from './loaders.js';

/** The clients of other services finance calls: the customer directory, to check customer ids. */
export type Services = { customers: CustomerDirectory };

/** A request's context in the finance subgraph. */
export type FinanceContext = SubgraphContext<Loaders, Services>;

/** What the finance subgraph's domain operations (and event consumers) see inside their transaction. */
export type FinanceWrite = WriteContext<TenantRow>;
