import { loadSecrets, subgraphUrl } from '../../lib/config.js';
import { runSubgraphService } from '../../lib/service.js';
import { buildFulfilmentSubgraph } from './index.js';

await runSubgraphService('order-fulfilment', (database) =>
  buildFulfilmentSubgraph(database, {
    customerUrl: subgraphUrl('customer'),
    financeUrl: subgraphUrl('finance'),
    signingSecret: loadSecrets().signingSecret,
  }),
);
