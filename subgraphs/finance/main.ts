import { loadSecrets, subgraphUrl } from '../../lib/config.js';
import { runSubgraphService } from '../../lib/service.js';
import { buildFinanceSubgraph } from './index.js';

await runSubgraphService('finance', (database) =>
  buildFinanceSubgraph(database, { customerUrl: subgraphUrl('customer'), signingSecret: loadSecrets().signingSecret }),
);
