import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createGraphQLError } from '@graphql-tools/utils';
import { getOperationAST } from 'graphql';
import { createHash } from 'node:crypto';
import { stableStringify } from '../lib/auth.js';
import type { Caller } from './auth.js';
import type { IdempotencyStore, KeptResponse } from './idempotency-store.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotency-replayed';

/** A request that came with an Idempotency-Key, as it goes through the gateway. */
export interface KeyedRequest {
  key: string;
  /** SHA-256 of the GraphQL request (query, operation name, variables, extensions). */
  requestHash?: string;
  /** Set when this request holds the key: its outcome is kept when it is final. */
  claim?: { storeKey: string; owner: string };
  /** Set when an earlier request's outcome answers this one. */
  replay?: KeptResponse;
}

/**
 * The key as sent: bare, or as the IETF draft's structured-field string (`"..."`). It must be 1 to
 * 255 printable ASCII characters; anything else is refused rather than guessed at.
 */
export function parseIdempotencyKey(header: string): string | null {
  const key = /^".*"$/s.test(header) && header.length >= 2 ? header.slice(1, -1).replace(/\\(["\\])/g, '$1') : header;
  return /^[\x20-\x7e]{1,255}$/.test(key) ? key : null;
}

/** What "the same request" means: the same GraphQL parameters, whatever the JSON's key order or spacing. */
export const requestHashOf = (params: Record<string, unknown>) =>
  createHash('sha256')
    .update(stableStringify({ ...params }))
    .digest('hex');

/**
 * A key belongs to its tenant and its actor (a user, or an API key): the same key from anyone else
 * is another key. Hashed, so that no user id or key can make two scopes read as one.
 */
const scopedKey = (caller: Caller, key: string) =>
  `${caller.tenantId}:${createHash('sha256')
    .update(JSON.stringify([caller.kind, caller.userId, key]))
    .digest('base64url')}`;

/**
 * Answers that say nothing final about the outcome, or that the caller may fix and send again (a
 * scope it lacked): the key is released, so that a retry runs again. That is always safe: what a
 * subgraph committed under the key, it answers from its record rather than applying it again.
 */
const NOT_KEPT = new Set([
  'FORBIDDEN',
  'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
  'IDEMPOTENCY_KEY_IN_USE',
  'IDEMPOTENCY_KEY_REUSED',
]);

const errorCodesOf = (body: string): string[] => {
  try {
    const errors = (JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] }).errors ?? [];
    return errors.map((e) => String(e.extensions?.code ?? ''));
  } catch {
    return [];
  }
};

const refusal = (message: string, code: string, status: number, headers: Record<string, string> = {}) => ({
  errors: [createGraphQLError(message, { extensions: { code, http: { status, headers } } })],
});

const json = (status: number, body: unknown, headers: Record<string, string>) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });

/**
 * Idempotency-Key on mutations (the IETF httpapi draft, with Stripe's semantics). The first
 * request with a key holds it while it runs (a repeat meanwhile: 409 IDEMPOTENCY_KEY_IN_USE) and
 * its final answer, userErrors included, is kept for `ttlMs`: a repeat of the same request gets
 * that answer again with `Idempotency-Replayed: true` and runs nothing, another request with the
 * key is 422 IDEMPOTENCY_KEY_REUSED. An answer that leaves the outcome unknown (a fault, a subgraph
 * that did not answer) is not kept: the retry runs again, and each subgraph, which recorded the key
 * with the change it committed (lib/idempotency/), answers from that record instead of applying
 * it twice. A key on a query is ignored: a query changes nothing.
 */
export function useIdempotency(opts: {
  store: IdempotencyStore;
  ttlMs: number;
  lockMs: number;
  graphqlPath: string;
  states: WeakMap<Request, { requestId: string; caller?: Caller; idempotency?: KeyedRequest }>;
}): GatewayPlugin {
  const { store, states } = opts;
  return {
    onRequest({ request, url, endResponse }) {
      const header = request.headers.get(IDEMPOTENCY_HEADER);
      if (header === null || url.pathname !== opts.graphqlPath || request.method !== 'POST') return;
      const state = states.get(request);
      if (!state?.caller) return;
      const key = parseIdempotencyKey(header);
      if (key === null) {
        const message = 'Idempotency-Key must be 1 to 255 printable ASCII characters';
        return endResponse(
          json(
            400,
            { errors: [{ message, extensions: { code: 'IDEMPOTENCY_KEY_INVALID' } }] },
            {
              'x-request-id': state.requestId,
            },
          ),
        );
      }
      state.idempotency = { key };
    },

    onParams({ params, request }) {
      const keyed = states.get(request)?.idempotency;
      if (keyed) keyed.requestHash = requestHashOf(params as Record<string, unknown>);
    },

    async onExecute({ args, setResultAndStopExecution }) {
      const state = states.get((args.contextValue as { request: Request }).request);
      const keyed = state?.idempotency;
      if (!keyed?.requestHash || !state?.caller) return;
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') {
        state.idempotency = undefined;
        return;
      }
      const storeKey = scopedKey(state.caller, keyed.key);
      const found = await store.begin(storeKey, keyed.requestHash, opts.lockMs);
      if (found.state === 'claimed') {
        keyed.claim = { storeKey, owner: found.owner };
        return;
      }
      if (found.requestHash !== keyed.requestHash)
        return setResultAndStopExecution(
          refusal(
            'This Idempotency-Key was used for another request; send a new key for a new request',
            'IDEMPOTENCY_KEY_REUSED',
            422,
          ),
        );
      if (found.state === 'in-progress')
        return setResultAndStopExecution(
          refusal(
            'A request with this Idempotency-Key is still running; retry shortly',
            'IDEMPOTENCY_KEY_IN_USE',
            409,
            {
              'retry-after': '1',
            },
          ),
        );
      keyed.replay = found.response;
      // The kept answer replaces the whole response (onResponse); nothing is planned or run.
      setResultAndStopExecution({ data: null });
    },

    async onResponse({ request, response, setResponse }) {
      const state = states.get(request);
      const keyed = state?.idempotency;
      if (!state || !keyed) return;
      if (keyed.replay) {
        const { status, body, contentType } = keyed.replay;
        return setResponse(
          new Response(body, {
            status,
            headers: { 'content-type': contentType, [REPLAYED_HEADER]: 'true', 'x-request-id': state.requestId },
          }),
        );
      }
      const claim = keyed.claim;
      if (!claim) return;
      const body = await response.clone().text();
      const codes = errorCodesOf(body);
      if (response.status >= 500 || codes.some((code) => NOT_KEPT.has(code))) {
        await store.release(claim.storeKey, claim.owner);
        // A subgraph knew the key for another request (this gateway did not: restarted, or another replica's memory).
        if (codes.includes('IDEMPOTENCY_KEY_REUSED'))
          setResponse(new Response(body, { status: 422, headers: response.headers }));
        return;
      }
      const contentType = response.headers.get('content-type') ?? 'application/json; charset=utf-8';
      await store.finish(
        claim.storeKey,
        claim.owner,
        keyed.requestHash!,
        { status: response.status, body, contentType },
        opts.ttlMs,
      );
    },

    onDispose: () => store.close(),
  };
}
