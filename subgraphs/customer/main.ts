import { runSubgraphService } from '../../lib/service.js';
import { buildCustomerSubgraph } from './index.js';

await runSubgraphService('customer', buildCustomerSubgraph);
