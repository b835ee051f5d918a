import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { logger } from '../lib/logger.js';

/** A first request's answer, as the client got it. */
export interface KeptResponse {
  status: number;
  body: string;
  contentType: string;
}

/** What `begin` found for a key: it is now the caller's, another request holds it, or it has an outcome. */
export type Begun =
  | { state: 'claimed'; owner: string }
  | { state: 'in-progress'; requestHash: string }
  | { state: 'done'; requestHash: string; response: KeptResponse };

type Entry =
  | { state: 'IN_PROGRESS'; owner: string; requestHash: string }
  | { state: 'DONE'; requestHash: string; response: KeptResponse };

/**
 * Where the gateway keeps Idempotency-Key outcomes. `begin` is atomic: of two requests with one
 * key, one claims it and the other sees it held. `finish` and `release` act only for the owner
 * that claimed it (a request outliving its lock can't overwrite the next one's).
 */
export interface IdempotencyStore {
  begin(key: string, requestHash: string, lockMs: number): Promise<Begun>;
  finish(key: string, owner: string, requestHash: string, response: KeptResponse, ttlMs: number): Promise<void>;
  release(key: string, owner: string): Promise<void>;
  close(): Promise<void>;
}

const begun = (entry: Entry): Begun =>
  entry.state === 'DONE'
    ? { state: 'done', requestHash: entry.requestHash, response: entry.response }
    : { state: 'in-progress', requestHash: entry.requestHash };

const SWEEP_EVERY = 1000;

/** Outcomes in this process: right for one gateway replica (and for tests). */
export function memoryIdempotencyStore(now: () => number = Date.now): IdempotencyStore {
  const entries = new Map<string, { entry: Entry; until: number }>();
  let writes = 0;
  const live = (key: string) => {
    const hit = entries.get(key);
    if (hit && hit.until > now()) return hit.entry;
    if (hit) entries.delete(key);
    return undefined;
  };
  const put = (key: string, entry: Entry, ms: number) => {
    if (++writes % SWEEP_EVERY === 0) for (const [k, v] of entries) if (v.until <= now()) entries.delete(k);
    entries.set(key, { entry, until: now() + ms });
  };
  return {
    async begin(key, requestHash, lockMs) {
      const entry = live(key);
      if (entry) return begun(entry);
      const owner = randomUUID();
      put(key, { state: 'IN_PROGRESS', owner, requestHash }, lockMs);
      return { state: 'claimed', owner };
    },
    async finish(key, owner, requestHash, response, ttlMs) {
      const entry = live(key);
      if (entry?.state === 'IN_PROGRESS' && entry.owner === owner)
        put(key, { state: 'DONE', requestHash, response }, ttlMs);
    },
    async release(key, owner) {
      const entry = live(key);
      if (entry?.state === 'IN_PROGRESS' && entry.owner === owner) entries.delete(key);
    },
    async close() {
      entries.clear();
    },
  };
}

/** Replaces (or with no value deletes) the key only while the claim named by ARGV[1] still holds it. */
const IF_OWNER_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local ok, entry = pcall(cjson.decode, current)
if not ok or entry.state ~= 'IN_PROGRESS' or entry.owner ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1
`;

type IfOwnerCommand = (key: string, owner: string, value: string, ttlMs: number) => Promise<number>;

const REDIS_TIMEOUT_MS = 500;
const WARN_EVERY_MS = 30_000;
const DOWN = new Set(['reconnecting', 'close', 'end']);

/**
 * Outcomes in Redis, shared by every gateway replica (one string per key, expiring with its lock
 * or its outcome). When Redis can't answer, this replica's memory takes over with a warning: the
 * subgraphs still apply each keyed mutation once (they record the key with the change), so what
 * is lost meanwhile is only the replay of an identical answer across replicas.
 */
export function redisIdempotencyStore(url: string, opts: { keyPrefix?: string } = {}): IdempotencyStore {
  const log = logger.child({ component: 'idempotency' });
  const keyPrefix = opts.keyPrefix ?? 'sme-graph:idempotency:';
  let lastWarning = 0;
  const redis = new Redis(url, { commandTimeout: REDIS_TIMEOUT_MS, maxRetriesPerRequest: 1 });
  const warn = (error: unknown) => {
    if (Date.now() - lastWarning < WARN_EVERY_MS) return;
    lastWarning = Date.now();
    log.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'Redis is unreachable: idempotency keys are kept by this replica only',
    );
  };
  redis.on('error', warn);
  redis.defineCommand('idempotencyIfOwner', { numberOfKeys: 1, lua: IF_OWNER_SCRIPT });
  const ifOwner = (redis as unknown as { idempotencyIfOwner: IfOwnerCommand }).idempotencyIfOwner.bind(redis);
  const fallback = memoryIdempotencyStore();
  const guarded = async <T>(work: () => Promise<T>, instead: () => Promise<T>): Promise<T> => {
    if (DOWN.has(redis.status)) {
      warn(new Error(`Redis connection ${redis.status}`));
      return instead();
    }
    try {
      return await work();
    } catch (error) {
      warn(error);
      return instead();
    }
  };
  return {
    begin: (key, requestHash, lockMs) =>
      guarded(
        async () => {
          const owner = randomUUID();
          const entry: Entry = { state: 'IN_PROGRESS', owner, requestHash };
          // A key that expires between the refused SET and the GET is simply tried again.
          for (let attempt = 0; attempt < 3; attempt++) {
            if (await redis.set(keyPrefix + key, JSON.stringify(entry), 'PX', lockMs, 'NX'))
              return { state: 'claimed', owner } as const;
            const current = await redis.get(keyPrefix + key);
            if (current) return begun(JSON.parse(current) as Entry);
          }
          throw new Error('Idempotency key kept changing');
        },
        () => fallback.begin(key, requestHash, lockMs),
      ),
    finish: (key, owner, requestHash, response, ttlMs) =>
      guarded(
        async () => {
          const entry: Entry = { state: 'DONE', requestHash, response };
          await ifOwner(keyPrefix + key, owner, JSON.stringify(entry), ttlMs);
        },
        () => fallback.finish(key, owner, requestHash, response, ttlMs),
      ),
    release: (key, owner) =>
      guarded(
        async () => {
          await ifOwner(keyPrefix + key, owner, '', 0);
        },
        () => fallback.release(key, owner),
      ),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
      await fallback.close();
    },
  };
}

/** The store the settings ask for: Redis at `redisUrl` (shared by replicas), else this process. */
export function createIdempotencyStore(settings: { redisUrl?: string; keyPrefix?: string }): IdempotencyStore {
  return settings.redisUrl
    ? redisIdempotencyStore(settings.redisUrl, { keyPrefix: settings.keyPrefix })
    : memoryIdempotencyStore();
}
