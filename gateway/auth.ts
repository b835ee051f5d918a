import { createGraphQLError } from '@graphql-tools/utils';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { randomUUID } from 'node:crypto';
import { isApiKeyToken } from '../lib/api-keys.js';
import { TENANT_ID } from '../lib/auth.js';
import type { Secrets } from '../lib/config.js';

/** The verified caller, as the gateway's context carries it. */
export interface Caller {
  tenantId: string;
  /** The JWT's subject, or the API key's id. */
  userId: string;
  scopes: string[];
  /** When the credential stops being valid (seconds since the epoch). */
  exp: number;
  /** USER for a JWT, API_KEY for an `sme_` key. */
  kind: 'USER' | 'API_KEY';
}

/** The credential was refused (401). */
export class AuthError extends Error {}

/** The credential could not be checked now (503): the service that knows API keys did not answer. */
export class AuthUnavailable extends Error {}

type Verifier = (token: string) => Promise<JWTPayload>;

/** How the gateway checks each kind of credential. */
export interface Authenticators {
  jwt: Verifier;
  apiKey: (token: string) => Promise<Caller>;
}

/**
 * Remembers tokens already verified, so that a client sending the same token with every request
 * pays for one signature check rather than one per request (about 0.1 ms of CPU each, measured
 * in `npm run bench`). An entry lasts until the token expires, and at most 5 minutes (JWKS keys
 * rotate); a token is only ever remembered after it verified.
 */
export function cachedVerifier(verify: Verifier, opts: { maxEntries?: number; maxAgeMs?: number } = {}): Verifier {
  const maxEntries = opts.maxEntries ?? 10_000;
  const maxAgeMs = opts.maxAgeMs ?? 5 * 60_000;
  const verified = new Map<string, { payload: JWTPayload; until: number }>();
  return async (token) => {
    const now = Date.now();
    const hit = verified.get(token);
    if (hit && hit.until > now) return hit.payload;
    if (hit) verified.delete(token);
    const payload = await verify(token);
    const until = Math.min(now + maxAgeMs, (payload.exp ?? 0) * 1000);
    if (until > now) {
      verified.set(token, { payload, until });
      if (verified.size > maxEntries) verified.delete(verified.keys().next().value!);
    }
    return payload;
  };
}

/** HS256 with JWT_SECRET, or the keys published at JWKS_URL (RS256/ES256). */
export function createVerifier(secrets: Secrets): Verifier {
  const options = {
    issuer: process.env.JWT_ISSUER || undefined,
    audience: process.env.JWT_AUDIENCE || undefined,
    requiredClaims: ['exp', 'tid', 'sub'],
  };
  if (secrets.jwksUrl) {
    const jwks = createRemoteJWKSet(new URL(secrets.jwksUrl));
    return async (token) => (await jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'ES256'] })).payload;
  }
  const key = new TextEncoder().encode(secrets.jwtSecret);
  return async (token) => (await jwtVerify(token, key, { ...options, algorithms: ['HS256'] })).payload;
}

/**
 * Verifies the bearer credential of a request into a Caller: an API key (`sme_...`) or a JWT.
 * Throws AuthError with a client-safe message (or AuthUnavailable).
 */
export async function authenticate(check: Authenticators, authorization: string | null): Promise<Caller> {
  const match = authorization?.match(/^Bearer\s+(\S+)$/i);
  if (!match) throw new AuthError('Missing bearer token');
  if (isApiKeyToken(match[1])) return check.apiKey(match[1]);
  let payload: JWTPayload;
  try {
    payload = await check.jwt(match[1]);
  } catch {
    throw new AuthError('Invalid or expired token');
  }
  const tenantId = payload.tid;
  if (typeof tenantId !== 'string' || !TENANT_ID.test(tenantId)) throw new AuthError('Token has no valid tenant (tid)');
  const scope = (payload as { scope?: unknown }).scope;
  return {
    tenantId,
    userId: String(payload.sub),
    scopes: typeof scope === 'string' ? scope.split(/\s+/).filter(Boolean) : [],
    exp: payload.exp!,
    kind: 'USER',
  };
}

/** A request id from the client is kept when it is plain; otherwise one is made. */
export function requestIdFrom(header: string | null): string {
  return header && /^[\w.-]{1,100}$/.test(header) ? header : randomUUID();
}

/**
 * genericAuth's check for one field: a token without the scopes an SDL directive requires gets a
 * FORBIDDEN error for that field, and the rest of the operation still runs.
 */
export function validateFieldScopes(params: {
  user: Caller | null;
  fieldNode: any;
  path: readonly (string | number)[];
  typeScopes?: string[][];
  fieldScopes?: string[][];
  userScopes: string[];
  parentType: { name: string };
  field: { name: string };
}) {
  for (const required of [params.typeScopes, params.fieldScopes]) {
    if (!required?.length) continue;
    if (!required.some((all) => all.every((s) => params.userScopes.includes(s)))) {
      return createGraphQLError(
        `Not allowed to read ${params.parentType.name}.${params.field.name}: needs scope ${required.map((s) => s.join(' and ')).join(' or ')}`,
        { nodes: [params.fieldNode], path: params.path as (string | number)[], extensions: { code: 'FORBIDDEN' } },
      );
    }
  }
  return undefined;
}
