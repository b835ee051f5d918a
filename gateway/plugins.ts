import { defaultPrintFn } from '@graphql-tools/executor-common';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { getOperationAST, GraphQLError, Kind } from 'graphql';
import { AUTH_EXTENSION, SIGNATURE_EXTENSION, signUpstream, upstreamExpiry, type ForwardedAuth } from '../lib/auth.js';
import { logger } from '../lib/logger.js';
import { authenticate, AuthError, requestIdFrom, type Caller } from './auth.js';

export interface RequestState {
  requestId: string;
  started: number;
  caller?: Caller;
  operation?: string | null;
}

const json = (status: number, body: unknown, headers: Record<string, string>) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });

/**
 * Authenticates every GraphQL request (401 UNAUTHENTICATED before any parsing or planning),
 * forwards the verified identity to the subgraphs inside an HMAC signature, carries the request id
 * to subgraphs and back to the client, and logs one structured line per request.
 */
export function useGatewayAuth(opts: {
  verify: (token: string) => Promise<import('jose').JWTPayload>;
  signingSecret: string;
  graphqlPath: string;
  states: WeakMap<Request, RequestState>;
}): GatewayPlugin {
  const { states } = opts;
  const log = logger.child({ component: 'gateway' });

  return {
    async onRequest({ request, url, endResponse }) {
      const state: RequestState = {
        requestId: requestIdFrom(request.headers.get('x-request-id')),
        started: performance.now(),
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
        state.caller = await authenticate(opts.verify, request.headers.get('authorization'));
      } catch (error) {
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
      extendContext({ caller: state?.caller ?? null, requestId: state?.requestId } as any);
    },

    onExecute({ args }) {
      const state = states.get((args.contextValue as any).request);
      if (state)
        state.operation = getOperationAST(args.document, args.operationName)?.name?.value ?? args.operationName ?? null;
    },

    onSubgraphExecute({ executionRequest, subgraphName }) {
      const context = executionRequest.context as { caller?: Caller | null; requestId?: string } | undefined;
      const caller = context?.caller;
      if (!caller) return;
      const auth: ForwardedAuth = {
        ...caller,
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
