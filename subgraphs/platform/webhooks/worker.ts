import { sql } from 'drizzle-orm';
import { webhookSettings } from '../../../lib/config.js';
import { connect, type Database, type Queryable } from '../../../lib/db.js';
import { logger } from '../../../lib/logger.js';
import { webhookAttempts, webhookDeliveries, webhookSubscriptions } from '../db/schema.js';
import { WEBHOOK_CHANNEL } from './deliveries.js';
import { secretVault, signatureHeader, type SecretVault } from './secrets.js';
import { sendWebhook, type SendResult } from './sender.js';

export type WebhookWorkerOptions = ReturnType<typeof webhookSettings> & {
  /** The worker's own connections: each subscription being sent to holds one (at most `concurrency`, and LISTEN one). */
  database: Database;
  vault: SecretVault;
};

interface Claimed {
  tenant_id: string;
  id: string;
  webhook_id: string;
  body: string;
  attempts: number;
  schedule_step: number;
  subscription_id: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | Date | null;
}

/** A lane sends this many deliveries of one subscription at most before letting others have its slot. */
const LANE_TURN = 20;

/**
 * Sends queued webhook deliveries. Each subscription has a lane: its deliveries go one at a time,
 * oldest due first, each claimed with FOR UPDATE SKIP LOCKED in a transaction that also holds the
 * subscription's advisory lock, so that across every replica at most one delivery per
 * subscription is in flight. Lanes of different subscriptions run side by side (up to
 * `concurrency`), so a slow or dead receiver only ever delays its own deliveries. A worker that
 * dies mid-send loses its locks with its connection: the delivery is sent again (at least once;
 * the receiver dedupes on webhook-id).
 */
export class WebhookWorker {
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly log = logger.child({ worker: 'webhooks' });
  private running: Promise<number> | null = null;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private sent = 0;

  constructor(private readonly opts: WebhookWorkerOptions) {}

  /** Subscriptions with a delivery due, oldest due first, that no local lane serves yet. */
  private async dueSubscriptions(limit: number): Promise<{ tenant_id: string; subscription_id: string }[]> {
    const d = webhookDeliveries;
    const s = webhookSubscriptions;
    return (await this.opts.database.db.execute(sql`
      select d.tenant_id, d.subscription_id
      from ${d} d join ${s} s on s.tenant_id = d.tenant_id and s.id = d.subscription_id
      where d.status = 'PENDING' and d.next_attempt_at <= now() and s.active
      group by d.tenant_id, d.subscription_id
      order by min(d.next_attempt_at)
      limit ${limit}`)) as unknown as { tenant_id: string; subscription_id: string }[];
  }

  /** Starts lanes for due subscriptions while there are free slots; how many it started. */
  private async fillLanes(): Promise<number> {
    const free = this.opts.concurrency - this.lanes.size;
    if (free <= 0 || this.stopped) return 0;
    const due = await this.dueSubscriptions(free + this.lanes.size);
    let started = 0;
    for (const { tenant_id, subscription_id } of due) {
      const key = `${tenant_id}/${subscription_id}`;
      if (this.lanes.has(key) || this.lanes.size >= this.opts.concurrency) continue;
      const lane = this.runLane(tenant_id, subscription_id).finally(() => {
        this.lanes.delete(key);
        // A freed slot may serve a subscription that waited for one.
        if (!this.stopped) void this.wake();
      });
      this.lanes.set(key, lane);
      started++;
    }
    return started;
  }

  private async runLane(tenantId: string, subscriptionId: string) {
    try {
      for (let turn = 0; turn < LANE_TURN && !this.stopped; turn++)
        if (!(await this.deliverNext(tenantId, subscriptionId))) return;
    } catch (error) {
      this.log.error({ err: error, tenant: tenantId, subscription: subscriptionId }, 'webhook lane failed');
    }
  }

  /** Claims, sends and records the subscription's oldest due delivery; false when there was none to take. */
  private async deliverNext(tenantId: string, subscriptionId: string): Promise<boolean> {
    return this.opts.database.db.transaction(async (tx) => {
      const [{ locked }] = (await tx.execute(
        sql`select pg_try_advisory_xact_lock(hashtextextended(${`webhooks/${tenantId}/${subscriptionId}`}, 0)) as locked`,
      )) as unknown as { locked: boolean }[];
      if (!locked) return false;
      const d = webhookDeliveries;
      const s = webhookSubscriptions;
      const [row] = (await tx.execute(sql`
        select d.tenant_id, d.id, d.webhook_id, d.body, d.attempts, d.schedule_step, d.subscription_id,
               s.url, s.secret, s.previous_secret, s.previous_secret_expires_at
        from ${d} d join ${s} s on s.tenant_id = d.tenant_id and s.id = d.subscription_id
        where d.tenant_id = ${tenantId} and d.subscription_id = ${subscriptionId} and s.active
          and d.status = 'PENDING' and d.next_attempt_at <= now()
        order by d.next_attempt_at, d.id
        limit 1
        for update of d skip locked`)) as unknown as Claimed[];
      if (!row) return false;
      const result = await this.send(row);
      await this.record(tx, row, result);
      this.sent++;
      return true;
    });
  }

