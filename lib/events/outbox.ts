import { sql } from 'drizzle-orm';
import { SUBGRAPHS, type SubgraphName } from '../config.js';
import type { Queryable } from '../db.js';
import { uuidv7 } from '../ids.js';
import { EVENT_CATALOG, publishes, type EventEnvelope, type EventPayloads, type EventType } from './catalog.js';
import type { EventTables } from './tables.js';

/** The NOTIFY channel a publisher's relay listens on. */
export const channelOf = (publisher: SubgraphName) => `outbox_${SUBGRAPHS[publisher].schema}`;

/**
 * Writes events in the caller's transaction: they exist if and only if the state change that
 * caused them commits. NOTIFY is transactional too, so the relay wakes exactly when they commit.
 */
export class Outbox {
  constructor(
    readonly publisher: SubgraphName,
    readonly tables: EventTables,
  ) {}

  async publish<T extends EventType>(
    tx: Queryable,
    tenantId: string,
    type: T,
    payload: EventPayloads[T],
  ): Promise<EventEnvelope<T>> {
    return (await this.publishMany(tx, tenantId, type, [payload]))[0];
  }

  /** Several events of one type in one go: one insert of events, one of deliveries, one NOTIFY. */
  async publishMany<T extends EventType>(
    tx: Queryable,
    tenantId: string,
    type: T,
    payloads: EventPayloads[T][],
  ): Promise<EventEnvelope<T>[]> {
    const entry = EVENT_CATALOG[type];
    if (!publishes(this.publisher, type)) throw new Error(`${this.publisher} does not publish ${type}`);
    if (payloads.length === 0) return [];
    const now = new Date();
    const events = payloads.map((payload): EventEnvelope<T> => ({
      id: uuidv7(),
      type,
      version: entry.version,
      tenantId,
      occurredAt: now.toISOString(),
      payload,
    }));
    await tx.insert(this.tables.outboxEvents).values(
      events.map((e) => ({
        tenantId,
        id: e.id,
        type,
        version: entry.version,
        payload: e.payload as never,
        occurredAt: now,
      })),
    );
    if (entry.subscribers.length > 0) {
      await tx.insert(this.tables.outboxDeliveries).values(
        // Due at once, on the database's clock (which relays compare with).
        events.flatMap((e) =>
          entry.subscribers.map((subscriber) => ({
            tenantId,
            eventId: e.id,
            subscriber,
            status: 'PENDING',
            nextAttemptAt: sql`now()`,
          })),
        ),
      );
      await tx.execute(sql`select pg_notify(${channelOf(this.publisher)}, '')`);
    }
    return events;
  }
}
