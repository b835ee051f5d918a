import { Logger } from '@graphql-hive/logger';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import http from '@graphql-mesh/transport-http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isProduction, operationLimits, upstreamSettings, type Secrets } from '../lib/config.js';
import { logger } from '../lib/logger.js';
import { createVerifier, validateFieldScopes, type Caller } from './auth.js';
import { useAnswerFullyForbidden, useErrorCodes, useGatewayAuth, type RequestState } from './plugins.js';
import { useBodyLimit, useOperationLimits } from './limits.js';
import { useSubgraphResilience } from './resilience.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const GRAPHQL_PATH = '/graphql';

/** Hive's own log lines go through the same structured JSON logger as everything else. */
const hiveLogger = () => {
  const log = logger.child({ component: 'gateway-runtime' });
  // Hive's Logger rejects LOG_LEVEL values it does not know (pino's "silent"); the level is given explicitly.
  const envLevel = process.env.LOG_LEVEL;
  delete process.env.LOG_LEVEL;
  try {
    return new Logger({
      level: envLevel === 'silent' || envLevel === 'false' ? false : 'info',
      writers: [{ write: (level, attrs, msg) => log[level === 'trace' ? 'debug' : level]({ attrs }, msg ?? '') }],
    });
  } finally {
    if (envLevel !== undefined) process.env.LOG_LEVEL = envLevel;
  }
};

/**
 * The gateway: Hive Gateway runtime with the Rust query planner over the committed supergraph,
 * JWT authentication, @requiresScopes/@authenticated enforcement and signed upstream requests.
 * `subgraphUrls` overrides where each subgraph lives (tests run them on free ports).
 */
export function createGateway(opts: {
  secrets: Secrets;
  subgraphUrls?: Record<string, string>;
  supergraph?: string;
  /** Timeout and breaker of subgraph calls (UPSTREAM_* from the environment when not given). */
  upstream?: Pick<ReturnType<typeof upstreamSettings>, 'timeoutMs' | 'failures' | 'openMs'>;
}) {
  const upstream = opts.upstream ?? upstreamSettings();
  const limits = operationLimits();
  const supergraph = opts.supergraph ?? readFileSync(path.join(root, 'schema', 'supergraph.graphql'), 'utf8');
  const transportEntries = Object.fromEntries(
    Object.entries(opts.subgraphUrls ?? {}).map(([name, location]) => [name, { location }]),
  );
  // Per-request state shared by the auth plugin and genericAuth (whose context hook runs first).
  const states = new WeakMap<Request, RequestState>();
  return createGatewayRuntime({
    supergraph,
    unifiedGraphHandler,
    transports: { http },
    transportEntries,
    graphqlEndpoint: GRAPHQL_PATH,
    healthCheckEndpoint: '/healthz',
    readinessCheckEndpoint: '/readyz',
    landingPage: false,
    graphiql: !isProduction(),
    requestId: false,
    logging: hiveLogger(),
    maskedErrors: true,
    genericAuth: {
      mode: 'protect-granular',
      resolveUserFn: (context: any) => states.get(context.request)?.caller ?? null,
      extractScopes: (user: any) => (user as Caller | null)?.scopes ?? [],
      validateUser: validateFieldScopes as any,
      rejectUnauthenticated: false,
    },
    plugins: () => [
      useBodyLimit(limits.maxBodyBytes),
      useOperationLimits(limits),
      useGatewayAuth({
        verify: createVerifier(opts.secrets),
        signingSecret: opts.secrets.signingSecret,
        graphqlPath: GRAPHQL_PATH,
        states,
      }),
      useAnswerFullyForbidden(),
      useErrorCodes(),
      useSubgraphResilience(upstream),
    ],
  });
}
