import { Redis } from 'ioredis';
import { logger } from '../lib/logger.js';

/** A leaky bucket's shape: how many points it holds, and how fast spent points come back. */
export interface Bucket {
  capacity: number;
  restoreRate: number;
}

export interface Take {
  allowed: boolean;
  /** Points left in the bucket after this take (fractional: restoring is continuous). */
  available: number;
}

/** Where the buckets live. `take` is atomic: it takes `cost` points when the bucket holds them, else nothing. */
export interface BucketStore {
  take(key: string, cost: number, bucket: Bucket): Promise<Take>;
  close(): Promise<void>;
}

/** A bucket nobody has used since it refilled is the same as no bucket: forget it. */
const SWEEP_EVERY = 10_000;

/** Buckets in this process: right for one gateway replica (and for tests). */
export function memoryBucketStore(now: () => number = Date.now): BucketStore {
  const buckets = new Map<string, { points: number; at: number }>();
  const refilled = (state: { points: number; at: number }, bucket: Bucket, at: number) =>
    Math.min(bucket.capacity, state.points + (Math.max(0, at - state.at) * bucket.restoreRate) / 1000);
  let takes = 0;
  return {
    async take(key, cost, bucket) {
      const at = now();
      if (++takes % SWEEP_EVERY === 0) {
        for (const [k, state] of buckets) if (refilled(state, bucket, at) >= bucket.capacity) buckets.delete(k);
      }
      const state = buckets.get(key);
      let points = state ? refilled(state, bucket, at) : bucket.capacity;
      const allowed = points >= cost;
      if (allowed) points -= cost;
      buckets.set(key, { points, at });
      return { allowed, available: points };
    },
    async close() {
      buckets.clear();
    },
  };
}

/**
 * Refill by the time elapsed (Redis's own clock, so that replicas' clocks don't matter), take or
 * refuse, and let the key expire once it would be full again; one script, so atomic.
 */
const TAKE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'points', 'at')
local points = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
points = math.min(capacity, points + math.max(0, now - at) * rate / 1000)
local allowed = 0
if points >= cost then
  points = points - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'points', tostring(points), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - points) * 1000 / rate) + 1000)
return { allowed, tostring(points) }
`;

type TakeCommand = (key: string, capacity: number, rate: number, cost: number) => Promise<[number, string]>;

/** How long a bucket may keep a request waiting on Redis before it is let through. */
const REDIS_TIMEOUT_MS = 500;
const WARN_EVERY_MS = 30_000;
const DOWN = new Set(['reconnecting', 'close', 'end']);

/**
 * Buckets in Redis, shared by every gateway replica. When Redis can't answer (down, reconnecting,
 * or slower than 500 ms), the request is not refused for it: this replica's own in-memory buckets take
 * over until Redis is back (fail open, with a warning at most every 30 s). Rate limits protect
 * capacity; turning a Redis outage into an outage of the whole API would defeat them, and the
 * cost limit of each request still holds meanwhile.
 */
export function redisBucketStore(url: string, opts: { keyPrefix?: string } = {}): BucketStore {
  const log = logger.child({ component: 'rate-limit' });
  const keyPrefix = opts.keyPrefix ?? 'sme-graph:bucket:';
  let lastWarning = 0;
  const redis = new Redis(url, {
    commandTimeout: REDIS_TIMEOUT_MS,
    // While reconnecting, commands fail at once rather than waiting for the connection.
    maxRetriesPerRequest: 1,
    lazyConnect: false,
  });
  const warn = (error: unknown) => {
    if (Date.now() - lastWarning < WARN_EVERY_MS) return;
    lastWarning = Date.now();
    log.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'Redis is unreachable: rate limits use this replica only',
    );
  };
  // ioredis reports connection trouble as events; without a listener they would be thrown.
  redis.on('error', warn);
  redis.defineCommand('takeFromBucket', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  const takeFromBucket = (redis as unknown as { takeFromBucket: TakeCommand }).takeFromBucket.bind(redis);
  const fallback = memoryBucketStore();
  return {
    async take(key, cost, bucket) {
      // A connection that was lost (or never made) is being retried: don't make each request wait for it.
      if (DOWN.has(redis.status)) {
        warn(new Error(`Redis connection ${redis.status}`));
        return fallback.take(key, cost, bucket);
      }
      try {
        const [allowed, points] = await takeFromBucket(keyPrefix + key, bucket.capacity, bucket.restoreRate, cost);
        return { allowed: allowed === 1, available: Number(points) };
      } catch (error) {
        warn(error);
        return fallback.take(key, cost, bucket);
      }
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
      await fallback.close();
    },
  };
}
