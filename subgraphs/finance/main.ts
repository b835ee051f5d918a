import { runSubgraphService } from '../../lib/service.js';
import { buildFinanceSubgraph } from './index.js';

await runSubgraphService('finance', buildFinanceSubgraph);
