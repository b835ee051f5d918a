import type { SubgraphContext } from '../../lib/subgraph.js';
import type { WriteContext } from '../../lib/transaction.js';
import type { TenantRow } from './db/schema.js';
import type { Loaders } from './loaders.js';

/** A request's context in the customer subgraph (it calls no other service). */
export type CustomerContext = SubgraphContext<Loaders>;

/** What the customer subgraph's domain operations see inside their transaction. */
export type CustomerWrite = WriteContext<TenantRow>;
