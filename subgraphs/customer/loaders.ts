import type { Queryable } from '../../lib/db.js';
import type { CustomFieldDefinition } from '../../lib/custom-fields.js';
import { aggregateOf, childrenOf, perArguments, rowsById } from '../../lib/loaders.js';
import type { PageWindow } from '../../lib/pagination.js';
import { todayUtc } from '../../lib/dates.js';
import * as activity from './db/activity-queries.js';
import { insightsOf, type InsightRow } from './db/insight-queries.js';
import * as q from './db/queries.js';
import DataLoader from 'dataloader';

/** The request's DataLoaders: every list and entity reference below is one query per batch. */
export function createLoaders(db: Queryable, tenantId: string) {
  return {
    customer: rowsById((ids) => q.customersByIds(db, tenantId, ids)),
    contact: rowsById((ids) => activity.contactsByIds(db, tenantId, ids)),
    contactsOfCustomer: childrenOf(
      (ids) => activity.contactsByCustomerIds(db, tenantId, ids),
      (c) => c.customerId,
    ),
    interactionsOfCustomer: perArguments((window: PageWindow) =>
      childrenOf(
        (ids) => activity.interactionsPage(db, tenantId, ids, window),
        (r) => r.customerId,
      ),
    ),
    interactionCount: aggregateOf(
      (ids) => activity.interactionCounts(db, tenantId, ids),
      (r) => r.customerId,
      (r) => Number(r.n),
      0,
    ),
    ticketsOfCustomer: perArguments(({ status, window }: { status: string | null; window: PageWindow }) =>
      childrenOf(
        (ids) => activity.ticketsPage(db, tenantId, ids, status, window),
        (r) => r.customerId,
      ),
    ),
    ticketCount: perArguments((status: string | null) =>
      aggregateOf(
        (ids) => activity.ticketCounts(db, tenantId, ids, status),
        (r) => r.customerId,
        (r) => Number(r.n),
        0,
      ),
    ),
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
    customFieldDefinitions: new DataLoader<string, CustomFieldDefinition[]>(async (entities) =>
      Promise.all(
        entities.map((e) => q.customFieldDefinitionsFor(db, tenantId, e) as Promise<CustomFieldDefinition[]>),
      ),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
