import { createHmac, timingSafeEqual } from 'node:crypto';

export const ALL_SCOPES = [
  'crm:read',
  'crm:write',
  'sales:read',
  'sales:write',
  'fulfilment:read',
  'fulfilment:write',
  'finance:read',
  'finance:write',
  'finance:credit-override',
  'admin',
] as const;

/** Tenant ids go into every key and log line: keep them short and plain. */
export const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Who acts: a person (JWT), an integration (API key), or an event handler (the event). */
export type ActorKind = 'USER' | 'API_KEY' | 'EVENT';

/** What the gateway forwards to subgraphs after verifying the client's JWT or API key. */
export interface ForwardedAuth {
  tenantId: string;
  /** The actor: the JWT's subject, or the API key's id. */
  userId: string;
  scopes: string[];
  /** USER when absent (internal calls act for the user who caused them). */
  actorKind?: ActorKind;
  /** The client's address as the gateway saw it (for the audit trail). */
  clientIp?: string | null;
  /** The client's operation name (subgraph operations are the planner's, not the client's). */
  operationName?: string | null;
  /**
   * When this signed request stops being valid (seconds since the epoch): at most a minute after
   * the gateway signed it (and never after the client's token expires), so a captured request
   * can't be replayed later.
   */
  exp: number;
  /** The subgraph the request was signed for: another subgraph refuses it. */
  aud?: string;
  requestId: string;
  /** The client's Idempotency-Key and request hash, on a mutation that holds the key (lib/idempotency/). */
  idempotency?: ForwardedIdempotency;
}

/** An Idempotency-Key as the gateway forwards it: the key, and the SHA-256 of the client's request. */
export interface ForwardedIdempotency {
  key: string;
  requestHash: string;
}

export const AUTH_EXTENSION = 'auth';
export const SIGNATURE_EXTENSION = 'hmac-signature';

/** JSON with sorted keys, so that both sides serialise the same value to the same bytes. */
export function stableStringify(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What is signed: the operation as sent, its variables, and the forwarded identity. */
function signedContent(query: string, variables: unknown, auth: ForwardedAuth): string {
  const vars = variables && typeof variables === 'object' && Object.keys(variables).length > 0 ? variables : null;
  return stableStringify({ query, variables: vars, auth });
}

export function signUpstream(secret: string, query: string, variables: unknown, auth: ForwardedAuth): string {
  return createHmac('sha256', secret)
    .update(signedContent(query, variables, auth))
    .digest('base64');
}

/** How long a signed upstream request stays valid. */
export const UPSTREAM_TTL_SECONDS = 60;

/** When a request signed now stops being valid: a minute from now, and never after the client's token. */
export const upstreamExpiry = (tokenExp: number, nowSeconds = Date.now() / 1000) =>
  Math.min(tokenExp, Math.floor(nowSeconds) + UPSTREAM_TTL_SECONDS);

/**
 * Checks that a subgraph request was signed by the gateway and is still within the token's
 * lifetime; returns the forwarded identity, or null when the request must be refused.
 */
export function verifyUpstream(
  secret: string,
  body: Record<string, unknown>,
  nowSeconds = Date.now() / 1000,
  audience?: string,
): ForwardedAuth | null {
  const extensions = body.extensions as Record<string, unknown> | undefined;
  const auth = extensions?.[AUTH_EXTENSION] as ForwardedAuth | undefined;
  const signature = extensions?.[SIGNATURE_EXTENSION];
  if (!auth || typeof signature !== 'string' || typeof body.query !== 'string') return null;
  if (typeof auth.tenantId !== 'string' || !TENANT_ID.test(auth.tenantId) || !Array.isArray(auth.scopes)) return null;
  if (typeof auth.exp !== 'number' || auth.exp < nowSeconds || auth.exp > nowSeconds + UPSTREAM_TTL_SECONDS + 5)
    return null;
  if (audience && auth.aud !== audience) return null;
  const keyed = auth.idempotency;
  if (keyed !== undefined && (typeof keyed?.key !== 'string' || typeof keyed.requestHash !== 'string')) return null;
  const expected = Buffer.from(signUpstream(secret, body.query, body.variables, auth));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? auth : null;
}
