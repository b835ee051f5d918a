import { runSubgraphService } from '../../lib/service.js';
import { buildSalesSubgraph } from './index.js';

await runSubgraphService('sales-pipeline', buildSalesSubgraph);
