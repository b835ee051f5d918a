import type { Queryable } from '../../lib/db.js';
import { childrenOf, rowsById } from '../../lib/loaders.js';
import * as q from './db/queries.js';
import { attemptsOfDeliveries } from './db/webhook-queries.js';
import type { TenantRow } from './db/schema.js';

/** The request's DataLoaders. */
export function createLoaders(db: Queryable, tenantId: string) {
  let tenant: Promise<TenantRow> | undefined;
  return {
    tenant: () => (tenant ??= q.getTenant(db, tenantId)),
    apiKey: rowsById((ids) => q.apiKeysByIds(db, tenantId, ids)),
    webhookAttempts: childrenOf(
      (deliveryIds) => attemptsOfDeliveries(db, tenantId, deliveryIds),
      (a) => a.deliveryId,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
