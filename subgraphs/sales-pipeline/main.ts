import { ACTIVE_SUBGRAPHS, loadSecrets, subgraphEventsUrl, subgraphUrl } from '../../lib/config.js';
import { runSubgraphService } from '../../lib/service.js';
import { buildSalesSubgraph } from './index.js';

await runSubgraphService('sales-pipeline', (database) =>
  buildSalesSubgraph(database, {
    customerUrl: subgraphUrl('customer'),
    fulfilmentUrl: subgraphUrl('order-fulfilment'),
    signingSecret: loadSecrets().signingSecret,
    eventAdminUrls: Object.fromEntries(ACTIVE_SUBGRAPHS.map((name) => [name, `${subgraphEventsUrl(name)}/admin`])),
  }),
);
