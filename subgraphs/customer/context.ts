import type { SubgraphContext } from '../../lib/subgraph.js';
import type { Loaders } from './loaders.js';

export type CustomerContext = SubgraphContext<Loaders>;
