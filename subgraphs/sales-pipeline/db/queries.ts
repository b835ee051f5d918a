import { and, asc, eq, sql, isNull } from 'drizzle-orm';
import type { Queryable } from '../../../lib/db.js';
import { uuidv7 } from '../../../lib/ids.js';
import { anyOf } from '../../../lib/sql.js';
import { campaigns, opportunities, pipelineStages, tenants, type StageRow } from './schema.js';

/** The stages a new tenant starts with. */
export const DEFAULT_STAGES = [
  { name: 'Qualification', probability: 10, kind: 'OPEN' },
  { name: 'Needs analysis', probability: 25, kind: 'OPEN' },
  { name: 'Proposal', probability: 50, kind: 'OPEN' },
  { name: 'Negotiation', probability: 75, kind: 'OPEN' },
  { name: 'Won', probability: 100, kind: 'WON' },
  { name: 'Lost', probability: 0, kind: 'LOST' },
] as const;

/** Creates the tenant with its default stages, in one statement, unless it exists. */
export async function provisionTenant(db: Queryable, tenantId: string): Promise<void> {
  const stages = DEFAULT_STAGES.map(
    (s, i) => sql`(${uuidv7()}::uuid, ${s.name}::text, ${i + 1}::int, ${s.probability}::smallint, ${s.kind}::text)`,
  );
  await db.execute(sql`
    with created as (insert into sales.tenants (id) values (${tenantId}) on conflict do nothing returning id)
    insert into sales.pipeline_stages (tenant_id, id, name, position, probability, kind)
    select created.id, s.id, s.name, s.position, s.probability, s.kind
    from created, (values ${sql.join(stages, sql`, `)}) as s(id, name, position, probability, kind)`);
}

export async function tenantById(db: Queryable, tenantId: string) {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
  return row;
}

/** Hands out the next quote number; the row lock serialises concurrent quotes of one tenant. */
export async function nextQuoteNumber(db: Queryable, tenantId: string): Promise<number> {
  const [row] = await db
    .update(tenants)
    .set({ quoteSeq: sql`${tenants.quoteSeq} + 1` })
    .where(eq(tenants.id, tenantId))
    .returning({ n: tenants.quoteSeq });
  return row.n;
}

/** Serialises writers of the tenant's stage configuration (and round-robin assignment). */
export async function lockTenant(db: Queryable, tenantId: string) {
  await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId)).for('update');
}

/** Every stage of the tenant, deleted ones too (history still points at them). */
export async function allStages(db: Queryable, tenantId: string): Promise<StageRow[]> {
  return db
    .select()
    .from(pipelineStages)
    .where(eq(pipelineStages.tenantId, tenantId))
    .orderBy(asc(pipelineStages.position), asc(pipelineStages.id));
}

/**
 * Locks a live stage: `share` while an opportunity is put into it, `update` while it is deleted,
 * so that neither sees the other half done. Null when it is gone (or was deleted meanwhile).
 */
export async function lockLiveStage(
  db: Queryable,
  tenantId: string,
  stageId: string,
  strength: 'share' | 'update',
): Promise<StageRow | null> {
  const [row] = await db
    .select()
    .from(pipelineStages)
    .where(and(eq(pipelineStages.tenantId, tenantId), eq(pipelineStages.id, stageId), isNull(pipelineStages.deletedAt)))
    .for(strength === 'share' ? 'share' : 'update');
  return row ?? null;
}

export const liveStages = (stages: StageRow[]) =>
  stages.filter((s) => !s.deletedAt).sort((a, b) => a.position - b.position);

export async function insertStage(db: Queryable, values: typeof pipelineStages.$inferInsert): Promise<StageRow> {
  const [row] = await db.insert(pipelineStages).values(values).returning();
  return row;
}

export async function updateStage(
  db: Queryable,
  tenantId: string,
  id: string,
  patch: Partial<typeof pipelineStages.$inferInsert>,
) {
  const [row] = await db
    .update(pipelineStages)
    .set(patch)
    .where(and(eq(pipelineStages.tenantId, tenantId), eq(pipelineStages.id, id)))
    .returning();
  return row;
}

/** Gives the live stages positions 1..n in the given order. */
export async function setStagePositions(db: Queryable, tenantId: string, orderedIds: string[]) {
  if (orderedIds.length === 0) return;
  await db.execute(sql`
    update sales.pipeline_stages s set position = o.position
    from unnest(${sql.param(orderedIds)}::uuid[]) with ordinality as o(id, position)
    where s.tenant_id = ${tenantId} and s.id = o.id`);
}

export async function countOpportunitiesInStage(db: Queryable, tenantId: string, stageId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(opportunities)
    .where(and(eq(opportunities.tenantId, tenantId), eq(opportunities.stageId, stageId)));
  return row.n;
}

export async function campaignsOf(db: Queryable, tenantId: string) {
  return db
    .select()
    .from(campaigns)
    .where(eq(campaigns.tenantId, tenantId))
    .orderBy(asc(campaigns.createdAt), asc(campaigns.id));
}

export async function campaignsByIds(db: Queryable, tenantId: string, ids: readonly string[]) {
  return db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.tenantId, tenantId), anyOf(campaigns.id, ids)));
}

export async function insertCampaign(db: Queryable, values: typeof campaigns.$inferInsert) {
  const [row] = await db.insert(campaigns).values(values).returning();
  return row;
}
