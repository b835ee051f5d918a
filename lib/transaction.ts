import { mutationRecord, type AuditTrail } from './audit.js';
import type { BaseContext } from './context.js';
import type { Database, Queryable } from './db.js';
import { failOn, notFound, UserInputError, type UserError } from './errors.js';
import type { Outbox } from './events/outbox.js';
import { claimWithChange, markClaimed, noteChange, type RequestIdempotency } from './idempotency/mutation.js';
import { isUuid } from './ids.js';
import type { Logger } from './logger.js';

/**
 * What a domain operation sees inside its transaction: who acts, for which tenant, the tenant's
 * settings (read before the transaction opened) and where to publish its events. It has no
 * loaders and no pool on purpose: everything it reads goes through its `tx`, so it sees its own
 * writes and never waits for a second connection while holding one.
 */
export interface WriteContext<Settings> {
  tenantId: string;
  userId: string;
  scopes: ReadonlySet<string>;
  requestId: string;
  log: Logger;
  outbox: Outbox;
  settings: Settings;
  /**
   * Ids the operation changed that its result does not carry: the audit entry lists them with
   * the result's (lib/audit.ts entityIdsOf). Fresh for every attempt of the transaction.
   */
  changedIds: string[];
}

/**
 * What a request's context must offer for a write: the database, its loaders, a way to refresh
 * them, and who acts (for the audit entry the write commits with).
 */
export interface Writable<Settings>
  extends
    Omit<WriteContext<Settings>, 'settings' | 'changedIds'>,
    Pick<BaseContext, 'actorKind' | 'clientIp' | 'operationName'> {
  audit: AuditTrail;
  database: Database;
  loaders: { tenant(): Promise<Settings> };
  /** Replaces the request's loaders: after a write, what they cached may be stale. */
  renewLoaders(): void;
  /** The mutation's Idempotency-Key, committed with its change (lib/idempotency/). */
  idempotency?: RequestIdempotency | null;
}

/** A write's result for its payload: the value, or the user errors that rolled it back. */
export type Outcome<T> = { value: T; userErrors: UserError[] } | { value: null; userErrors: UserError[] };

/** The write context of a request (or an event handler), with the settings already read. */
export function writeContext<S>(ctx: Omit<WriteContext<S>, 'settings' | 'changedIds'>, settings: S): WriteContext<S> {
  const { tenantId, userId, scopes, requestId, log, outbox } = ctx;
  return { tenantId, userId, scopes, requestId, log, outbox, settings, changedIds: [] };
}

/**
 * Runs a domain operation in one transaction. The tenant's settings are read first, through the
 * pool, before the transaction takes a connection. Throwing UserInputError rolls everything back
 * and comes back as `userErrors`: nothing is ever half written. A deadlock victim is run again.
 * After a commit the request's loaders are renewed, so that the payload (built by the caller,
 * outside the transaction) and later mutations of the same operation read what was written.
 * Inside a mutation, the change's audit entry is written in the same transaction, after the work
 * returned: a committed change always has its entry, a refused or failed one never has. Under an
 * Idempotency-Key the key is taken first, in the same transaction (lib/idempotency/mutation.ts).
 */
export async function inTransaction<S, T>(
  ctx: Writable<S>,
  work: (tx: Queryable, write: WriteContext<S>) => Promise<T>,
): Promise<Outcome<T>> {
  const settings = await ctx.loaders.tenant();
  const { mutation, service, sink } = ctx.audit;
  for (let attempt = 1; ; attempt++) {
    const write = writeContext(ctx, settings);
    try {
      const value = await ctx.database.db.transaction(async (tx) => {
        await claimWithChange(tx, ctx);
        const value = await work(tx, write);
        if (mutation) await sink(tx, ctx.tenantId, mutationRecord(ctx, service, mutation, value, write.changedIds));
        await noteChange(tx, ctx, value, write.changedIds);
        return value;
      });
      markClaimed(ctx);
      ctx.renewLoaders();
      return { value, userErrors: [] };
    } catch (error) {
      if (error instanceof UserInputError) return { value: null, userErrors: error.errors };
      // PostgreSQL chose this transaction as a deadlock victim (or a serialization loser): the
      // whole transaction rolled back, so it is safe to run it again.
      if (RETRYABLE.has(codeOf(error) ?? '') && attempt < 3) continue;
      throw error;
    }
  }
}

const RETRYABLE = new Set(['40P01', '40001']);
const codeOf = (error: unknown): string | undefined => {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code ?? e?.cause?.code;
};

/**
 * The row an id names in the caller's tenant, or NOT_FOUND at `field`. A malformed id never
 * reaches SQL, and an unknown id reads exactly like another tenant's.
 */
export async function findOrFail<T>(
  id: string,
  load: (id: string) => Promise<T | null | undefined>,
  what: string,
  field: string[],
): Promise<T> {
  const row = isUuid(id) ? await load(id) : null;
  if (!row) failOn([notFound(what, field)]);
  return row!;
}

/** A mutation's payload from a write's outcome: the result under `key` (null on user errors) and the user errors. */
export function payload<K extends string, T>(key: K, outcome: Outcome<T>) {
  return { [key]: outcome.value, userErrors: outcome.userErrors } as { [P in K]: T | null } & {
    userErrors: UserError[];
  };
}
