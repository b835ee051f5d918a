import { GraphQLError } from 'graphql';
import { AUTH_EXTENSION, SIGNATURE_EXTENSION, signUpstream, type ForwardedAuth } from './auth.js';
import type { BaseContext } from './context.js';

/** A service another subgraph depends on could not answer. */
export class DependencyUnavailable extends Error {}

/**
 * Calls another subgraph directly, signed like the gateway signs, on behalf of the current caller
 * (same tenant, user and request id) with just the scopes the call needs. Used where a write must
 * see its effect in another domain before it returns (lead conversion creating a customer).
 */
export function internalClient(opts: { url: string; signingSecret: string; timeoutMs?: number; audience?: string }) {
  return async function call<T>(ctx: BaseContext, scopes: string[], query: string, variables?: Record<string, unknown>): Promise<T> {
    const auth: ForwardedAuth = {
      tenantId: ctx.tenantId,
      userId: ctx.userId,
      scopes,
      exp: Math.floor(Date.now() / 1000) + 60,
      aud: opts.audience,
      requestId: ctx.requestId,
    };
    const extensions = { [AUTH_EXTENSION]: auth, [SIGNATURE_EXTENSION]: signUpstream(opts.signingSecret, query, variables, auth) };
    let response: Response;
    try {
      response = await fetch(opts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': ctx.requestId },
        body: JSON.stringify({ query, variables, extensions }),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
      });
    } catch (error) {
      throw new DependencyUnavailable(`${opts.url} did not answer: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => null)) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] } | null;
    if (!response.ok || !body || body.errors?.length) {
      const first = body?.errors?.[0];
      if (response.status >= 500 || !body) throw new DependencyUnavailable(`${opts.url} answered ${response.status}`);
      throw new GraphQLError(first?.message ?? 'Internal call failed', { extensions: { code: first?.extensions?.code ?? 'INTERNAL_SERVER_ERROR' } });
    }
    return body.data as T;
  };
}

export type InternalCall = ReturnType<typeof internalClient>;
