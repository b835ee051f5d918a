import type { ApiKeyIdentity } from '../../lib/api-keys.js';
export { API_KEY_LOOKUP_PATH } from '../../lib/api-keys.js';
import type { Database } from '../../lib/db.js';
import { useApiKey } from './db/queries.js';

/**
 * `POST /api-keys/lookup {secretHash}`, the gateway's question about a presented key. Answers who a key hash belongs to, with what the gateway needs to decide itself on every later
 * request (scopes, expiry, revocation), or `{ key: null }` for a hash no key has.
 */
export function apiKeyLookup(database: Database) {
  return async (body: unknown): Promise<{ key: ApiKeyIdentity | null } | null> => {
    const secretHash = (body as { secretHash?: unknown } | null)?.secretHash;
    if (typeof secretHash !== 'string' || !/^[0-9a-f]{64}$/.test(secretHash)) return null;
    const row = await useApiKey(database.db, secretHash);
    if (!row) return { key: null };
    return {
      key: {
        id: row.id,
        tenantId: row.tenantId,
        scopes: row.scopes,
        expiresAt: row.expiresAt?.toISOString() ?? null,
        revokedAt: row.revokedAt?.toISOString() ?? null,
      },
    };
  };
}
