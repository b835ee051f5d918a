import { runSubgraphService } from '../../lib/service.js';
import { buildFulfilmentSubgraph } from './index.js';

await runSubgraphService('order-fulfilment', buildFulfilmentSubgraph);
