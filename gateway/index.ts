import { Logger } from '@graphql-hive/logger';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import http from '@graphql-mesh/transport-http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  apiKeyCacheSettings,
  costSettings,
  documentSettings,
  idempotencySettings,
  isProduction,
  operationLimits,
  rateLimitSettings,
  subgraphUrl,
  upstreamSettings,
  type Secrets,
} from '../lib/config.js';
import { logger } from '../lib/logger.js';
import { API_KEY_LOOKUP_PATH } from '../lib/api-keys.js';
import { apiKeyAuthenticator, type ApiKeyCacheSettings } from './api-keys.js';
import { cachedVerifier, createVerifier, validateFieldScopes, type Caller } from './auth.js';
import { useAnswerFullyForbidden, useErrorCodes, useGatewayAuth, type RequestState } from './plugins.js';
import { useBodyLimit, useOperationLimits } from './limits.js';
import { useSubgraphResilience } from './resilience.js';
import { loadDocumentManifest, trustedDocuments } from './documents.js';
import { useNoSuggestions, useReadableRequests } from './requests.js';
import { createCostCalculator, useQueryCost } from './cost.js';
import { createBucketStore, createThrottle } from './throttle.js';
import { useIdempotency } from './idempotency.js';
import { createIdempotencyStore } from './idempotency-store.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const GRAPHQL_PATH = '/graphql';

/** The levels Hive's Logger accepts in LOG_LEVEL. */
const HIVE_LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error']);

/** Hive's own log lines go through the same structured JSON logger as everything else. */
const hiveLogger = () => {
  const log = logger.child({ component: 'gateway-runtime' });
  const envLevel = process.env.LOG_LEVEL;
  // Hive's Logger checks LOG_LEVEL every time it makes one (for each subgraph call, too) and throws
  // on a level it does not know, such as pino's "silent": that request would be answered 500. Our
  // own logger has read LOG_LEVEL already, so Hive is shown a level it knows; its lines come here.
  if (envLevel !== undefined && !HIVE_LEVELS.has(envLevel)) process.env.LOG_LEVEL = 'error';
  return new Logger({
    level: envLevel === 'silent' || envLevel === 'false' ? false : 'info',
    writers: [{ write: (level, attrs, msg) => log[level === 'trace' ? 'debug' : level]({ attrs }, msg ?? '') }],
  });
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
  /** How long answers about API keys are cached (API_KEY_CACHE_SECONDS when not given). */
  apiKeyCache?: Partial<ApiKeyCacheSettings>;
  /** Timeout and breaker of subgraph calls (UPSTREAM_* from the environment when not given). */
  upstream?: Pick<ReturnType<typeof upstreamSettings>, 'timeoutMs' | 'failures' | 'openMs'>;
  /** The most an operation may cost (MAX_QUERY_COST when not given). */
  maxQueryCost?: number;
  /**
   * Each client's bucket (RATE_LIMIT_POINTS, RATE_LIMIT_RESTORE_RATE, REDIS_URL when not given);
   * `keyPrefix` names the Redis keys (tests sharing one Redis use their own).
   */
  rateLimit?: Partial<ReturnType<typeof rateLimitSettings>> & { keyPrefix?: string };
  /** Where Idempotency-Key outcomes are kept and for how long (IDEMPOTENCY_*, REDIS_URL when not given). */
  idempotency?: Partial<ReturnType<typeof idempotencySettings>> & { keyPrefix?: string };
}) {
  const upstream = opts.upstream ?? upstreamSettings();
  const limits = operationLimits();
  const documents = documentSettings();
  const production = isProduction();
  const supergraph = opts.supergraph ?? readFileSync(path.join(root, 'schema', 'supergraph.graphql'), 'utf8');
  const transportEntries = Object.fromEntries(
    Object.entries(opts.subgraphUrls ?? {}).map(([name, location]) => [name, { location }]),
  );
  const platformUrl = opts.subgraphUrls?.platform ?? subgraphUrl('platform');
  const authenticateKey = apiKeyAuthenticator({
    lookupUrl: platformUrl.replace(/\/graphql$/, API_KEY_LOOKUP_PATH),
    signingSecret: opts.secrets.signingSecret,
    settings: opts.apiKeyCache ?? apiKeyCacheSettings(),
  });
  const rateLimit = { ...rateLimitSettings(), ...opts.rateLimit };
  const throttle = createThrottle(rateLimit, createBucketStore(rateLimit));
  const idempotency = { ...idempotencySettings(), ...opts.idempotency };
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
    graphiql: !production,
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
    // The runtime's own persisted documents (documentId, or Apollo's sha256Hash), from a manifest file.
    persistedDocuments: documents.manifest
      ? trustedDocuments({
          documents: loadDocumentManifest(documents.manifest),
          trustedOnly: documents.trustedOnly,
          states,
        })
      : undefined,
    plugins: () => [
      useBodyLimit(limits.maxBodyBytes),
      useReadableRequests(),
      useOperationLimits(limits),
      useGatewayAuth({
        authenticators: { jwt: cachedVerifier(createVerifier(opts.secrets)), apiKey: authenticateKey },
        signingSecret: opts.secrets.signingSecret,
        graphqlPath: GRAPHQL_PATH,
        states,
      }),
      useQueryCost({
        calculate: createCostCalculator(supergraph),
        maxCost: opts.maxQueryCost ?? costSettings().maxCost,
        throttle,
      }),
      // After the cost plugin: a request refused for its cost or its rate never holds its key.
      useIdempotency({
        store: createIdempotencyStore(idempotency),
        ttlMs: idempotency.ttlSeconds * 1000,
        lockMs: idempotency.lockSeconds * 1000,
        graphqlPath: GRAPHQL_PATH,
        states,
      }),
      useAnswerFullyForbidden(),
      useErrorCodes(),
      ...(production ? [useNoSuggestions()] : []),
      useSubgraphResilience(upstream),
    ],
  });
}
