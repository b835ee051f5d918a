import {
  ACTIVE_SUBGRAPHS,
  loadSecrets,
  relaySettings,
  subgraphDatabaseUrl,
  subgraphEventsUrl,
  subgraphPort,
  subgraphUrl,
  type SubgraphName,
} from './config.js';
import { Relay } from './events/relay.js';
import { connect, type Database } from './db.js';
import { logger, redactUrl } from './logger.js';
import { migrateSubgraph } from './migrate.js';
import type { BaseContext } from './context.js';
import { peersOf, type Peers } from './peers.js';
import { serveSubgraph, type Subgraph } from './subgraph-server.js';
import { stopWithSupervisor } from './supervised.js';

/** Something a service runs beside serving requests. */
export interface BackgroundWorker {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs one subgraph as its own service: migrates its schema, listens on its port, and shuts down
 * cleanly on SIGINT/SIGTERM. This is what each subgraph's main.ts calls.
 */
export async function runSubgraphService<C extends BaseContext>(
  name: SubgraphName,
  build: (database: Database, peers: Peers) => Subgraph<C>,
  /** Background work of this service besides its relay (platform's webhook worker), started and stopped with it. */
  workers: (databaseUrl: string, signingSecret: string) => BackgroundWorker[] = () => [],
) {
  const url = subgraphDatabaseUrl(name);
  if (!url) throw new Error(`${name}: set DATABASE_URL (or use npm start, which starts an embedded PostgreSQL)`);
  const { signingSecret } = loadSecrets();
  await migrateSubgraph(name, url);
  const database = connect(url, { max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
  const subgraph = build(
    database,
    peersOf(name, { signingSecret, graphqlUrl: subgraphUrl, eventsUrl: subgraphEventsUrl }),
  );
  await subgraph.apollo.start();
  const server = await serveSubgraph(subgraph, {
    port: subgraphPort(name),
    host: process.env.HOST ?? '127.0.0.1',
    signingSecret,
  });
  // The relay has its own connections: a batch being delivered holds one, and LISTEN holds another.
  const relayDatabase = connect(url, { max: 2 });
  const relay = new Relay({
    outbox: subgraph.outbox,
    database: relayDatabase,
    targets: Object.fromEntries(ACTIVE_SUBGRAPHS.map((target) => [target, subgraphEventsUrl(target)])),
    signingSecret,
    ...relaySettings(),
  });
  await relay.start();
  const background = workers(url, signingSecret);
  await Promise.all(background.map((w) => w.start()));
  logger.info({ subgraph: name, url: server.url, database: redactUrl(url) }, 'subgraph listening');
  // SIGINT, SIGTERM and the supervisor's going may all come: stop once.
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= shutdown());
  const shutdown = async () => {
    await relay.stop();
    await Promise.all(background.map((w) => w.stop()));
    await relayDatabase.close();
    await server.close();
    await subgraph.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  stopWithSupervisor(stop, name);
}
