import { createHash, randomBytes } from 'node:crypto';

/** API keys start with this, so that the gateway tells them from JWTs at a glance. */
export const API_KEY_PREFIX = 'sme_';

/** 32 random bytes, base64url: 43 characters after the prefix. */
const API_KEY = /^sme_[A-Za-z0-9_-]{43}$/;

/** How much of a key is kept in the clear to tell keys apart (the prefix and 8 characters: 48 of 256 bits). */
const SHOWN_LENGTH = API_KEY_PREFIX.length + 8;

export const isApiKeyToken = (token: string) => token.startsWith(API_KEY_PREFIX);

export const isWellFormedApiKey = (token: string) => API_KEY.test(token);

/** A new key: the secret (shown once), what is stored of it, and what is shown of it afterwards. */
export function newApiKeySecret() {
  const secret = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, secretHash: hashApiKey(secret), prefix: secret.slice(0, SHOWN_LENGTH) };
}

/** SHA-256 is enough at 256 bits of entropy: nobody can guess a key, so there is nothing to slow down. */
export const hashApiKey = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Where the gateway asks the platform subgraph about a presented key (signed for `platform/api-keys/lookup`). */
export const API_KEY_LOOKUP_PATH = '/api-keys/lookup';

/** What the platform answers the gateway about a presented key (`POST /api-keys/lookup`). */
export interface ApiKeyIdentity {
  id: string;
  tenantId: string;
  scopes: string[];
  expiresAt: string | null;
  revokedAt: string | null;
}
