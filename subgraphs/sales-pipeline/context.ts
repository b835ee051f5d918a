import type { SubgraphContext } from '../../lib/subgraph.js';
import type { CustomerDirectory } from './customers.js';
import type { Loaders } from './loaders.js';

export type SalesContext = SubgraphContext<Loaders> & { customers: CustomerDirectory };
