import type { Logger } from './logger.js';

/** What every subgraph resolver can rely on: who is asking, for which tenant, with which scopes. */
export interface BaseContext {
  tenantId: string;
  userId: string;
  scopes: ReadonlySet<string>;
  requestId: string;
  log: Logger;
}
