import { GraphQLError } from 'graphql';
import { AUTH_EXTENSION, SIGNATURE_EXTENSION, signUpstream, upstreamExpiry, type ForwardedAuth } from '../auth.js';
import { CircuitBreaker } from '../circuit-breaker.js';
import { upstreamSettings } from '../config.js';
import type { BaseContext } from '../context.js';

/** Errors of the called service that are about the caller's request, and reach the caller as they are. */
const PASSED_ON = new Set(['NOT_FOUND', 'BAD_USER_INPUT', 'FORBIDDEN']);

/** A service another subgraph depends on could not answer. */
export class DependencyUnavailable extends Error {
  /** The request never reached the service (refused, reset): sending a read again is harmless. */
  constructor(
    message: string,
    readonly unreached = false,
  ) {
    super(message);
  }
}

/** An operation that only reads: safe to send again when the first attempt got no answer. */
const isRead = (operation: string) => /^\s*(query\b|\{)/.test(operation);

/**
 * Calls another subgraph directly, signed like the gateway signs, on behalf of the current caller
 * (same tenant, user and request id) with just the scopes the call needs: every call between
 * subgraphs (customer checks, lead field definitions, creating a lead's customer, the product
 * catalogue, credit reservations) goes through here.
 *
 * Each call has INTERNAL_TIMEOUT_MS (less than the gateway gives the caller, so that the caller can
 * still answer with its own error) and each client a circuit breaker: after UPSTREAM_BREAKER_FAILURES
 * calls in a row without an answer, calls fail at once (DependencyUnavailable) until a probe gets
 * through. A read the service never received (refused, reset) is sent once more; a write never is,
 * nor a call that timed out, as the first attempt may be doing its work (a caller that may retry a
 * write makes it idempotent, as credit reservations are, by order id).
 */
export function internalClient(opts: { url: string; signingSecret: string; timeoutMs?: number; audience?: string }) {
  const settings = upstreamSettings();
  const breaker = new CircuitBreaker(settings);

  async function attempt(ctx: BaseContext, body: string): Promise<Response> {
    if (!breaker.allows()) throw new DependencyUnavailable(`${opts.url} is failing: not called for now`);
    try {
      const response = await fetch(opts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': ctx.requestId },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? settings.internalTimeoutMs),
      });
      if (response.status >= 500) throw new DependencyUnavailable(`${opts.url} answered ${response.status}`);
      breaker.succeeded();
      return response;
    } catch (error) {
      breaker.failed();
      if (error instanceof DependencyUnavailable) throw error;
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new DependencyUnavailable(`${opts.url} did not answer: ${(error as Error).message}`, !timedOut);
    }
  }

  return async function call<T>(
    ctx: BaseContext,
    scopes: string[],
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<T> {
    const auth: ForwardedAuth = {
      tenantId: ctx.tenantId,
      userId: ctx.userId,
      actorKind: ctx.actorKind,
      clientIp: ctx.clientIp,
      operationName: ctx.operationName,
      scopes,
      exp: upstreamExpiry(Infinity),
      aud: opts.audience,
      requestId: ctx.requestId,
    };
    const extensions = {
      [AUTH_EXTENSION]: auth,
      [SIGNATURE_EXTENSION]: signUpstream(opts.signingSecret, query, variables, auth),
    };
    const body = JSON.stringify({ query, variables, extensions });
    let response: Response;
    try {
      response = await attempt(ctx, body);
    } catch (error) {
      const unreached = error instanceof DependencyUnavailable && error.unreached;
      if (!isRead(query) || !unreached || breaker.current === 'OPEN') throw error;
      response = await attempt(ctx, body);
    }
    const answer = (await response.json().catch(() => null)) as {
      data?: T;
      errors?: { message: string; extensions?: { code?: string } }[];
    } | null;
    // Anything but an answer to the operation (401 when secrets disagree, 400 when schemas do)
    // is the other service's problem, never the caller's: their token and input were fine.
    if (!response.ok || !answer) throw new DependencyUnavailable(`${opts.url} answered ${response.status}`);
    const first = answer.errors?.[0];
    if (first) {
      const code = first.extensions?.code ?? '';
      if (PASSED_ON.has(code)) throw new GraphQLError(first.message, { extensions: { code } });
      throw new Error(`${opts.url} failed: ${code} ${first.message}`);
    }
    return answer.data as T;
  };
}

export type InternalCall = ReturnType<typeof internalClient>;

/** The `_entities` call that asks an entity's owner which ids exist (validated against each owner's SDL by a test). */
export const existsQuery = (typename: string) =>
  `query Exist($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { id } } }`;

/** The subset of `ids` that are entities of `typename` in the caller's tenant, asked of their owner (one `_entities` call). */
export async function existingEntities(
  call: InternalCall,
  ctx: BaseContext,
  scopes: string[],
  typename: string,
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const data = await call<{ _entities: ({ id: string } | null)[] }>(ctx, scopes, existsQuery(typename), {
    r: ids.map((id) => ({ __typename: typename, id })),
  });
  return new Set(data._entities.filter((e): e is { id: string } => e !== null).map((e) => e.id));
}
