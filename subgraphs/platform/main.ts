import { runSubgraphService } from '../../lib/service.js';
import { buildPlatformSubgraph } from './index.js';
import { webhookWorkerAt } from './webhooks/worker.js';

// The webhook worker runs in this service's process, beside its relay.
await runSubgraphService('platform', buildPlatformSubgraph, (url, signingSecret) => [
  webhookWorkerAt(url, signingSecret),
]);
