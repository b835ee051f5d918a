import type { CustomerDirectory } from '../../lib/customer-directory.js';
import type { SubgraphContext } from '../../lib/subgraph.js';
import type { Loaders } from './loaders.js';

export type FinanceContext = SubgraphContext<Loaders> & { customers: CustomerDirectory };
