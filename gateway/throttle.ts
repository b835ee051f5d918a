import type { Caller } from './auth.js';
import { memoryBucketStore, redisBucketStore, type BucketStore } from './buckets.js';

/** `extensions.cost.throttleStatus`, as Shopify's Admin API names it. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface Spent {
  allowed: boolean;
  status: ThrottleStatus;
  /** When refused: whole seconds until the bucket holds the cost again. */
  retryAfterSeconds: number;
}

export interface Throttle {
  points: number;
  /** Takes `cost` points from the caller's bucket, or nothing when it holds fewer. */
  spend(caller: Caller, cost: number): Promise<Spent>;
  /** The caller's bucket, untouched. */
  status(caller: Caller): Promise<ThrottleStatus>;
  close(): Promise<void>;
}

/**
 * Whose bucket a request spends from: an API key has its own; a user has one per tenant. So one
 * integration, or one user, can't spend another's points, within a tenant or across tenants.
 */
export const bucketKey = (caller: Caller) =>
  caller.kind === 'API_KEY' ? `key:${caller.userId}` : `user:${caller.tenantId}:${caller.userId}`;

/** The store the settings ask for: Redis at `redisUrl` (shared by replicas), else this process. */
export function createBucketStore(settings: { redisUrl?: string; keyPrefix?: string }): BucketStore {
  return settings.redisUrl
    ? redisBucketStore(settings.redisUrl, { keyPrefix: settings.keyPrefix })
    : memoryBucketStore();
}

/**
 * A leaky bucket per client of `points` (RATE_LIMIT_POINTS), restored at `restoreRate` points a
 * second (RATE_LIMIT_RESTORE_RATE). Each request spends its cost; one the bucket can't pay is
 * refused whole, and told when it could be paid.
 */
export function createThrottle(settings: { points: number; restoreRate: number }, store: BucketStore): Throttle {
  const bucket = { capacity: settings.points, restoreRate: settings.restoreRate };
  const statusOf = (available: number): ThrottleStatus => ({
    maximumAvailable: settings.points,
    currentlyAvailable: Math.floor(available),
    restoreRate: settings.restoreRate,
  });
  return {
    points: settings.points,
    async spend(caller, cost) {
      const take = await store.take(bucketKey(caller), cost, bucket);
      return {
        allowed: take.allowed,
        status: statusOf(take.available),
        retryAfterSeconds: take.allowed ? 0 : Math.max(1, Math.ceil((cost - take.available) / settings.restoreRate)),
      };
    },
    async status(caller) {
      return statusOf((await store.take(bucketKey(caller), 0, bucket)).available);
    },
    close: () => store.close(),
  };
}
