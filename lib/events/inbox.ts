import { eventRecord, type AuditTrail } from '../audit.js';
import { TENANT_ID } from '../auth.js';
import type { Database, Queryable } from '../db.js';
import { UserInputError } from '../errors.js';
import { isUuid } from '../ids.js';
import { EVENT_CATALOG, isEventType, type EventEnvelope, type EventType } from './catalog.js';
import type { EventTables } from './tables.js';

/**
 * A consumer: an adapter, like a resolver, from an event to a domain operation, run in the
 * transaction that records the event in the inbox. `ctx` acts as the event (EVENT_USER). What it
 * returns names what it changed, for the audit entry (lib/audit.ts entityIdsOf).
 */
export type EventHandler<C, T extends EventType> = (tx: Queryable, ctx: C, event: EventEnvelope<T>) => Promise<unknown>;

/** What a subgraph does with each event type it consumes (its events.ts). */
export type EventHandlers<C> = { [T in EventType]?: EventHandler<C, T> };

/**
 * What a handler returns when what it did is bookkeeping rather than a change anyone made
 * (platform queueing webhook deliveries): no audit entry is written for it.
 */
export const UNAUDITED = Symbol('unaudited');

/** The event can never be applied as sent: redelivering it cannot help (the relay dead-letters it). */
export class RejectedEvent extends Error {}

/** Checks an incoming envelope's shape; the payload's own fields are the handler's to check. */
export function parseEnvelope(value: unknown, consumer: string): EventEnvelope {
  const e = value as Partial<EventEnvelope> | null;
  if (!e || typeof e !== 'object') throw new RejectedEvent('The body must be an event object');
  if (!isUuid(e.id)) throw new RejectedEvent('id must be a UUID');
  if (!isEventType(e.type)) throw new RejectedEvent(`Unknown event type ${String(e.type)}`);
  if (!(EVENT_CATALOG[e.type].subscribers as readonly string[]).includes(consumer))
    throw new RejectedEvent(`${consumer} does not consume ${e.type}`);
  if (e.version !== EVENT_CATALOG[e.type].version)
    throw new RejectedEvent(`${e.type} version ${String(e.version)} is not supported`);
  if (typeof e.tenantId !== 'string' || !TENANT_ID.test(e.tenantId)) throw new RejectedEvent('tenantId is invalid');
  if (typeof e.occurredAt !== 'string' || Number.isNaN(Date.parse(e.occurredAt)))
    throw new RejectedEvent('occurredAt must be a timestamp');
  if (!e.payload || typeof e.payload !== 'object') throw new RejectedEvent('payload must be an object');
  return e as EventEnvelope;
}

/**
 * Applies an event exactly once: the inbox row, the handler's effects and their audit entry
 * (`audit`, acting as the event) commit together. A second delivery of the same event finds the
 * row (waiting for a concurrent first delivery to commit or roll back) and changes nothing.
 * audit.recorded itself (the audit trail's transport) is never audited: that would never end.
 */
export async function consumeEvent<C extends { changedIds: string[] }>(
  database: Database,
  tables: EventTables,
  handlers: EventHandlers<C>,
  event: EventEnvelope,
  ctx: C,
  audit: AuditTrail,
): Promise<'applied' | 'duplicate'> {
  const handler = handlers[event.type] as EventHandler<C, EventType> | undefined;
  if (!handler) throw new RejectedEvent(`No handler for ${event.type}`);
  try {
    return await database.db.transaction(async (tx) => {
      const recorded = await tx
        .insert(tables.inbox)
        .values({ tenantId: event.tenantId, eventId: event.id, type: event.type, receivedAt: new Date() })
        .onConflictDoNothing()
        .returning({ id: tables.inbox.eventId });
      if (recorded.length === 0) return 'duplicate';
      const result = await handler(tx, ctx, event);
      if (event.type !== 'audit.recorded' && result !== UNAUDITED)
        await audit.sink(tx, event.tenantId, eventRecord(audit.service, event, result, ctx.changedIds));
      return 'applied';
    });
  } catch (error) {
    // A handler's user error means the event cannot apply (an invalid payload, a product the
    // catalogue doesn't have): a permanent failure, kept as a dead letter for someone to look at.
    if (error instanceof UserInputError)
      throw new RejectedEvent(
        error.errors.map((e) => `${e.code}: ${e.message}${e.field ? ` (${e.field.join('.')})` : ''}`).join('; '),
      );
    throw error;
  }
}
