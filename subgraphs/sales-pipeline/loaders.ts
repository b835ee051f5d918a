import DataLoader from 'dataloader';
import type { CustomerDirectory } from '../../lib/clients/customer-directory.js';
import type { BaseContext } from '../../lib/context.js';
import type { CustomFieldDefinition } from '../../lib/custom-fields.js';
import type { Queryable } from '../../lib/db.js';
import { childConnections } from '../../lib/list-connection.js';
import { aggregateOf, childrenOf, rowsById } from '../../lib/loaders.js';
import * as leadsQ from './db/lead-queries.js';
import * as opps from './db/opportunity-queries.js';
import * as q from './db/queries.js';
import * as quotesQ from './db/quote-queries.js';
import type { StageRow, TenantRow } from './db/schema.js';

/** What renewed loaders take over from the ones they replace. */
interface CarriedOver {
  leadFieldDefinitions: { cached(): Promise<CustomFieldDefinition[]> | undefined };
}

/**
 * The request's DataLoaders: every list and entity reference is one query per batch. Renewed after
 * a write (`previous`), they keep the lead field definitions: the customer subgraph owns them, so
 * no write here can have changed them, and asking again would be a second call for nothing.
 */
export function createLoaders(db: Queryable, tenantId: string, previous?: CarriedOver) {
  let tenant: Promise<TenantRow> | undefined;
  /** All of the tenant's stages, loaded once per request (a handful of rows). */
  let stages: Promise<Map<string, StageRow>> | undefined;
  const stageMap = () => (stages ??= q.allStages(db, tenantId).then((rows) => new Map(rows.map((s) => [s.id, s]))));
  let leadFields: Promise<CustomFieldDefinition[]> | undefined = previous?.leadFieldDefinitions.cached();

  return {
    tenant: () => (tenant ??= q.tenantById(db, tenantId)),
    /** The tenant's LEAD custom field definitions, asked of the customer subgraph once per request. */
    leadFieldDefinitions: Object.assign(
      (caller: BaseContext & { customers: CustomerDirectory }) =>
        (leadFields ??= caller.customers.leadFieldDefinitions(caller)),
      { cached: () => leadFields },
    ),
    stages: stageMap,
    stage: new DataLoader<string, StageRow | null>(async (ids) => {
      const map = await stageMap();
      return ids.map((id) => map.get(id) ?? null);
    }),
    lead: rowsById((ids) => leadsQ.leadsByIds(db, tenantId, ids)),
    campaign: rowsById((ids) => q.campaignsByIds(db, tenantId, ids)),
    opportunity: rowsById((ids) => opps.opportunitiesByIds(db, tenantId, ids)),
    linesOfOpportunity: childrenOf(
      (ids) => opps.linesOfOpportunities(db, tenantId, ids),
      (l) => l.opportunityId,
    ),
    historyOfOpportunity: childrenOf(
      (ids) => opps.historyOfOpportunities(db, tenantId, ids),
      (h) => h.opportunityId,
    ),
    quotesOfOpportunity: childrenOf(
      (ids) => quotesQ.quotesOfOpportunities(db, tenantId, ids),
      (x) => x.opportunityId,
    ),
    quote: rowsById((ids) => quotesQ.quotesByIds(db, tenantId, ids)),
    linesOfQuote: childrenOf(
      (ids) => quotesQ.linesOfQuotes(db, tenantId, ids),
      (l) => l.quoteId,
    ),
    /** Connections under a customer (its opportunities). */
    children: childConnections(db, tenantId),
    pipelineOfCustomer: aggregateOf(
      (ids) => opps.pipelineOfCustomers(db, tenantId, ids),
      (r) => r.customerId,
      (r) => ({ openCount: r.openCount, openAmount: r.openAmount, weightedAmount: r.weightedAmount }),
      { openCount: 0, openAmount: '0', weightedAmount: '0' },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
