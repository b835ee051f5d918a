import { createServer } from 'node:http';
import { intFromEnv, loadSecrets, subgraphUrl, ACTIVE_SUBGRAPHS } from '../lib/config.js';
import { logger } from '../lib/logger.js';
import { stopWithSupervisor } from '../lib/supervised.js';
import { createGateway } from './index.js';

const secrets = loadSecrets();
const gateway = createGateway({
  secrets,
  subgraphUrls: Object.fromEntries(ACTIVE_SUBGRAPHS.map((name) => [name, subgraphUrl(name)])),
});
const server = createServer(gateway);
const port = intFromEnv('PORT', 4000);
server.listen(port, process.env.HOST ?? '0.0.0.0', () =>
  logger.info({ service: 'gateway', url: `http://localhost:${port}/graphql` }, 'gateway listening'),
);

// SIGINT, SIGTERM and the supervisor's going may all come: stop once.
let stopping: Promise<void> | undefined;
const stop = () => (stopping ??= shutdown());
const shutdown = async () => {
  server.close();
  server.closeAllConnections();
  await gateway.dispose();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
stopWithSupervisor(stop, 'gateway');
