import { and, count, desc, eq, gte, inArray, lt, ne, sql, type SQL } from 'drizzle-orm';
import type { SubgraphName } from '../config.js';
import type { Queryable } from '../db.js';
import type { Outbox } from './outbox.js';
import { channelOf } from './outbox.js';

export type EventState = 'PUBLISHED' | 'PENDING' | 'DELIVERED' | 'DEAD';

export interface OutboxQuery {
  tenantId: string;
  /** Page size + 1. */
  limit: number;
  /** Events older than this id (ids are UUIDv7: they sort by time). */
  before?: string | null;
  type?: string | null;
  since?: string | null;
  state?: EventState | null;
  /** Just this event. */
  id?: string | null;
}

export interface ListedEvent {
  id: string;
  type: string;
  version: number;
  publisher: SubgraphName;
  occurredAt: string;
  payload: Record<string, unknown>;
  state: EventState;
  deliveries: {
    subscriber: string;
    status: string;
    attempts: number;
    lastError: string | null;
    nextAttemptAt: string | null;
    deliveredAt: string | null;
  }[];
}

/**
 * An event's state from its deliveries: DEAD if any failed for good, else PENDING while any is
 * under way, DELIVERED when all arrived, PUBLISHED when nobody subscribes (yet).
 */
const stateSql = (outbox: Outbox) => {
  const d = outbox.tables.outboxDeliveries;
  const e = outbox.tables.outboxEvents;
  return sql<EventState>`(select case when count(*) = 0 then 'PUBLISHED' when bool_or(x.status = 'DEAD') then 'DEAD' when bool_or(x.status = 'PENDING') then 'PENDING' else 'DELIVERED' end
    from ${d} x where x.tenant_id = ${e.tenantId} and x.event_id = ${e.id})`;
};

/**
 * audit.recorded events are the audit trail's transport (it has its own query, auditLog), not
 * business events: the log leaves them out, though one asked for by id (a replay) is found.
 */
const AUDIT_TRANSPORT = 'audit.recorded';

function where(outbox: Outbox, q: Omit<OutboxQuery, 'limit' | 'before'>): SQL {
  const e = outbox.tables.outboxEvents;
  return and(
    eq(e.tenantId, q.tenantId),
    q.id ? eq(e.id, q.id) : ne(e.type, AUDIT_TRANSPORT),
    q.type ? eq(e.type, q.type) : undefined,
    q.since ? gte(e.occurredAt, new Date(q.since)) : undefined,
    q.state ? sql`${stateSql(outbox)} = ${q.state}` : undefined,
  )!;
}

/** One publisher's events for a tenant, newest first, with their deliveries and the matching count. */
export async function listOutbox(
  db: Queryable,
  outbox: Outbox,
  q: OutboxQuery,
): Promise<{ events: ListedEvent[]; totalCount: number }> {
  const { outboxEvents: e, outboxDeliveries: d } = outbox.tables;
  const [rows, [{ n }]] = await Promise.all([
    db
      .select({ event: e, state: stateSql(outbox) })
      .from(e)
      .where(and(where(outbox, q), q.before ? lt(e.id, q.before) : undefined))
      .orderBy(desc(e.id))
      .limit(q.limit),
    db.select({ n: count() }).from(e).where(where(outbox, q)),
  ]);
  const ids = rows.map((r) => r.event.id);
  const deliveries = ids.length
    ? await db
        .select()
        .from(d)
        .where(and(eq(d.tenantId, q.tenantId), inArray(d.eventId, ids)))
        .orderBy(d.subscriber)
    : [];
  return {
    totalCount: Number(n),
    events: rows.map(({ event, state }) => ({
      id: event.id,
      type: event.type,
      version: event.version,
      publisher: outbox.publisher,
      occurredAt: event.occurredAt.toISOString(),
      payload: event.payload,
      state,
      deliveries: deliveries
        .filter((x) => x.eventId === event.id)
        .map((x) => ({
          subscriber: x.subscriber,
          status: x.status,
          attempts: x.attempts,
          lastError: x.lastError,
          nextAttemptAt: x.status === 'PENDING' ? x.nextAttemptAt.toISOString() : null,
          deliveredAt: x.deliveredAt?.toISOString() ?? null,
        })),
    })),
  };
}

