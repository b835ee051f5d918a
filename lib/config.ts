import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The manifest of subgraphs: each one's Postgres schema, default port, and the subgraphs it calls
 * directly (signed internal calls; everything else crosses domains as events). Every main.ts,
 * `npm start` and the in-process test graph are wired from this table.
 */
export const SUBGRAPHS = {
  customer: { schema: 'customer', port: 4001, calls: [] },
  'sales-pipeline': { schema: 'sales', port: 4002, calls: ['customer', 'order-fulfilment'] },
  'order-fulfilment': { schema: 'fulfilment', port: 4003, calls: ['customer', 'finance'] },
  finance: { schema: 'finance', port: 4004, calls: ['customer'] },
  platform: {
    schema: 'platform',
    port: 4005,
    calls: [],
    /** It serves the tenant's event log, asking every subgraph's outbox (`/events/admin`). */
    servesEventLog: true,
  },
} as const satisfies Record<
  string,
  { schema: string; port: number; calls: readonly string[]; servesEventLog?: boolean }
>;

export type SubgraphName = keyof typeof SUBGRAPHS;

/** The subgraphs this build runs. */
export const ACTIVE_SUBGRAPHS: SubgraphName[] = [
  'customer',
  'sales-pipeline',
  'order-fulfilment',
  'finance',
  'platform',
];

export const isProduction = () => process.env.NODE_ENV === 'production';

export const dataDir = () => path.resolve(process.env.DATA_DIR ?? '.data');

/** `CUSTOMER_PORT`, `SALES_PIPELINE_PORT`... */
export const envPrefix = (name: SubgraphName) => name.toUpperCase().replace(/-/g, '_');

export function subgraphPort(name: SubgraphName): number {
  return intFromEnv(`${envPrefix(name)}_PORT`, SUBGRAPHS[name].port);
}

export function subgraphUrl(name: SubgraphName): string {
  return process.env[`${envPrefix(name)}_URL`] ?? `http://127.0.0.1:${subgraphPort(name)}/graphql`;
}

/** Where a subgraph takes event deliveries from relays: its `/events` endpoint. */
export function subgraphEventsUrl(name: SubgraphName): string {
  return process.env[`${envPrefix(name)}_EVENTS_URL`] ?? subgraphUrl(name).replace(/\/graphql$/, '/events');
}

/** A relay's settings when not given (lib/events/relay.ts). */
export const RELAY_DEFAULTS = {
  batchSize: 50,
  maxAttempts: 30,
  retryBaseMs: 1000,
  pollMs: 1000,
  timeoutMs: 10_000,
  retentionDays: 30,
};

/** The relay's retry policy and retention (EVENT_MAX_ATTEMPTS, EVENT_RETRY_BASE_MS, EVENT_POLL_MS, EVENT_RETENTION_DAYS). */
export function relaySettings() {
  return {
    maxAttempts: intFromEnv('EVENT_MAX_ATTEMPTS', RELAY_DEFAULTS.maxAttempts),
    retryBaseMs: intFromEnv('EVENT_RETRY_BASE_MS', RELAY_DEFAULTS.retryBaseMs),
    pollMs: intFromEnv('EVENT_POLL_MS', RELAY_DEFAULTS.pollMs),
    retentionDays: intFromEnv('EVENT_RETENTION_DAYS', RELAY_DEFAULTS.retentionDays),
  };
}

