import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createGraphQLError, type ExecutionRequest, type Executor } from '@graphql-tools/utils';
import { getOperationAST, Kind, type ExecutionResult, type SelectionSetNode } from 'graphql';
import { CircuitBreaker, type BreakerSettings } from '../lib/circuit-breaker.js';
import { logger } from '../lib/logger.js';

/** Codes the HTTP executor gives a call that got no usable answer (timeouts, bodies that are not GraphQL). */
const NO_ANSWER = new Set(['TIMEOUT_ERROR', 'RESPONSE_VALIDATION_FAILED']);

/**
 * A subgraph that did not answer: the executor reports a failed fetch, an abort or a timeout as a
 * result without data whose errors carry the transport's error (originalError). An answer with
 * errors of its own (FORBIDDEN, or a subgraph's own SERVICE_UNAVAILABLE) is an answer.
 */
function isNoAnswer(result: ExecutionResult) {
  const errors = result.errors ?? [];
  return (
    result.data == null &&
    errors.length > 0 &&
    errors.every((e) => e.originalError != null || NO_ANSWER.has(String(e.extensions?.code)))
  );
}

const keysOf = (selectionSet: SelectionSetNode): string[] =>
  selectionSet.selections.flatMap((s) => {
    if (s.kind === Kind.FIELD) return s.name.value === '__typename' ? [] : [s.alias?.value ?? s.name.value];
    if (s.kind === Kind.INLINE_FRAGMENT) return keysOf(s.selectionSet);
    return [];
  });

/**
 * The errors for a call a subgraph did not answer: one per field group it was asked for, at that
 * group's path, naming the service (`extensions.service`) and the fields left null. An entity
 * fetch (`_entities`) gets one per entity (the runtime maps `_entities` paths to the client's);
 * a root fetch one per root field.
 */
export function unavailableErrors(service: string, request: ExecutionRequest) {
  const operation = getOperationAST(request.document, request.operationName);
  const roots = operation ? operation.selectionSet.selections : [];
  const entities = roots.find((s) => s.kind === Kind.FIELD && s.name.value === '_entities');
  // A write that got no answer may still have been done: the client must read before writing again.
  const message =
    operation?.operation === 'mutation'
      ? `The ${service} service did not answer; whether this mutation was applied is unknown: read before trying again.`
      : `The ${service} service is unavailable; these fields are null. Try again shortly.`;
  const error = (path: (string | number)[], fields: string[]) =>
    createGraphQLError(message, { path, extensions: { code: 'SERVICE_UNAVAILABLE', service, fields } });
  if (entities?.kind === Kind.FIELD && entities.selectionSet) {
    const fields = keysOf(entities.selectionSet);
    const representations = (request.variables?.representations as unknown[] | undefined) ?? [];
    return representations.map((_, i) => error(['_entities', i, fields[0]], fields));
  }
  return operation ? keysOf(operation.selectionSet).map((key) => error([key], [key])) : [error([], [])];
}

/**
 * One domain down never takes the others with it: a subgraph that does not answer (refused,
 * reset, or past `timeoutMs`, when its call is aborted) leaves only
 * its own fields null, each group with a SERVICE_UNAVAILABLE error naming it, and the fields of
 * the other subgraphs still come back (cross-domain fields are nullable). After `failures` calls
 * in a row without an answer the subgraph is skipped for `openMs` (the same errors, at once),
 * then probed again.
 */
export function useSubgraphResilience(settings: BreakerSettings & { timeoutMs: number }): GatewayPlugin {
  const breakers = new Map<string, CircuitBreaker>();
  const log = logger.child({ component: 'gateway' });
  const breakerOf = (service: string) => {
    let breaker = breakers.get(service);
    if (!breaker) {
      breaker = new CircuitBreaker(settings, (state) => log.warn({ service, state }, 'subgraph circuit breaker'));
      breakers.set(service, breaker);
    }
    return breaker;
  };
  return {
    onSubgraphExecute({ subgraphName, executor, setExecutor }) {
      const breaker = breakerOf(subgraphName);
      const guarded = async (request: ExecutionRequest): Promise<ExecutionResult> => {
        if (!breaker.allows()) return { errors: unavailableErrors(subgraphName, request) };
        // The call is aborted at the timeout (the HTTP executor reports it as a TIMEOUT_ERROR result).
        const timeout = AbortSignal.timeout(settings.timeoutMs);
        const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
        let result: ExecutionResult;
        try {
          result = (await executor({ ...request, signal })) as ExecutionResult;
        } catch (error) {
          result = {
            errors: [createGraphQLError((error as Error).message ?? 'failed', { originalError: error as Error })],
          };
        }
        // The client went away: the subgraph is not to blame for the aborted call.
        if (request.signal?.aborted && !timeout.aborted) {
          breaker.released();
          return result;
        }
        if (isNoAnswer(result)) {
          breaker.failed();
          log.warn({ service: subgraphName, error: result.errors?.[0]?.message }, 'subgraph did not answer');
          return { errors: unavailableErrors(subgraphName, request) };
        }
        breaker.succeeded();
        return result;
      };
      setExecutor(guarded as Executor);
    },
  };
}
