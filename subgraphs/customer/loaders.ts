import DataLoader from 'dataloader';
import type { Queryable } from '../../lib/db.js';
import { childConnections } from '../../lib/list-connection.js';
import { aggregateOf, childrenOf, rowsById } from '../../lib/loaders.js';
import { todayUtc } from '../../lib/dates.js';
import * as activity from './db/activity-queries.js';
import { insightsOf, type InsightRow } from './db/insight-queries.js';
import * as q from './db/queries.js';
import type { CustomFieldDefinitionRow, TenantRow } from './db/schema.js';

/** The request's DataLoaders: every list and entity reference below is one query per batch. */
export function createLoaders(db: Queryable, tenantId: string) {
  let tenant: Promise<TenantRow> | undefined;
  return {
    tenant: () => (tenant ??= q.getTenant(db, tenantId)),
    customer: rowsById((ids) => q.customersByIds(db, tenantId, ids)),
    contact: rowsById((ids) => activity.contactsByIds(db, tenantId, ids)),
    contactsOfCustomer: childrenOf(
      (ids) => activity.contactsByCustomerIds(db, tenantId, ids),
      (c) => c.customerId,
    ),
    /** Connections under a customer (interactions, service tickets). */
    children: childConnections(db, tenantId),
    satisfaction: aggregateOf(
      (ids) => activity.satisfactionByCustomerIds(db, tenantId, ids),
      (r) => r.customerId,
      (r) => ({ averageScore: r.average, count: Number(r.n) }),
      { averageScore: null as string | null, count: 0 },
    ),
    /** Purchases, repurchase forecast and health of each customer, as of today (UTC): one statement per batch. */
    insights: aggregateOf(
      (ids) => insightsOf(db, tenantId, todayUtc(), ids),
      (r) => r.customer_id,
      (r): InsightRow | null => r,
      null,
    ),
    customFieldDefinitions: new DataLoader<string, CustomFieldDefinitionRow[]>(async (entities) =>
      Promise.all(entities.map((e) => q.customFieldDefinitionsFor(db, tenantId, e))),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
