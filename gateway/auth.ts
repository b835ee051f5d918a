import { createGraphQLError } from '@graphql-tools/utils';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { randomUUID } from 'node:crypto';
import { TENANT_ID } from '../lib/auth.js';
import type { Secrets } from '../lib/config.js';

/** The verified caller, as the gateway's context carries it. */
export interface Caller {
  tenantId: string;
  userId: string;
  scopes: string[];
  exp: number;
}

export class AuthError extends Error {}

type Verifier = (token: string) => Promise<JWTPayload>;

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

/** Verifies the bearer token of a request into a Caller; throws AuthError with a client-safe message. */
export async function authenticate(verify: Verifier, authorization: string | null): Promise<Caller> {
  const match = authorization?.match(/^Bearer\s+(\S+)$/i);
  if (!match) throw new AuthError('Missing bearer token');
  let payload: JWTPayload;
  try {
    payload = await verify(match[1]);
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
