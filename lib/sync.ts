import { sql } from 'drizzle-orm';
import type { Queryable } from './db.js';

/**
 * Incremental sync: a list ordered by (updatedAt, id) ascending, read with `updatedSince`
 * (inclusive), hands out `pageInfo.syncedUntil`, the time from which the next sync must read so
 * that it misses nothing, even rows that commit late with an earlier updatedAt.
 *
 * Why it is sound:
 * - Writers: a trigger on every mutable synced table (migrations `*_updated_since_clock`) keeps
 *   updated_at >= the writing transaction's start (truncated to the milliseconds the columns
 *   keep) and stamps every update, whatever the code path. Immutable rows (stock movements, audit
 *   entries) carry `recorded_at default now()`, which the code never sets. So a row not visible
 *   yet always carries a time >= the start of a transaction that is still open.
 * - Readers: the horizon is read in a statement of its own, before the page's snapshot is taken:
 *   min(this statement's start, the start of every other open transaction of the database),
 *   truncated to the millisecond. A transaction that started before it and commits after the
 *   page's snapshot was open when the horizon was read, so horizon <= its start <= its rows'
 *   times; one that starts later writes times >= the horizon. Every row the page could not see
 *   has a time >= horizon, and the next sync, reading from there (inclusive), sees it.
 * - Every open transaction, not only those holding an xid (backend_xid, pg_snapshot_xmin): the
 *   times come from the transaction's start, and a transaction gets its xid only at its first
 *   write; one that reads for a while and then writes would be missing from an xid-based horizon
 *   while it writes times from before it. A long read-only transaction (idle in transaction) only
 *   holds syncedUntil back; it never makes it unsafe.
 * - The horizon of a pass is read on its first page and travels in the cursors: a transaction open
 *   during page 1 may commit before the last page with rows behind the cursor, so the last page's
 *   own "now" would be too late. While more pages follow, syncedUntil is also at most the page's
 *   last updatedAt, so that stopping after any page is safe.
 * Not covered: prepared (two-phase) transactions (the services use none); a clock that steps
 * backwards; and the microseconds in which a starting transaction has read its clock but not yet
 * published its start in pg_stat_activity. The database role must see other sessions'
 * xact_start (the same role for all services, a superuser, or a member of pg_read_all_stats);
 * without it their transactions read as closed and the horizon is too late.
 */
export async function syncHorizon(db: Queryable): Promise<string> {
  const rows = (await db.execute(sql`
    select to_char(
      date_trunc('milliseconds', least(statement_timestamp(), min(xact_start))) at time zone 'UTC',
      'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'
    ) as horizon
    from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null
  `)) as unknown as { horizon: string }[];
  return rows[0].horizon;
}

/**
 * The page's syncedUntil: the pass's horizon, and no later than the last row when more pages
 * follow (those rows are read by the next page, or by the next sync when the client stops here).
 */
export function syncedUntil(horizon: string, hasNextPage: boolean, lastUpdatedAt: Date | undefined): Date {
  const until = new Date(horizon);
  return hasNextPage && lastUpdatedAt && lastUpdatedAt < until ? lastUpdatedAt : until;
}
