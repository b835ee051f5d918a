import { runSubgraphService } from '../../lib/service.js';
import { buildPlatformSubgraph } from './index.js';

await runSubgraphService('platform', buildPlatformSubgraph);