/** `5s`, `1m`, `10m`, `1h`, `250ms`: a duration in milliseconds. */
export function durationMs(text: string, key: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new Error(`${key}: "${text}" is not a duration such as 5s, 1m, 10m or 6h`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
}

/**
 * Webhook delivery (subgraphs/platform/webhook-worker.ts). WEBHOOK_RETRY_SCHEDULE: the waits
 * before each retry (the last attempt about 24 h after the first by default), WEBHOOK_TIMEOUT_MS,
 * WEBHOOK_CONCURRENCY (subscriptions sent to at once), WEBHOOK_DISABLE_AFTER_FAILURES (deliveries
 * FAILED in a row) and WEBHOOK_DISABLE_AFTER_HOURS (of nothing but failures) before a subscription
 * is disabled.
 */
export function webhookSettings() {
  const schedule = process.env.WEBHOOK_RETRY_SCHEDULE || '5s,1m,10m,1h,6h,6h,6h,5h';
  return {
    retryScheduleMs: schedule.split(',').map((item) => durationMs(item, 'WEBHOOK_RETRY_SCHEDULE')),
    timeoutMs: intFromEnv('WEBHOOK_TIMEOUT_MS', 10_000),
    concurrency: Math.max(1, intFromEnv('WEBHOOK_CONCURRENCY', 16)),
    disableAfterFailures: intFromEnv('WEBHOOK_DISABLE_AFTER_FAILURES', 100),
    disableAfterMs: intFromEnv('WEBHOOK_DISABLE_AFTER_HOURS', 72) * 3_600_000,
    pollMs: intFromEnv('WEBHOOK_POLL_MS', 1000),
  };
}

/**
 * Hosts a webhook URL may name although they resolve to a private or loopback address
 * (WEBHOOK_ALLOWED_HOSTS, comma-separated host names or addresses). Read at every check, so a
 * change of the environment applies to the next delivery.
 */
export const webhookAllowedHosts = (): ReadonlySet<string> =>
  new Set(
    (process.env.WEBHOOK_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) =>
        h
          .trim()
          .toLowerCase()
          .replace(/^\[|\]$/g, ''),
      )
      .filter(Boolean),
  );

/**
 * Calls to a subgraph (the gateway's, and one subgraph's to another): how long one may take, and
 * when a breaker stops trying (UPSTREAM_TIMEOUT_MS, INTERNAL_TIMEOUT_MS, UPSTREAM_BREAKER_FAILURES,
 * UPSTREAM_BREAKER_OPEN_MS).
 */
export function upstreamSettings() {
  return {
    timeoutMs: intFromEnv('UPSTREAM_TIMEOUT_MS', 5000),
    /**
     * A subgraph's own calls to another get less than the gateway gives the subgraph, so that it
     * can still answer with its own coded error when the one it calls hangs (INTERNAL_TIMEOUT_MS).
     */
    internalTimeoutMs: intFromEnv('INTERNAL_TIMEOUT_MS', 3000),
    failures: intFromEnv('UPSTREAM_BREAKER_FAILURES', 5),
    openMs: intFromEnv('UPSTREAM_BREAKER_OPEN_MS', 5000),
  };
}

/** What one request to the gateway may hold (MAX_QUERY_DEPTH, MAX_ALIASES, MAX_TOKENS, MAX_BODY_BYTES). */
export function operationLimits() {
  return {
    maxDepth: intFromEnv('MAX_QUERY_DEPTH', 15),
    maxAliases: intFromEnv('MAX_ALIASES', 30),
    maxTokens: intFromEnv('MAX_TOKENS', 5000),
    maxBodyBytes: intFromEnv('MAX_BODY_BYTES', 1024 * 1024),
  };
}

/**
 * Trusted documents (PERSISTED_DOCUMENTS: the path of a JSON manifest of document id -> document;
 * TRUSTED_DOCUMENTS_ONLY=true: user tokens may run nothing else). Only-trusted without a manifest
 * would refuse every user request, so it is a configuration error.
 */
export function documentSettings() {
  const manifest = process.env.PERSISTED_DOCUMENTS || undefined;
  const only = process.env.TRUSTED_DOCUMENTS_ONLY || 'false';
  if (only !== 'true' && only !== 'false')
    throw new Error(`TRUSTED_DOCUMENTS_ONLY must be true or false, got "${only}"`);
  if (only === 'true' && !manifest) throw new Error('TRUSTED_DOCUMENTS_ONLY=true needs PERSISTED_DOCUMENTS');
  return { manifest, trustedOnly: only === 'true' };
}

/** The most an operation may cost (MAX_QUERY_COST, points of gateway/cost.ts). */
export function costSettings() {
  return { maxCost: intFromEnv('MAX_QUERY_COST', 2000) };
}

/**
 * Each client's leaky bucket (gateway/throttle.ts): RATE_LIMIT_POINTS, restored at
 * RATE_LIMIT_RESTORE_RATE points a second, kept in Redis at REDIS_URL when set (shared by every
 * gateway replica), otherwise in this process.
 */
export function rateLimitSettings() {
  const points = intFromEnv('RATE_LIMIT_POINTS', 2000);
  const restoreRate = intFromEnv('RATE_LIMIT_RESTORE_RATE', 100);
  if (points < 1 || restoreRate < 1) {
    throw new Error('RATE_LIMIT_POINTS and RATE_LIMIT_RESTORE_RATE must be at least 1');
  }
  return { points, restoreRate, redisUrl: process.env.REDIS_URL || undefined };
}

