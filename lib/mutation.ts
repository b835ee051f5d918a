import type { Database, Queryable } from './db.js';
import { notFound, UserInputError, type UserError } from './errors.js';
import { isUuid } from './ids.js';

/**
 * Runs a mutation's work in one transaction and shapes its payload. Throwing UserInputError rolls
 * everything back and returns the errors: nothing is ever half written.
 */
export async function inTransaction<T extends object>(
  database: Database,
  work: (tx: Queryable) => Promise<T>,
  /** Payload fields to return with errors, for non-null ones such as lists. */
  onError: Partial<T> = {},
): Promise<(T | Partial<T>) & { userErrors: UserError[] }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await database.db.transaction((tx) => work(tx));
      return { ...result, userErrors: [] };
    } catch (error) {
      if (error instanceof UserInputError) return { ...onError, userErrors: error.errors };
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

/** Throws the collected errors, if any, to abort the transaction. */
export function failOn(errors: UserError[]): void {
  if (errors.length > 0) throw new UserInputError(errors);
}

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
