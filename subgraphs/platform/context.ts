import type { EventLog } from '../../lib/events/event-log.js';
import type { SubgraphContext } from '../../lib/subgraph.js';
import type { WriteContext } from '../../lib/transaction.js';
import type { TenantRow } from './db/schema.js';
import type { Loaders } from './loaders.js';
import type { SecretVault } from './webhooks/secrets.js';

/** The clients of other services the platform subgraph calls (built in index.ts). */
export interface PlatformServices {
  /** Every subgraph's outbox, for the `events` admin API. */
  eventLog: EventLog;
  /** Seals webhook secrets for storage (webhooks/secrets.ts). */
  webhookVault: SecretVault;
}

/** A request's context in the platform subgraph. */
export type PlatformContext = SubgraphContext<Loaders, PlatformServices>;

/** What the platform subgraph's domain operations see inside their transaction. */
export type PlatformWrite = WriteContext<TenantRow>;
