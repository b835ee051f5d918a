import { expect } from 'vitest';
import type { Database } from '../../lib/db.js';
import type { TransactionSql } from 'postgres';

type Tx = TransactionSql;

/**
 * A concurrent writer, made deterministic with real locks: `hold` runs in a transaction of its
 * own and takes its locks; `waiter` starts and is seen blocked on that transaction; then `finish`
 * runs in the same transaction, which commits. Returns what `waiter` answered.
 */
export async function blockedBehind<T>(
  database: Database,
  hold: (tx: Tx) => Promise<unknown>,
  waiter: () => Promise<T>,
  finish: (tx: Tx) => Promise<unknown>,
): Promise<T> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding!: (xid: string) => void;
  const held = new Promise<string>((resolve) => (holding = resolve));
  const writer = database.sql.begin(async (tx) => {
    await hold(tx);
    const [{ xid }] = await tx`select txid_current()::text as xid`;
    holding(xid);
    await released;
    await finish(tx);
  });
  const xid = await held;
  const answer = waiter();
  const waiting = async () =>
    (
      await database.sql`select count(*)::int as n from pg_locks where not granted and locktype = 'transactionid' and transactionid::text = ${xid}`
    )[0].n;
  await expect.poll(waiting, { timeout: 10_000 }).toBeGreaterThan(0);
  release();
  await writer;
  return answer;
}
