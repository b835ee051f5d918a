import { and, asc, eq, gte, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../../lib/db.js';
import { uuidv7 } from '../../../lib/ids.js';
import { countOf, type KeysetOrder, pageOf } from '../../../lib/keyset.js';
import type { ChildList } from '../../../lib/list-connection.js';
import { timeKey, type PageWindow } from '../../../lib/pagination.js';
import { anyOf, idEquals } from '../../../lib/sql.js';
import {
  opportunities,
  opportunityLines,
  pipelineStages,
  stageHistory,
  type LineRow,
  type OpportunityRow,
} from './schema.js';

export async function opportunitiesByIds(
  db: Queryable,
  tenantId: string,
  ids: readonly string[],
): Promise<OpportunityRow[]> {
  return db
    .select()
    .from(opportunities)
    .where(and(eq(opportunities.tenantId, tenantId), anyOf(opportunities.id, ids)));
}

export async function lockOpportunity(db: Queryable, tenantId: string, id: string): Promise<OpportunityRow | null> {
  const [row] = await db
    .select()
    .from(opportunities)
    .where(and(eq(opportunities.tenantId, tenantId), eq(opportunities.id, id)))
    .for('update');
  return row ?? null;
}

export interface OpportunityFilter {
  status?: string[] | null;
  stageId?: string | null;
  ownerId?: string | null;
  customerId?: string | null;
  expectedCloseAfter?: string | null;
  expectedCloseBefore?: string | null;
  minAmount?: string | null;
  updatedSince?: Date | null;
}

export function opportunityConditions(tenantId: string, filter: OpportunityFilter): SQL {
  return and(
    eq(opportunities.tenantId, tenantId),
    filter.status?.length ? anyOf(opportunities.status, filter.status, 'text') : undefined,
    filter.stageId ? idEquals(opportunities.stageId, filter.stageId) : undefined,
    filter.ownerId ? eq(opportunities.ownerId, filter.ownerId) : undefined,
    filter.customerId ? idEquals(opportunities.customerId, filter.customerId) : undefined,
    filter.expectedCloseAfter ? gte(opportunities.expectedCloseDate, filter.expectedCloseAfter) : undefined,
    filter.expectedCloseBefore ? lte(opportunities.expectedCloseDate, filter.expectedCloseBefore) : undefined,
    filter.minAmount ? sql`${opportunities.amount} >= ${filter.minAmount}::numeric` : undefined,
    filter.updatedSince ? gte(opportunities.updatedAt, filter.updatedSince) : undefined,
  )!;
}

export const opportunityOrders = {
  AMOUNT: { column: opportunities.amount, cast: 'numeric', id: opportunities.id },
  // Opportunities without an expected close date sort as if due last (after all dated ones ascending, first descending).
  EXPECTED_CLOSE_DATE: {
    column: sql`coalesce(${opportunities.expectedCloseDate}, 'infinity'::date)`,
    cast: 'date',
    id: opportunities.id,
  },
  CREATED_AT: { column: opportunities.createdAt, cast: 'timestamptz', id: opportunities.id },
  UPDATED_AT: { column: opportunities.updatedAt, cast: 'timestamptz', id: opportunities.id },
} as const;

export async function listOpportunities(
  db: Queryable,
  tenantId: string,
  filter: OpportunityFilter,
  order: KeysetOrder,
  window: PageWindow,
) {
  return pageOf<typeof opportunities.$inferSelect>(
    db,
    opportunities,
    opportunityConditions(tenantId, filter),
    order,
    window,
  );
}

export async function countOpportunities(db: Queryable, tenantId: string, filter: OpportunityFilter): Promise<number> {
  return countOf(db, opportunities, opportunityConditions(tenantId, filter));
}

/** A customer's opportunities, newest first, of one status or all (Customer.opportunities). */
export const opportunitiesOfCustomer: ChildList<OpportunityRow, { status: string | null }> = {
  table: opportunities,
  tenant: opportunities.tenantId,
  parent: opportunities.customerId,
  parentOf: (o) => o.customerId,
  order: { column: opportunities.createdAt, cast: 'timestamptz', id: opportunities.id, direction: 'DESC' },
  cursor: (o) => timeKey(o.createdAt),
  where: ({ status }) => (status ? eq(opportunities.status, status) : undefined),
};

/** Open count, open amount and weighted amount (rounded per opportunity) for each customer. */
export async function pipelineOfCustomers(db: Queryable, tenantId: string, customerIds: readonly string[]) {
  return db
    .select({
      customerId: opportunities.customerId,
      openCount: sql<number>`count(*)::int`,
      openAmount: sql<string>`sum(${opportunities.amount})::text`,
      weightedAmount: sql<string>`sum(round(${opportunities.amount} * ${pipelineStages.probability} / 100, 2))::text`,
    })
    .from(opportunities)
    .innerJoin(
      pipelineStages,
      and(eq(pipelineStages.tenantId, opportunities.tenantId), eq(pipelineStages.id, opportunities.stageId)),
    )
    .where(
      and(
        eq(opportunities.tenantId, tenantId),
        anyOf(opportunities.customerId, customerIds),
        eq(opportunities.status, 'OPEN'),
      ),
    )
    .groupBy(opportunities.customerId);
}

export async function insertOpportunity(
  db: Queryable,
  values: typeof opportunities.$inferInsert,
): Promise<OpportunityRow> {
  const [row] = await db.insert(opportunities).values(values).returning();
  return row;
}

/** Applies a patch and recomputes `amount`: the sum of the lines, or the manual amount without lines. */
export async function updateOpportunity(
  db: Queryable,
  tenantId: string,
  id: string,
  patch: Partial<typeof opportunities.$inferInsert> = {},
) {
  const lineSum = sql`(select sum(l.amount) from sales.opportunity_lines l where l.tenant_id = ${tenantId} and l.opportunity_id = ${id})`;
  const [row] = await db
    .update(opportunities)
    .set({
      ...patch,
      amount: sql`coalesce(${lineSum}, ${patch.manualAmount ?? sql`${opportunities.manualAmount}`})`,
      updatedAt: new Date(),
    })
    .where(and(eq(opportunities.tenantId, tenantId), eq(opportunities.id, id)))
    .returning();
  return row;
}

// ---- lines

export async function linesOfOpportunities(
  db: Queryable,
  tenantId: string,
  opportunityIds: readonly string[],
): Promise<LineRow[]> {
  return db
    .select()
    .from(opportunityLines)
    .where(and(eq(opportunityLines.tenantId, tenantId), anyOf(opportunityLines.opportunityId, opportunityIds)))
    .orderBy(asc(opportunityLines.position), asc(opportunityLines.id));
}

export async function lineById(db: Queryable, tenantId: string, id: string): Promise<LineRow | null> {
  const [row] = await db
    .select()
    .from(opportunityLines)
    .where(and(eq(opportunityLines.tenantId, tenantId), eq(opportunityLines.id, id)));
  return row ?? null;
}

export type NewLine = Omit<typeof opportunityLines.$inferInsert, 'tenantId' | 'id' | 'opportunityId' | 'position'>;

export async function insertLines(db: Queryable, tenantId: string, opportunityId: string, lines: NewLine[]) {
  if (lines.length === 0) return;
  const [{ next }] = await db
    .select({ next: sql<number>`coalesce(max(${opportunityLines.position}), 0)::int + 1` })
    .from(opportunityLines)
    .where(and(eq(opportunityLines.tenantId, tenantId), eq(opportunityLines.opportunityId, opportunityId)));
  await db
    .insert(opportunityLines)
    .values(lines.map((line, i) => ({ ...line, tenantId, opportunityId, id: uuidv7(), position: next + i })));
}

export async function updateLine(db: Queryable, tenantId: string, id: string, patch: Partial<NewLine>) {
  await db
    .update(opportunityLines)
    .set(patch)
    .where(and(eq(opportunityLines.tenantId, tenantId), eq(opportunityLines.id, id)));
}

export async function deleteLine(db: Queryable, tenantId: string, id: string) {
  await db.delete(opportunityLines).where(and(eq(opportunityLines.tenantId, tenantId), eq(opportunityLines.id, id)));
}

// ---- stage history

export async function historyOfOpportunities(db: Queryable, tenantId: string, opportunityIds: readonly string[]) {
  return db
    .select()
    .from(stageHistory)
    .where(and(eq(stageHistory.tenantId, tenantId), anyOf(stageHistory.opportunityId, opportunityIds)))
    .orderBy(asc(stageHistory.enteredAt), asc(stageHistory.id));
}

/** Closes the current visit and opens one in the new stage, at the same instant. */
export async function recordStageEntry(
  db: Queryable,
  tenantId: string,
  opportunityId: string,
  stageId: string,
  at: Date,
) {
  await db
    .update(stageHistory)
    .set({ leftAt: at })
    .where(
      and(
        eq(stageHistory.tenantId, tenantId),
        eq(stageHistory.opportunityId, opportunityId),
        isNull(stageHistory.leftAt),
      ),
    );
  await db.insert(stageHistory).values({ tenantId, id: uuidv7(), opportunityId, stageId, enteredAt: at });
}

/** Moves every opportunity of one stage to another (when a stage is deleted); open ones record the move. */
export async function moveAllOpportunities(
  db: Queryable,
  tenantId: string,
  fromStageId: string,
  toStageId: string,
  at: Date,
) {
  const moved = await db
    .update(opportunities)
    .set({ stageId: toStageId, updatedAt: at })
    .where(and(eq(opportunities.tenantId, tenantId), eq(opportunities.stageId, fromStageId)))
    .returning({ id: opportunities.id, status: opportunities.status });
  // Closed opportunities keep their history as it was.
  const open = moved.filter((o) => o.status === 'OPEN').map((o) => o.id);
  if (open.length === 0) return;
  await db
    .update(stageHistory)
    .set({ leftAt: at })
    .where(
      and(eq(stageHistory.tenantId, tenantId), anyOf(stageHistory.opportunityId, open), isNull(stageHistory.leftAt)),
    );
  await db
    .insert(stageHistory)
    .values(
      open.map((opportunityId) => ({ tenantId, id: uuidv7(), opportunityId, stageId: toStageId, enteredAt: at })),
    );
}

/** Open opportunities whose follow-up is due. */
export async function opportunitiesDue(
  db: Queryable,
  tenantId: string,
  before: Date,
  ownerId: string | null,
  limit: number,
) {
  return db
    .select()
    .from(opportunities)
    .where(
      and(
        eq(opportunities.tenantId, tenantId),
        eq(opportunities.status, 'OPEN'),
        lte(opportunities.nextFollowUpAt, before),
        ownerId ? eq(opportunities.ownerId, ownerId) : undefined,
      ),
    )
    .orderBy(opportunities.nextFollowUpAt, opportunities.id)
    .limit(limit);
}