/** Which dead letters to send again: one event's, or all of a type and/or subscriber. */
export interface ReplayFilter {
  eventId?: string | null;
  type?: string | null;
  subscriber?: string | null;
}

/**
 * Sends dead-lettered deliveries again: they become due now, with a fresh budget of attempts, and
 * the relay is woken. Returns how many were reset (0: none of this tenant's matched, or none dead).
 */
export async function replayOutbox(
  db: Queryable,
  outbox: Outbox,
  tenantId: string,
  filter: ReplayFilter,
): Promise<number> {
  const { outboxDeliveries: d, outboxEvents: e } = outbox.tables;
  const ofType = filter.type
    ? db
        .select({ id: e.id })
        .from(e)
        .where(and(eq(e.tenantId, tenantId), eq(e.type, filter.type)))
    : null;
  const reset = await db
    .update(d)
    .set({ status: 'PENDING', attempts: 0, nextAttemptAt: sql`now()`, lastError: null })
    .where(
      and(
        eq(d.tenantId, tenantId),
        eq(d.status, 'DEAD'),
        filter.eventId ? eq(d.eventId, filter.eventId) : undefined,
        filter.subscriber ? eq(d.subscriber, filter.subscriber) : undefined,
        ofType ? inArray(d.eventId, ofType) : undefined,
      ),
    )
    .returning({ subscriber: d.subscriber });
  if (reset.length) await db.execute(sql`select pg_notify(${channelOf(outbox.publisher)}, '')`);
  return reset.length;
}

export type AdminRequest = ({ action: 'list' } & OutboxQuery) | ({ action: 'replay'; tenantId: string } & ReplayFilter);

const STATES = new Set(['PUBLISHED', 'PENDING', 'DELIVERED', 'DEAD']);

/** Checks an admin request that arrived (signed) at a subgraph's `/events/admin`; null when malformed. */
export function parseAdminRequest(
  value: unknown,
  isUuid: (v: unknown) => boolean,
  tenantPattern: RegExp,
): AdminRequest | null {
  const r = value as Record<string, unknown> | null;
  if (!r || typeof r.tenantId !== 'string' || !tenantPattern.test(r.tenantId)) return null;
  if (r.action === 'replay') {
    if (r.eventId != null && !isUuid(r.eventId)) return null;
    if ((r.type != null && typeof r.type !== 'string') || (r.subscriber != null && typeof r.subscriber !== 'string'))
      return null;
    return {
      action: 'replay',
      tenantId: r.tenantId,
      eventId: (r.eventId as string) ?? null,
      type: (r.type as string) ?? null,
      subscriber: (r.subscriber as string) ?? null,
    };
  }
  if (r.action !== 'list') return null;
  if (!Number.isInteger(r.limit) || (r.limit as number) < 1 || (r.limit as number) > 101) return null;
  if (r.before != null && !isUuid(r.before)) return null;
  if (r.id != null && !isUuid(r.id)) return null;
  if (r.type != null && typeof r.type !== 'string') return null;
  if (r.since != null && (typeof r.since !== 'string' || Number.isNaN(Date.parse(r.since)))) return null;
  if (r.state != null && !STATES.has(r.state as string)) return null;
  return {
    action: 'list',
    tenantId: r.tenantId,
    limit: r.limit as number,
    before: (r.before as string) ?? null,
    type: (r.type as string) ?? null,
    since: (r.since as string) ?? null,
    state: (r.state as EventState) ?? null,
    id: (r.id as string) ?? null,
  };
}
