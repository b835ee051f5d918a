import { and, eq, gte, isNotNull, lt, lte, notInArray, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../../lib/db.js';
import { countOf, type KeysetOrder, pageOf } from '../../../lib/keyset.js';
import type { PageWindow } from '../../../lib/pagination.js';
import { anyOf, containsText, idEquals } from '../../../lib/sql.js';
import { leads, type LeadRow } from './schema.js';

export async function leadsByIds(db: Queryable, tenantId: string, ids: readonly string[]): Promise<LeadRow[]> {
  return db
    .select()
    .from(leads)
    .where(and(eq(leads.tenantId, tenantId), anyOf(leads.id, ids)));
}

export async function lockLead(db: Queryable, tenantId: string, id: string): Promise<LeadRow | null> {
  const [row] = await db
    .select()
    .from(leads)
    .where(and(eq(leads.tenantId, tenantId), eq(leads.id, id)))
    .for('update');
  return row ?? null;
}

export interface LeadFilter {
  status?: string[] | null;
  source?: string | null;
  ownerId?: string | null;
  campaignId?: string | null;
  search?: string | null;
  followUpBefore?: Date | null;
  updatedSince?: Date | null;
}

function leadConditions(tenantId: string, filter: LeadFilter): SQL {
  return and(
    eq(leads.tenantId, tenantId),
    filter.status?.length ? anyOf(leads.status, filter.status, 'text') : undefined,
    filter.source ? eq(leads.source, filter.source) : undefined,
    filter.ownerId ? eq(leads.ownerId, filter.ownerId) : undefined,
    filter.campaignId ? idEquals(leads.campaignId, filter.campaignId) : undefined,
    filter.search?.trim() ? containsText(leads.searchText, filter.search) : undefined,
    filter.followUpBefore ? lt(leads.nextFollowUpAt, filter.followUpBefore) : undefined,
    filter.updatedSince ? gte(leads.updatedAt, filter.updatedSince) : undefined,
  )!;
}

export const leadOrders = {
  CREATED_AT: { column: leads.createdAt, cast: 'timestamptz', id: leads.id },
  UPDATED_AT: { column: leads.updatedAt, cast: 'timestamptz', id: leads.id },
  NAME: { column: leads.name, cast: 'text', id: leads.id },
  // Leads without a follow-up sort as far-future times (last ascending, first descending).
  NEXT_FOLLOW_UP_AT: {
    column: sql`coalesce(${leads.nextFollowUpAt}, 'infinity'::timestamptz)`,
    cast: 'timestamptz',
    id: leads.id,
  },
} as const;

export async function listLeads(
  db: Queryable,
  tenantId: string,
  filter: LeadFilter,
  order: KeysetOrder,
  window: PageWindow,
) {
  return pageOf<typeof leads.$inferSelect>(db, leads, leadConditions(tenantId, filter), order, window);
}

export async function countLeads(db: Queryable, tenantId: string, filter: LeadFilter): Promise<number> {
  return countOf(db, leads, leadConditions(tenantId, filter));
}

export async function insertLead(db: Queryable, values: typeof leads.$inferInsert): Promise<LeadRow> {
  const [row] = await db.insert(leads).values(values).returning();
  return row;
}

export async function updateLead(
  db: Queryable,
  tenantId: string,
  id: string,
  patch: Partial<typeof leads.$inferInsert>,
): Promise<LeadRow> {
  const [row] = await db
    .update(leads)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(leads.tenantId, tenantId), eq(leads.id, id)))
    .returning();
  return row;
}

/** For round-robin: when each candidate last received a lead by assignment (null: never). */
export async function lastAssignments(db: Queryable, tenantId: string, owners: string[]) {
  return db
    .select({ ownerId: leads.ownerId, last: sql<Date>`max(${leads.assignedAt})` })
    .from(leads)
    .where(and(eq(leads.tenantId, tenantId), anyOf(leads.ownerId, owners, 'text'), isNotNull(leads.assignedAt)))
    .groupBy(leads.ownerId);
}

/** Leads still being worked whose follow-up is due. */
export async function leadsDue(db: Queryable, tenantId: string, before: Date, ownerId: string | null, limit: number) {
  return db
    .select()
    .from(leads)
    .where(
      and(
        eq(leads.tenantId, tenantId),
        lte(leads.nextFollowUpAt, before),
        notInArray(leads.status, ['CONVERTED', 'DISQUALIFIED']),
        ownerId ? eq(leads.ownerId, ownerId) : undefined,
      ),
    )
    .orderBy(leads.nextFollowUpAt, leads.id)
    .limit(limit);
}
