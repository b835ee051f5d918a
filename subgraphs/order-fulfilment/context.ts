import type { CustomerDirectory } from '../../lib/customer-directory.js';
import type { SubgraphContext } from '../../lib/subgraph.js';
import type { CreditChecker } from './credit.js';
import type { Loaders } from './loaders.js';

export type FulfilmentContext = SubgraphContext<Loaders> & { customers: CustomerDirectory; checkCredit: CreditChecker };