  private async send(row: Claimed): Promise<SendResult> {
    const secrets = [this.openSecret(row.secret)];
    if (row.previous_secret && row.previous_secret_expires_at && new Date(row.previous_secret_expires_at) > new Date())
      secrets.push(this.openSecret(row.previous_secret));
    if (secrets[0] === null) {
      // Sealed under another GATEWAY_SIGNING_SECRET: nothing can be signed until the secret is rotated.
      const error = 'The signing secret cannot be read (GATEWAY_SIGNING_SECRET changed?): rotate it';
      return { statusCode: null, durationMs: 0, error, responseBody: null, outcome: 'RETRY', retryAfterMs: null };
    }
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'user-agent': 'sme-graph-webhooks/1',
      'webhook-id': row.webhook_id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(
        secrets.filter((secret): secret is string => secret !== null),
        row.webhook_id,
        timestamp,
        row.body,
      ),
    };
    return sendWebhook(row.url, headers, row.body, this.opts.timeoutMs);
  }

  private openSecret(sealed: string): string | null {
    try {
      return this.opts.vault.open(sealed);
    } catch {
      return null;
    }
  }

  /**
   * The attempt, the delivery's new state, and the subscription's failure streak (which may
   * disable it). Times are clock_timestamp(): now() is when the transaction began, before the send.
   */
  private async record(tx: Queryable, row: Claimed, result: SendResult) {
    const attempt = row.attempts + 1;
    const step = row.schedule_step + 1;
    await tx.insert(webhookAttempts).values({
      tenantId: row.tenant_id,
      deliveryId: row.id,
      attempt,
      attemptedAt: new Date(),
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      error: result.error?.slice(0, 500) ?? null,
      responseBody: result.responseBody,
    });
    const schedule = this.opts.retryScheduleMs;
    const failed = result.outcome === 'FAILED' || (result.outcome === 'RETRY' && step > schedule.length);
    const waitMs =
      result.outcome === 'RETRY' && !failed ? Math.max(schedule[step - 1], result.retryAfterMs ?? 0) : null;
    const status = result.outcome === 'DELIVERED' ? 'DELIVERED' : failed ? 'FAILED' : 'PENDING';
    await tx.execute(sql`
      update ${webhookDeliveries} set
        status = ${status}, attempts = ${attempt}, schedule_step = ${step},
        last_status_code = ${result.statusCode}, last_error = ${result.error?.slice(0, 500) ?? null},
        last_duration_ms = ${result.durationMs},
        next_attempt_at = ${waitMs === null ? null : sql`clock_timestamp() + ${waitMs} * interval '1 millisecond'`},
        delivered_at = ${status === 'DELIVERED' ? sql`clock_timestamp()` : null}
      where tenant_id = ${row.tenant_id} and id = ${row.id}`);
    const key = sql`tenant_id = ${row.tenant_id} and id = ${row.subscription_id}`;
    const s = webhookSubscriptions;
    if (result.outcome === 'DELIVERED') {
      await tx.execute(sql`
        update ${s} set failing_since = null, failed_in_a_row = 0
        where ${key} and (failing_since is not null or failed_in_a_row > 0)`);
      return;
    }
    const [streak] = (await tx.execute(sql`
      update ${s} set failing_since = coalesce(failing_since, clock_timestamp()),
        failed_in_a_row = failed_in_a_row + ${failed ? 1 : 0}
      where ${key}
      returning failed_in_a_row, clock_timestamp() - failing_since >= ${this.opts.disableAfterMs} * interval '1 millisecond' as long_failing`)) as unknown as {
      failed_in_a_row: number;
      long_failing: boolean;
    }[];
    const reason =
      streak.failed_in_a_row >= this.opts.disableAfterFailures
        ? `Disabled after ${streak.failed_in_a_row} deliveries in a row failed`
        : streak.long_failing
          ? `Disabled after every delivery failed for ${Math.round(this.opts.disableAfterMs / 3_600_000)} hours`
          : null;
    if (reason) {
      await tx.execute(
        sql`update ${s} set active = false, disabled_reason = ${reason}, updated_at = now() where ${key}`,
      );
      this.log.warn(
        { tenant: row.tenant_id, subscription: row.subscription_id, reason },
        'webhook subscription disabled',
      );
    }
  }

  /** Fills free lanes with due subscriptions; concurrent wake-ups coalesce into one more pass. */
  wake(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let started = 0;
      try {
        do {
          this.again = false;
          started += await this.fillLanes();
        } while (this.again && !this.stopped);
      } catch (error) {
        this.log.error({ err: error }, 'webhook pass failed; retrying on the next wake-up');
      } finally {
        this.running = null;
      }
      return started;
    })();
    return this.running;
  }

  /**
   * Sends what is due now and waits for it (tests' settle): a round for what lanes (the background
   * ones included) are sending, then one for what was queued meanwhile. Retries due later wait
   * for their time. Returns how many deliveries were attempted meanwhile.
   */
  async drain(): Promise<number> {
    const before = this.sent;
    for (let round = 0; round < 2; round++) {
      await this.wake();
      await this.fillLanes();
      await Promise.all([...this.lanes.values()]);
    }
    return this.sent - before;
  }

  /** Listens for queued deliveries and polls for due retries. */
  async start(): Promise<void> {
    const listener = await this.opts.database.sql.listen(WEBHOOK_CHANNEL, () => void this.wake());
    this.unlisten = () => listener.unlisten();
    this.timer = setInterval(() => void this.wake(), this.opts.pollMs);
    this.timer.unref();
    void this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.unlisten?.().catch(() => {});
    await this.running;
    await Promise.all([...this.lanes.values()]);
  }
}

/**
 * The worker of the platform service: its own pool (a connection per lane and one to LISTEN),
 * settings from the environment (lib/config.ts webhookSettings) unless given.
 */
export function webhookWorkerAt(
  databaseUrl: string,
  signingSecret: string,
  overrides: Partial<ReturnType<typeof webhookSettings>> = {},
) {
  const settings = { ...webhookSettings(), ...overrides };
  const database = connect(databaseUrl, { max: settings.concurrency + 1 });
  const worker = new WebhookWorker({ ...settings, database, vault: secretVault(signingSecret) });
  return {
    worker,
    start: () => worker.start(),
    async stop() {
      await worker.stop();
      await database.close();
    },
  };
}
