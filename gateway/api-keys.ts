import { API_KEY_LOOKUP_PATH, hashApiKey, isWellFormedApiKey, type ApiKeyIdentity } from '../lib/api-keys.js';
import { EVENT_SIGNATURE_HEADER, signDelivery } from '../lib/events/signature.js';
import { logger } from '../lib/logger.js';
import { AuthError, AuthUnavailable, type Caller } from './auth.js';

export interface ApiKeyCacheSettings {
  /** How long an answer about a key is used before the platform is asked again (API_KEY_CACHE_SECONDS). */
  ttlMs: number;
  /**
   * How long a cached answer may still be used while the platform cannot be reached. With the TTL
   * it bounds how late a revocation takes effect, so it stays at most 30 s.
   */
  maxStaleMs: number;
  /** How many keys (and unknown hashes) are remembered at most. */
  maxEntries: number;
}

export const API_KEY_CACHE_DEFAULTS: ApiKeyCacheSettings = { ttlMs: 20_000, maxStaleMs: 30_000, maxEntries: 10_000 };

interface Entry {
  key: ApiKeyIdentity | null;
  fetchedAt: number;
}

/** Keys that never expire are still signed upstream for a minute at a time (lib/auth.ts upstreamExpiry). */
const NEVER = Number.MAX_SAFE_INTEGER;

/**
 * Turns a presented `sme_` key into a Caller. The platform subgraph is asked once per key per TTL
 * (a signed `POST /api-keys/lookup` with the key's hash, never the key); in between, every request
 * is decided here without a database or network round trip, expiry included. Unknown hashes are
 * remembered too, so that guessing costs the platform nothing. Concurrent misses share one lookup.
 */
export function apiKeyAuthenticator(opts: {
  lookupUrl: string;
  signingSecret: string;
  settings?: Partial<ApiKeyCacheSettings>;
  timeoutMs?: number;
}) {
  const settings = { ...API_KEY_CACHE_DEFAULTS, ...opts.settings };
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Entry>>();
  const log = logger.child({ component: 'api-keys' });

  async function lookup(secretHash: string): Promise<Entry> {
    const body = JSON.stringify({ secretHash });
    const response = await fetch(opts.lookupUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [EVENT_SIGNATURE_HEADER]: signDelivery(opts.signingSecret, `platform${API_KEY_LOOKUP_PATH}`, body),
      },
      body,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 3000),
    });
    if (!response.ok) throw new Error(`the platform answered ${response.status}`);
    const { key } = (await response.json()) as { key: ApiKeyIdentity | null };
    const entry = { key, fetchedAt: Date.now() };
    entries.delete(secretHash); // re-inserted last: the Map's order is the eviction order
    entries.set(secretHash, entry);
    if (entries.size > settings.maxEntries) entries.delete(entries.keys().next().value!);
    return entry;
  }

  async function current(secretHash: string): Promise<Entry> {
    const cached = entries.get(secretHash);
    const age = cached ? Date.now() - cached.fetchedAt : Infinity;
    if (cached && age < settings.ttlMs) return cached;
    let pending = inFlight.get(secretHash);
    if (!pending) {
      pending = lookup(secretHash).finally(() => inFlight.delete(secretHash));
      inFlight.set(secretHash, pending);
    }
    try {
      return await pending;
    } catch (error) {
      if (cached && age < settings.maxStaleMs) return cached;
      log.warn({ err: error }, 'could not check an API key with the platform');
      throw new AuthUnavailable('API keys cannot be checked right now; try again shortly');
    }
  }

  return async function authenticateKey(token: string): Promise<Caller> {
    if (!isWellFormedApiKey(token)) throw new AuthError('Malformed API key');
    const { key } = await current(hashApiKey(token));
    if (!key) throw new AuthError('Unknown API key');
    if (key.revokedAt) throw new AuthError('The API key was revoked');
    const expires = key.expiresAt ? Date.parse(key.expiresAt) : null;
    if (expires !== null && expires <= Date.now()) throw new AuthError('The API key expired');
    return {
      tenantId: key.tenantId,
      userId: key.id,
      scopes: key.scopes,
      exp: expires === null ? NEVER : Math.floor(expires / 1000),
      kind: 'API_KEY',
    };
  };
}
