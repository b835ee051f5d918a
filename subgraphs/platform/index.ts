import type { Database } from '../../lib/db.js';
import { eventLogAt } from '../../lib/events/event-log.js';
import type { Peers } from '../../lib/peers.js';
import { createSubgraph } from '../../lib/subgraph.js';
import { API_KEY_LOOKUP_PATH, apiKeyLookup } from './api-key-lookup.js';
import type { PlatformServices } from './context.js';
import { insertAuditEntry, provisionTenant } from './db/queries.js';
import { consumes, outbox } from './events.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { secretVault } from './webhooks/secrets.js';

/**
 * The platform subgraph: what the graph offers integrators rather than the business. API keys
 * (and the gateway's signed lookup of them), the audit trail, the tenant's event log
 * (`events`), asking every subgraph's outbox, and webhooks (sent by webhooks/worker.ts, which
 * runs beside it: main.ts).
 */
export function buildPlatformSubgraph(database: Database, peers: Peers) {
  const services: PlatformServices = {
    eventLog: eventLogAt({ adminUrls: peers.eventAdminUrls(), signingSecret: peers.signingSecret }),
    webhookVault: secretVault(peers.signingSecret),
  };
  return createSubgraph({
    name: 'platform',
    resolvers,
    database,
    createLoaders,
    provisionTenant,
    outbox,
    consumes,
    // Its own changes' entries go straight into its audit log, in the transaction of the change.
    auditSink: insertAuditEntry,
    services,
    internalRoutes: { [API_KEY_LOOKUP_PATH]: apiKeyLookup(database) },
  });
}
