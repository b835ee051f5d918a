import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { entityIdsOf, REDACTED } from '../audit.js';
import type { ActorKind, ForwardedIdempotency } from '../auth.js';
import type { Queryable } from '../db.js';
import { logger } from '../logger.js';
import {
  claimKey,
  findRecord,
  noteEntities,
  pruneRecords,
  recordOutcome,
  saveOutcome,
  type KeyRecord,
  type KeyScope,
} from './records.js';
import { fromEntityIds, fromOutcome, outcomeOf } from './replay.js';

/**
 * A request's Idempotency-Key in a subgraph (forwarded, signed, by the gateway), and the root
 * field being resolved: mutations run one after another, so there is one at a time. `claimed`
 * once a transaction of that field committed the key with its change.
 */
export interface RequestIdempotency extends ForwardedIdempotency {
  /** The subgraph's Postgres schema (its idempotency_keys table). */
  schema: string;
  call: { responseKey: string; field: string; claimed: boolean; resumable?: boolean } | null;
}

/** What the key's bookkeeping needs of a request's context. */
export interface KeyedContext {
  tenantId: string;
  userId: string;
  actorKind: ActorKind;
  idempotency?: RequestIdempotency | null;
}

/** Another attempt with this key committed first: this one rolls back and answers from its record. */
export class KeyAlreadyCommitted extends Error {}

const scopeOf = (ctx: KeyedContext, keyed: RequestIdempotency, responseKey: string): KeyScope => ({
  schema: keyed.schema,
  tenantId: ctx.tenantId,
  actorKind: ctx.actorKind,
  actorId: ctx.userId,
  key: keyed.key,
  responseKey,
});

/** Inside a write's transaction, before the work: takes the key (once per root field), or throws KeyAlreadyCommitted. */
export async function claimWithChange(tx: Queryable, ctx: KeyedContext): Promise<void> {
  const keyed = ctx.idempotency;
  const call = keyed?.call;
  if (!keyed || !call || call.claimed) return;
  if (!(await claimKey(tx, scopeOf(ctx, keyed, call.responseKey), call.field, keyed.requestHash)))
    throw new KeyAlreadyCommitted('This Idempotency-Key was committed by another attempt');
}

/** What a resumable mutation's record holds until its last step answered. */
const RESUMING = { __resuming: true };
const isResuming = (outcome: unknown) => (outcome as { __resuming?: unknown } | null)?.__resuming === true;

/**
 * For a mutation that commits in several steps, each safe to run again (lead conversion): a retry
 * that finds only its first steps committed (a crash, or a service it calls was down in between)
 * runs it again to the end, rather than answering from what the first step changed.
 */
export function resumableOnRetry(ctx: KeyedContext) {
  if (ctx.idempotency?.call) ctx.idempotency.call.resumable = true;
}

/** Inside the transaction, after the work: the ids it touched go with the key. */
export async function noteChange(tx: Queryable, ctx: KeyedContext, result: unknown, alsoChanged: readonly string[]) {
  const keyed = ctx.idempotency;
  const call = keyed?.call;
  if (!keyed || !call || call.claimed) return;
  const ids = [...new Set([...entityIdsOf(result), ...alsoChanged])];
  await noteEntities(tx, scopeOf(ctx, keyed, call.responseKey), ids, call.resumable ? RESUMING : null);
}

/** After the transaction committed. */
export function markClaimed(ctx: KeyedContext) {
  if (ctx.idempotency?.call) ctx.idempotency.call.claimed = true;
}

const SECRET = /secret|password|token|api.?key|authorization|credential/i;

/** The kept payload never holds a secret shown once: each string whose name looks like one is redacted. */
function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      typeof v === 'string' && SECRET.test(key) ? REDACTED : withoutSecrets(v),
    ]),
  );
}

/** Prunes one tenant's expired records now and then, rather than on a timer in every process. */
const PRUNE_ODDS = 0.01;

type Resolve<C> = (parent: unknown, args: { input?: unknown }, ctx: C, info: GraphQLResolveInfo) => unknown;

async function answerAgain(record: KeyRecord, keyed: RequestIdempotency, ctx: unknown, info: GraphQLResolveInfo) {
  if (record.requestHash !== keyed.requestHash || record.field !== info.fieldName)
    throw new GraphQLError('This Idempotency-Key was used for another request; send a new key for a new request', {
      extensions: { code: 'IDEMPOTENCY_KEY_REUSED' },
    });
  // (A resumable mutation still between its steps has only its first step's ids to show.)
  return record.outcome !== null && !isResuming(record.outcome)
    ? fromOutcome(record.outcome, info.returnType, ctx, info)
    : fromEntityIds(record.entityIds, info.returnType, ctx, info);
}

/**
 * A Mutation resolver under an Idempotency-Key: a key this subgraph already committed (or refused
 * with userErrors) answers from its record and runs nothing; otherwise the resolver runs, its
 * transaction commits the key with the change (lib/transaction.ts), and the payload it answered
 * is kept beside the key for the next retry.
 */
export async function resolveOnce<C extends KeyedContext & { database: { db: Queryable } }>(
  resolve: Resolve<C>,
  parent: unknown,
  args: { input?: unknown },
  ctx: C,
  info: GraphQLResolveInfo,
): Promise<unknown> {
  const keyed = ctx.idempotency;
  if (!keyed) return resolve(parent, args, ctx, info);
  const responseKey = info.path.key as string;
  const scope = scopeOf(ctx, keyed, responseKey);
  const db = ctx.database.db;
  const existing = await findRecord(db, scope);
  const resuming = existing !== null && isResuming(existing.outcome);
  if (existing && !(resuming && existing.requestHash === keyed.requestHash && existing.field === info.fieldName))
    return answerAgain(existing, keyed, ctx, info);
  // A resumable mutation's first steps committed the key already: this run goes on from them.
  keyed.call = { responseKey, field: info.fieldName, claimed: resuming, resumable: resuming };
  try {
    let result: unknown;
    try {
      result = await resolve(parent, args, ctx, info);
    } catch (error) {
      const record = error instanceof KeyAlreadyCommitted ? await findRecord(db, scope) : null;
      if (!record) throw error;
      return await answerAgain(record, keyed, ctx, info);
    }
    const outcome = withoutSecrets(await outcomeOf(result, info.returnType));
    if (keyed.call.claimed) await saveOutcome(db, scope, outcome);
    else await recordOutcome(db, scope, info.fieldName, keyed.requestHash, outcome);
    if (Math.random() < PRUNE_ODDS)
      pruneRecords(db, scope).catch((err) => logger.warn({ err }, 'pruning idempotency keys failed'));
    return result;
  } finally {
    keyed.call = null;
  }
}
