import { defaultPrintFn } from '@graphql-tools/executor-common';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { getOperationAST, GraphQLError, Kind } from 'graphql';
import { AUTH_EXTENSION, SIGNATURE_EXTENSION, signUpstream, upstreamExpiry, type ForwardedAuth } from '../lib/auth.js';
import { logger } from '../lib/logger.js';
import { authenticate, AuthError, AuthUnavailable, requestIdFrom, type Authenticators, type Caller } from './auth.js';
import type { KeyedRequest } from './idempotency.js';

export interface RequestState {
  requestId: string;
  started: number;
  caller?: Caller;
  operation?: string | null;
  /** The client's address: the socket's, or with TRUST_PROXY=true the first X-Forwarded-For hop. */
  clientIp: string | null;
  /** The request's Idempotency-Key, when it came with one (gateway/idempotency.ts). */
  idempotency?: KeyedRequest;
}

/** The address a request came from, for the audit trail. */
function clientIpOf(request: Request, serverContext: unknown): string | null {
  if (process.env.TRUST_PROXY === 'true') {
    const forwarded = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  const socket = (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req?.socket;
  return socket?.remoteAddress ?? null;
}

const json = (status: number, body: unknown, headers: Record<string, string>) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });

/**
 * Authenticates every GraphQL request with a JWT or an API key (401 UNAUTHENTICATED before any
 * parsing or planning),
 * forwards the verified identity to the subgraphs inside an HMAC signature, carries the request id
 * to subgraphs and back to the client, and logs one structured line per request.
 */
export function useGatewayAuth(opts: {
  authenticators: Authenticators;
  signingSecret: string;
  graphqlPath: string;
  states: WeakMap<Request, RequestState>;
}): GatewayPlugin {
  const { states } = opts;
  const log = logger.child({ component: 'gateway' });

  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      const state: RequestState = {
        requestId: requestIdFrom(request.headers.get('x-request-id')),
        started: performance.now(),
        clientIp: clientIpOf(request, serverContext),
      };
      states.set(request, state);
      if (url.pathname !== opts.graphqlPath) return;
      // The GraphiQL page itself is static; the queries it sends carry a token like any other.
      if (
        request.method === 'GET' &&
        !url.searchParams.has('query') &&
        request.headers.get('accept')?.includes('text/html')
      )
        return;
      try {
        state.caller = await authenticate(opts.authenticators, request.headers.get('authorization'));
      } catch (error) {
        if (error instanceof AuthUnavailable) {
          const body = { errors: [{ message: error.message, extensions: { code: 'SERVICE_UNAVAILABLE' } }] };
          return endResponse(json(503, body, { 'retry-after': '1', 'x-request-id': state.requestId }));
        }
        if (!(error instanceof AuthError)) throw error;
        endResponse(
          json(
            401,
            { errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED' } }] },
            { 'www-authenticate': 'Bearer', 'x-request-id': state.requestId },
          ),
        );
      }
    },

    onContextBuilding({ context, extendContext }) {
      const state = states.get(context.request);
      extendContext({ caller: state?.caller ?? null, requestId: state?.requestId, requestState: state } as any);
    },

    onExecute({ args }) {
      const state = states.get((args.contextValue as any).request);
      if (state)
        state.operation = getOperationAST(args.document, args.operationName)?.name?.value ?? args.operationName ?? null;
    },

    onSubgraphExecute({ executionRequest, subgraphName }) {
      const context = executionRequest.context as
        { caller?: Caller | null; requestId?: string; requestState?: RequestState } | undefined;
      const caller = context?.caller;
      if (!caller) return;
      const { kind, ...identity } = caller;
      // A mutation holding its Idempotency-Key: each subgraph records the key with its change.
      const keyed = context.requestState?.idempotency;
      const auth: ForwardedAuth = {
        ...(keyed?.claim && keyed.requestHash
          ? { idempotency: { key: keyed.key, requestHash: keyed.requestHash } }
          : {}),
        ...identity,
        actorKind: kind,
        clientIp: context.requestState?.clientIp ?? null,
        operationName: context.requestState?.operation ?? null,
        exp: upstreamExpiry(caller.exp),
        aud: subgraphName,
        requestId: context.requestId ?? '',
      };
      const query = defaultPrintFn(executionRequest.document);
      executionRequest.extensions = {
        ...executionRequest.extensions,
        [AUTH_EXTENSION]: auth,
        [SIGNATURE_EXTENSION]: signUpstream(opts.signingSecret, query, executionRequest.variables, auth),
      };
    },

    onFetch({ context, options, setOptions }) {
      const requestId = (context as { requestId?: string }).requestId;
      if (requestId)
        setOptions({
          ...options,
          headers: { ...(options.headers as Record<string, string>), 'x-request-id': requestId },
        });
    },

    onResponse({ request, response }) {
      const state = states.get(request);
      if (!state) return;
      response.headers.set('x-request-id', state.requestId);
      if (new URL(request.url).pathname !== opts.graphqlPath) return;
      log.info(
        {
          requestId: state.requestId,
          tenant: state.caller?.tenantId ?? null,
          operation: state.operation ?? null,
          status: response.status,
          ms: Math.round(performance.now() - state.started),
        },
        'request',
      );
    },
  };
}

/**
 * When scope checks remove every root field of an operation, the Rust query planner is handed an
 * empty document and fails with INTERNAL_SERVER_ERROR. Such an operation has nothing left to
 * run: answer it here, without planning, with data null (the FORBIDDEN errors are added by the
 * authorization plugin's result hook).
 */
export function useAnswerFullyForbidden(): GatewayPlugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      const selections =
        operation?.selectionSet.selections.filter((s) => s.kind !== Kind.FIELD || s.name.value !== '__typename') ?? [];
      if (operation && selections.length === 0 && operation.selectionSet.selections.length === 0) {
        setResultAndStopExecution({ data: null });
      }
    },
  };
}

/**
 * Every error a client sees carries `extensions.code`. Errors raised before execution starts
 * (a variable of the wrong type) come without one from graphql-js: they are the caller's to fix.
 */
export function useErrorCodes(): GatewayPlugin {
  const withCode = (error: any) =>
    error.extensions?.code
      ? error
      : new GraphQLError(error.message, {
          nodes: error.nodes,
          path: error.path,
          extensions: error.path
            ? { ...error.extensions, code: 'INTERNAL_SERVER_ERROR' }
            : { ...error.extensions, code: 'BAD_USER_INPUT', http: { status: 400 } },
        });
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !result || typeof result !== 'object' || !('errors' in result)) return;
      const errors = (result as { errors?: readonly any[] }).errors;
      if (!errors?.length || errors.every((e) => e.extensions?.code)) return;
      setResult({ ...(result as object), errors: errors.map(withCode) } as any);
    },
  };
}
