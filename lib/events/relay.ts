import { and, eq, sql } from 'drizzle-orm';
import { RELAY_DEFAULTS, type SubgraphName } from '../config.js';
import type { Database } from '../db.js';
import { logger } from '../logger.js';
import { definedOnly } from '../check.js';
import type { EventEnvelope, EventType } from './catalog.js';
import { channelOf, type Outbox } from './outbox.js';
import { pruneEvents } from './retention.js';
import { EVENT_SIGNATURE_HEADER, signDelivery } from './signature.js';

export interface RelayOptions {
  outbox: Outbox;
  /** The relay's own connections: a claimed batch holds one for as long as its deliveries take. */
  database: Database;
  /** Where each subscriber takes deliveries (its `/events` endpoint). */
  targets: Partial<Record<SubgraphName, string>>;
  signingSecret: string;
  batchSize?: number;
  /** After this many failed attempts a delivery is dead-lettered (30: about two hours of retries). */
  maxAttempts?: number;
  /** The first retry waits this long; each further one twice as long (capped at 5 minutes). */
  retryBaseMs?: number;
  /** Safety net besides NOTIFY: how often the relay looks for due retries. */
  pollMs?: number;
  timeoutMs?: number;
  /** Delivered events and inbox entries older than this many days are deleted (hourly). */
  retentionDays?: number;
}

interface ClaimedRow {
  tenant_id: string;
  event_id: string;
  subscriber: string;
  attempts: number;
  type: string;
  version: number;
  payload: unknown;
  occurred_at: string | Date;
}

type Outcome = { status: 'DELIVERED' } | { status: 'RETRY' | 'DEAD'; error: string };

const MAX_BACKOFF_MS = 5 * 60_000;

/** A time on the database's clock: every relay replica and publisher compares against the same one. */
const inMs = (ms: number) => sql`now() + ${ms} * interval '1 millisecond'`;

/** Delay before attempt `attempts + 1`, after `attempts` failures: base, 2x base, 4x base... */
export const backoffMs = (attempts: number, baseMs: number) =>
  Math.min(baseMs * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);

/**
 * Delivers a publisher's outbox at least once to each subscriber. A batch of due deliveries is
 * claimed with FOR UPDATE SKIP LOCKED and stays locked until its outcomes are written, so replicas
 * running side by side share the work and never send the same delivery at the same time. If the
 * relay dies between sending and recording, the lock goes with its connection and the delivery is
 * sent again later: the consumer's inbox makes the repeat harmless.
 */
export class Relay {
  private readonly log;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private pruner: NodeJS.Timeout | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private stopped = false;

  private readonly opts: RelayOptions & typeof RELAY_DEFAULTS;

  constructor(options: RelayOptions) {
    this.opts = { ...RELAY_DEFAULTS, ...definedOnly(options) } as RelayOptions & typeof RELAY_DEFAULTS;
    this.log = logger.child({ relay: options.outbox.publisher });
  }

