import type { Queryable } from '../../lib/db.js';
import { rowsById } from '../../lib/loaders.js';
import * as q from './db/queries.js';
import type { TenantRow } from './db/schema.js';

/** The request's DataLoaders. */
export function createLoaders(db: Queryable, tenantId: string) {
  let tenant: Promise<TenantRow> | undefined;
  return {
    tenant: () => (tenant ??= q.getTenant(db, tenantId)),
    apiKey: rowsById((ids) => q.apiKeysByIds(db, tenantId, ids)),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
