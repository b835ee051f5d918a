import { sql } from 'drizzle-orm';
import { idempotencySettings } from '../config.js';
import type { Queryable } from '../db.js';

/** Whose key, for which root field, in which subgraph's schema. */
export interface KeyScope {
  schema: string;
  tenantId: string;
  actorKind: string;
  actorId: string;
  key: string;
  responseKey: string;
}

/** A key's record: the mutation it ran, for which request, and what it takes to answer again. */
export interface KeyRecord {
  field: string;
  requestHash: string;
  entityIds: string[];
  outcome: unknown;
}

const table = (scope: { schema: string }) => sql`${sql.identifier(scope.schema)}.idempotency_keys`;
const keptSince = () => sql`now() - make_interval(secs => ${idempotencySettings().ttlSeconds})`;
const wherePk = (s: KeyScope) =>
  sql`tenant_id = ${s.tenantId} and actor_kind = ${s.actorKind} and actor_id = ${s.actorId} and key = ${s.key} and response_key = ${s.responseKey}`;

const rowsOf = <T>(result: unknown) => result as T[];

/** The key's live record (younger than the retention), if any. */
export async function findRecord(db: Queryable, scope: KeyScope): Promise<KeyRecord | null> {
  const [row] = rowsOf<{ field: string; request_hash: string; entity_ids: string[]; outcome: unknown }>(
    await db.execute(
      sql`select field, request_hash, entity_ids, outcome from ${table(scope)} where ${wherePk(scope)} and created_at > ${keptSince()}`,
    ),
  );
  return row
    ? { field: row.field, requestHash: row.request_hash, entityIds: row.entity_ids, outcome: row.outcome }
    : null;
}

/**
 * Takes the key inside the change's transaction, before the change runs. False when another
 * attempt committed it first (a concurrent one is waited for: the insert blocks on its row until
 * it commits or rolls back). An expired record is taken over.
 */
export async function claimKey(tx: Queryable, scope: KeyScope, field: string, requestHash: string): Promise<boolean> {
  const rows = rowsOf(
    await tx.execute(sql`
      insert into ${table(scope)} (tenant_id, actor_kind, actor_id, key, response_key, field, request_hash)
      values (${scope.tenantId}, ${scope.actorKind}, ${scope.actorId}, ${scope.key}, ${scope.responseKey}, ${field}, ${requestHash})
      on conflict (tenant_id, actor_kind, actor_id, key, response_key) do update
        set field = excluded.field, request_hash = excluded.request_hash, entity_ids = '{}', outcome = null, created_at = now()
        where idempotency_keys.created_at <= ${keptSince()}
      returning 1 as claimed`),
  );
  return rows.length === 1;
}

/** The ids the change touched, in its transaction: the answer of last resort (with a provisional outcome, if any). */
export async function noteEntities(
  tx: Queryable,
  scope: KeyScope,
  entityIds: string[],
  outcome: unknown = null,
): Promise<void> {
  const kept = outcome === null ? null : JSON.stringify(outcome);
  await tx.execute(
    sql`update ${table(scope)} set entity_ids = ${sql.param(entityIds)}::text[], outcome = ${kept}::jsonb where ${wherePk(scope)}`,
  );
}

/** The payload as answered, once the committed change has one. */
export async function saveOutcome(db: Queryable, scope: KeyScope, outcome: unknown): Promise<void> {
  await db.execute(sql`update ${table(scope)} set outcome = ${JSON.stringify(outcome)}::jsonb where ${wherePk(scope)}`);
}

/** An outcome that committed nothing (userErrors): final too, so a retry answers it again. */
export async function recordOutcome(
  db: Queryable,
  scope: KeyScope,
  field: string,
  requestHash: string,
  outcome: unknown,
): Promise<void> {
  await db.execute(sql`
    insert into ${table(scope)} (tenant_id, actor_kind, actor_id, key, response_key, field, request_hash, outcome)
    values (${scope.tenantId}, ${scope.actorKind}, ${scope.actorId}, ${scope.key}, ${scope.responseKey}, ${field}, ${requestHash}, ${JSON.stringify(outcome)}::jsonb)
    on conflict do nothing`);
}

/** Forgets the tenant's records past the retention. */
export async function pruneRecords(db: Queryable, scope: { schema: string; tenantId: string }): Promise<void> {
  await db.execute(
    sql`delete from ${table(scope)} where tenant_id = ${scope.tenantId} and created_at <= ${keptSince()}`,
  );
}