  /** Claims and delivers one batch of due deliveries; returns how many it handled. */
  async runOnce(): Promise<number> {
    const { outboxDeliveries: d, outboxEvents: e } = this.opts.outbox.tables;
    const batchSize = this.opts.batchSize;
    return this.opts.database.db.transaction(async (tx) => {
      // Raw SQL: FOR UPDATE OF needs the bare alias, which the query builder does not write.
      const claimed = (await tx.execute(sql`
        select d.tenant_id, d.event_id, d.subscriber, d.attempts, e.type, e.version, e.payload, e.occurred_at
        from ${d} d join ${e} e on e.tenant_id = d.tenant_id and e.id = d.event_id
        where d.status = 'PENDING' and d.next_attempt_at <= now()
        order by d.next_attempt_at, d.event_id
        limit ${batchSize}
        for update of d skip locked`)) as unknown as ClaimedRow[];
      // One at a time, oldest first. Consumers must not rely on order all the same: a retry, or
      // replicas delivering side by side, can deliver a later event first.
      const unreachable = new Set<string>();
      for (const row of claimed) {
        const delivery = {
          tenantId: row.tenant_id,
          eventId: row.event_id,
          subscriber: row.subscriber,
          attempts: row.attempts,
        };
        const event = { id: row.event_id, type: row.type };
        const envelope: EventEnvelope = {
          id: row.event_id,
          type: row.type as EventType,
          version: row.version,
          tenantId: row.tenant_id,
          occurredAt: new Date(row.occurred_at).toISOString(),
          payload: row.payload as never,
        };
        const key = and(
          eq(d.tenantId, delivery.tenantId),
          eq(d.eventId, delivery.eventId),
          eq(d.subscriber, delivery.subscriber),
        );
        const retryBaseMs = this.opts.retryBaseMs;
        if (unreachable.has(delivery.subscriber)) {
          // Its subscriber just failed: don't make the rest of the batch wait on it too. Not an attempt.
          await tx
            .update(d)
            .set({ nextAttemptAt: inMs(retryBaseMs) })
            .where(key);
          continue;
        }
        const outcome = await this.deliver(delivery.subscriber as SubgraphName, envelope);
        const attempts = delivery.attempts + 1;
        const dead = outcome.status === 'DEAD' || (outcome.status === 'RETRY' && attempts >= this.opts.maxAttempts);
        if (outcome.status === 'DELIVERED') {
          await tx
            .update(d)
            .set({ status: 'DELIVERED', attempts, deliveredAt: new Date(), lastError: null })
            .where(key);
        } else {
          if (outcome.status === 'RETRY') unreachable.add(delivery.subscriber);
          await tx
            .update(d)
            .set({
              status: dead ? 'DEAD' : 'PENDING',
              attempts,
              lastError: outcome.error.slice(0, 500),
              nextAttemptAt: inMs(backoffMs(attempts, retryBaseMs)),
            })
            .where(key);
          const fields = {
            event: event.id,
            type: event.type,
            subscriber: delivery.subscriber,
            attempts,
            error: outcome.error,
          };
          if (dead) this.log.error(fields, 'event delivery dead-lettered');
          else this.log.warn(fields, 'event delivery failed; will retry');
        }
      }
      return claimed.length;
    });
  }

  private async deliver(subscriber: SubgraphName, event: EventEnvelope): Promise<Outcome> {
    const url = this.opts.targets[subscriber];
    if (!url) return { status: 'RETRY', error: `No address configured for ${subscriber}` };
    const body = JSON.stringify(event);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-request-id': event.id,
          [EVENT_SIGNATURE_HEADER]: signDelivery(this.opts.signingSecret, subscriber, body),
        },
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (error) {
      return { status: 'RETRY', error: `${subscriber} did not answer: ${(error as Error).message}` };
    }
    const text = await response.text().catch(() => '');
    if (response.ok) return { status: 'DELIVERED' };
    // 422: the consumer read the event and it can never apply (unknown type, invalid payload, a
    // product it doesn't have): sending it again cannot help. Anything else may pass later (a
    // secret being rotated, a service half deployed, an outage) and is retried.
    return {
      status: response.status === 422 ? 'DEAD' : 'RETRY',
      error: `${subscriber} answered ${response.status}: ${text.slice(0, 300)}`,
    };
  }

  /** Runs batches until nothing is due; concurrent wake-ups coalesce into one more pass. */
  wake(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        const batchSize = this.opts.batchSize;
        do {
          this.again = false;
          while (!this.stopped && (await this.runOnce()) === batchSize);
        } while (this.again && !this.stopped);
      } catch (error) {
        this.log.error({ err: error }, 'relay pass failed; retrying on the next wake-up');
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Listens for NOTIFY from committed publishes and polls for due retries. */
  async start(): Promise<void> {
    const listener = await this.opts.database.sql.listen(channelOf(this.opts.outbox.publisher), () => void this.wake());
    this.unlisten = () => listener.unlisten();
    this.timer = setInterval(() => void this.wake(), this.opts.pollMs);
    this.timer.unref();
    void this.wake();
    // At start too: a service redeployed more often than hourly would otherwise never prune.
    void this.prune();
    this.pruner = setInterval(() => void this.prune(), 60 * 60_000);
    this.pruner.unref();
  }

  /** Applies the retention (lib/events/retention.ts); every replica may, deleting is idempotent. */
  async prune() {
    try {
      const pruned = await pruneEvents(this.opts.database.db, this.opts.outbox.tables, this.opts.retentionDays);
      if (pruned.events || pruned.inbox) this.log.info(pruned, 'pruned old events');
      return pruned;
    } catch (error) {
      this.log.error({ err: error }, 'pruning old events failed; trying again in an hour');
      return null;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.pruner) clearInterval(this.pruner);
    await this.unlisten?.().catch(() => {});
    await this.running;
  }
}
