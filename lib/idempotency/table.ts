import { sql } from 'drizzle-orm';
import { index, jsonb, primaryKey, text, timestamp, type PgSchema } from 'drizzle-orm/pg-core';

/**
 * The Idempotency-Keys a subgraph's mutations committed with, in its own Postgres schema: one row
 * per key and root field of the client's mutation, written in the transaction of the change (so a
 * committed change always has its row, and a retry finds it), with what it takes to answer again.
 * Rows older than 24 h are pruned (lib/idempotency/records.ts).
 */
export function idempotencyTable(schema: PgSchema<string>) {
  return schema.table(
    'idempotency_keys',
    {
      tenantId: text('tenant_id').notNull(),
      actorKind: text('actor_kind').notNull(),
      actorId: text('actor_id').notNull(),
      key: text('key').notNull(),
      /** The root field's response key (its alias, or its name) in the subgraph operation. */
      responseKey: text('response_key').notNull(),
      field: text('field').notNull(),
      /** SHA-256 of the client's request, as the gateway forwarded it: another request with the key is refused. */
      requestHash: text('request_hash').notNull(),
      /** What the change touched (its result's ids): enough to answer again if `outcome` was never written. */
      entityIds: text('entity_ids')
        .array()
        .notNull()
        .default(sql`'{}'::text[]`),
      /** The root field's payload, entities as references (lib/idempotency/replay.ts); written once answered. */
      outcome: jsonb('outcome'),
      createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    },
    (t) => [
      primaryKey({ name: 'idempotency_keys_pk', columns: [t.tenantId, t.actorKind, t.actorId, t.key, t.responseKey] }),
      index('idempotency_keys_created_idx').on(t.tenantId, t.createdAt),
    ],
  );
}
