import type { ActorKind } from './auth.js';
import type { Logger } from './logger.js';

/** What every subgraph resolver can rely on: who is asking, for which tenant, with which scopes. */
export interface BaseContext {
  tenantId: string;
  userId: string;
  actorKind: ActorKind;
  /** The client's address, as the gateway forwarded it (null for event handlers and internal calls). */
  clientIp: string | null;
  /** The client's operation name, as the gateway forwarded it. */
  operationName: string | null;
  scopes: ReadonlySet<string>;
  requestId: string;
  log: Logger;
}
