import { sql } from 'drizzle-orm';
import type { Queryable } from '../db.js';
import type { EventTables } from './tables.js';

/**
 * Forgets what no longer matters, across tenants: events older than `days` whose every delivery
 * arrived (or that nobody subscribes to), and inbox entries older than that. A redelivery comes
 * within the relay's retry window (hours), far inside any sensible retention, so the inbox still
 * recognises it; dead letters stay until someone replays them. At most 10,000 of each per call.
 */
export async function pruneEvents(
  db: Queryable,
  tables: EventTables,
  days: number,
): Promise<{ events: number; inbox: number }> {
  const { outboxEvents: e, outboxDeliveries: d, inbox } = tables;
  const cutoff = sql`now() - ${days} * interval '1 day'`;
  const [events] = (await db.execute(sql`
    with old as (
      select x.tenant_id, x.id from ${e} x
      where x.occurred_at < ${cutoff}
        and not exists (select 1 from ${d} y where y.tenant_id = x.tenant_id and y.event_id = x.id and y.status <> 'DELIVERED')
      limit 10000),
    deliveries as (delete from ${d} y using old where y.tenant_id = old.tenant_id and y.event_id = old.id),
    gone as (delete from ${e} x using old where x.tenant_id = old.tenant_id and x.id = old.id returning 1)
    select count(*)::int as n from gone`)) as unknown as { n: number }[];
  const [received] = (await db.execute(sql`
    with old as (select tenant_id, event_id from ${inbox} where received_at < ${cutoff} limit 10000),
    gone as (delete from ${inbox} x using old where x.tenant_id = old.tenant_id and x.event_id = old.event_id returning 1)
    select count(*)::int as n from gone`)) as unknown as { n: number }[];
  return { events: events.n, inbox: received.n };
}