/**
 * Idempotency-Key (gateway/idempotency.ts): a mutation's outcome is kept IDEMPOTENCY_TTL_SECONDS
 * (24 h) for replays; a first request holds its key IDEMPOTENCY_LOCK_SECONDS (60: no signed
 * subgraph request outlives a minute) while it runs, so that a gateway dying mid-request frees it.
 * In Redis at REDIS_URL when set (shared by every gateway replica), otherwise in this process.
 */
export function idempotencySettings() {
  const ttlSeconds = intFromEnv('IDEMPOTENCY_TTL_SECONDS', 24 * 60 * 60);
  const lockSeconds = intFromEnv('IDEMPOTENCY_LOCK_SECONDS', 60);
  if (ttlSeconds < 1 || lockSeconds < 1)
    throw new Error('IDEMPOTENCY_TTL_SECONDS and IDEMPOTENCY_LOCK_SECONDS must be at least 1');
  return { ttlSeconds, lockSeconds, redisUrl: process.env.REDIS_URL || undefined };
}

/**
 * How long the gateway uses what it learnt about an API key (API_KEY_CACHE_SECONDS, default 20)
 * before asking the platform again; with the 10 s more it may serve a cached answer while the
 * platform is unreachable, a revocation takes effect within 30 s.
 */
export function apiKeyCacheSettings() {
  const ttlSeconds = intFromEnv('API_KEY_CACHE_SECONDS', 20);
  if (ttlSeconds > 20)
    throw new Error('API_KEY_CACHE_SECONDS must be at most 20 (revocations take effect within 30 s)');
  return { ttlMs: ttlSeconds * 1000, maxStaleMs: ttlSeconds * 1000 + 10_000 };
}

/** A subgraph may have its own database; otherwise all share DATABASE_URL. */
export function subgraphDatabaseUrl(name: SubgraphName): string | undefined {
  return process.env[`${envPrefix(name)}_DATABASE_URL`] ?? process.env.DATABASE_URL;
}

export function intFromEnv(key: string, fallback: number): number {
  const raw = process.env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${key} must be a non-negative integer, got "${raw}"`);
  return value;
}

export interface Secrets {
  /** HS256 secret for client JWTs (absent when JWKS_URL is used). */
  jwtSecret?: string;
  jwksUrl?: string;
  /** Shared by the gateway and the subgraphs to sign and verify upstream requests. */
  signingSecret: string;
}

/**
 * Secrets come from the environment. In development a missing secret is generated once into
 * `.data/secrets.json`, so that tokens stay valid across restarts; in production it is an error.
 */
export function loadSecrets(): Secrets {
  const jwksUrl = process.env.JWKS_URL || undefined;
  let jwtSecret = process.env.JWT_SECRET || undefined;
  let signingSecret = process.env.GATEWAY_SIGNING_SECRET || undefined;
  if (isProduction()) {
    if (!jwtSecret && !jwksUrl) throw new Error('NODE_ENV=production needs JWT_SECRET or JWKS_URL');
    if (!signingSecret) throw new Error('NODE_ENV=production needs GATEWAY_SIGNING_SECRET');
    return { jwtSecret, jwksUrl, signingSecret };
  }
  if ((!jwtSecret && !jwksUrl) || !signingSecret) {
    const dev = devSecrets();
    if (!jwtSecret && !jwksUrl) jwtSecret = dev.jwtSecret;
    signingSecret ??= dev.signingSecret;
  }
  return { jwtSecret, jwksUrl, signingSecret: signingSecret! };
}

function devSecrets(): { jwtSecret: string; signingSecret: string } {
  const file = path.join(dataDir(), 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  mkdirSync(dataDir(), { recursive: true });
  const secrets = {
    jwtSecret: randomBytes(32).toString('base64url'),
    signingSecret: randomBytes(32).toString('base64url'),
  };
  // 'wx' fails if another process created it first; then read theirs.
  try {
    writeFileSync(file, JSON.stringify(secrets, null, 2), { flag: 'wx', mode: 0o600 });
    return secrets;
  } catch {
    return JSON.parse(readFileSync(file, 'utf8'));
  }
}
