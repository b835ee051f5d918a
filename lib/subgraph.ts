import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse, type GraphQLResolveInfo } from 'graphql';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { outboxSink, type AuditSink, type AuditTrail } from './audit.js';
import type { ForwardedAuth } from './auth.js';
import { SUBGRAPHS, type SubgraphName } from './config.js';
import type { BaseContext } from './context.js';
import { enforceScopes } from './scope-enforcement.js';
import { writeContext, type WriteContext } from './transaction.js';
import type { Database, Queryable } from './db.js';
import { logger } from './logger.js';
import { scalarResolvers } from './scalars.js';
import { formatSubgraphError, type Subgraph } from './subgraph-server.js';
import { consumeEvent, parseEnvelope, type EventHandlers } from './events/inbox.js';
import type { Outbox } from './events/outbox.js';
import { listOutbox, replayOutbox, type AdminRequest } from './events/admin.js';
import { resolveOnce, type RequestIdempotency } from './idempotency/mutation.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const schemaFile = (name: string) => readFileSync(path.join(root, 'schema', `${name}.graphql`), 'utf8');

/** A subgraph's SDL: its own file after the shared types (schema/shared.graphql). */
export const readSdl = (name: string) => `${schemaFile(name)}\n${schemaFile('shared')}`;

/**
 * A request's context in a subgraph: the caller, the database, the request's DataLoaders (renewed
 * after each committed write, see lib/transaction.ts), where writes publish and record their
 * audit entries, and the clients of other services the subgraph calls.
 */
export type SubgraphContext<Loaders, Services = object> = BaseContext & {
  database: Database;
  loaders: Loaders;
  renewLoaders(): void;
  outbox: Outbox;
  audit: AuditTrail;
  /** The client's Idempotency-Key on a mutation (lib/idempotency/), or null. */
  idempotency: RequestIdempotency | null;
} & Services;

/** The loaders every subgraph has: its tenant's settings, read once per request. */
export interface TenantLoader<Settings> {
  tenant(): Promise<Settings>;
}

/** Who event handlers act as: the tenant of the event, no caller scopes. */
export const EVENT_USER = 'system:events';

type Resolve = (
  parent: unknown,
  args: { input?: unknown },
  ctx: SubgraphContext<unknown>,
  info: GraphQLResolveInfo,
) => unknown;

/**
 * Every Mutation resolver, noting its field and input on the request's audit trail first, for the
 * entry inTransaction writes with the change. Mutations run one after another, so the note is
 * the running one's; the context is not copied (inTransaction renews its loaders in place).
 * Under an Idempotency-Key, a field this subgraph already committed answers from its record.
 */
function audited(mutation: Record<string, unknown>): Record<string, unknown> {
  const note =
    (resolve: Resolve): Resolve =>
    (parent, args, ctx, info) => {
      ctx.audit.mutation = { field: info.fieldName, input: args.input ?? null };
      return resolveOnce(resolve, parent, args, ctx, info);
    };
  return Object.fromEntries(
    Object.entries(mutation).map(([field, resolver]) => {
      if (typeof resolver === 'function') return [field, note(resolver as Resolve)];
      const withResolve = resolver as { resolve?: Resolve };
      return [field, withResolve.resolve ? { ...withResolve, resolve: note(withResolve.resolve) } : resolver];
    }),
  );
}

/**
 * Builds a subgraph the same way for every domain: its SDL from schema/<name>.graphql, its
 * resolver map (typed by the subgraph from its generated types), scope checks from the SDL's
 * @requiresScopes, and a context per request with fresh DataLoaders. A tenant seen for the first
 * time is provisioned once per process.
 */
export function createSubgraph<
  Loaders extends TenantLoader<Settings>,
  Settings,
  Services extends object = object,
>(opts: {
  name: SubgraphName;
  /** The subgraph's resolver map (its resolvers/index.ts, typed `Resolvers` from generated/resolvers.ts). */
  resolvers: object;
  database: Database;
  /**
   * The request's loaders; when renewed after a write, `previous` is the set they replace (what the
   * write cannot have changed, such as another subgraph's answers, may be carried over).
   */
  createLoaders: (db: Queryable, tenantId: string, previous?: Loaders) => Loaders;
  provisionTenant: (db: Queryable, tenantId: string) => Promise<void>;
  /** Clients of other services the resolvers need (added to every request's context). */
  services?: Services;
  /** Where its mutations publish events (db/schema.ts's event tables). */
  outbox: Outbox;
  /** The events it consumes, each applied exactly once (events.ts). */
  consumes?: EventHandlers<WriteContext<Settings>>;
  /** Where its audit entries go: by default its outbox, to platform (lib/audit.ts). */
  auditSink?: AuditSink;
  /** Signed non-GraphQL endpoints for other services (lib/subgraph-server.ts). */
  internalRoutes?: Subgraph<SubgraphContext<Loaders, Services>>['internalRoutes'];
}): Subgraph<SubgraphContext<Loaders, Services>> {
  // The generated Resolvers type is checked where the map is written; @apollo/subgraph takes the untyped shape.
  const resolvers = { ...scalarResolvers, ...opts.resolvers } as GraphQLResolverMap<unknown>;
  if (resolvers.Mutation) resolvers.Mutation = audited(resolvers.Mutation as Record<string, unknown>) as never;
  const auditSink = opts.auditSink ?? outboxSink(opts.outbox);
  const schema = enforceScopes(buildSubgraphSchema({ typeDefs: parse(readSdl(opts.name)), resolvers }));
  const apollo = new ApolloServer<SubgraphContext<Loaders, Services>>({
    schema,
    formatError: formatSubgraphError,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const provisioned = new Map<string, Promise<void>>();
  const provision = (tenantId: string) => {
    let done = provisioned.get(tenantId);
    if (!done) {
      done = opts.provisionTenant(opts.database.db, tenantId).catch((error) => {
        provisioned.delete(tenantId);
        throw error;
      });
      provisioned.set(tenantId, done);
    }
    return done;
  };
  async function contextFor(auth: ForwardedAuth): Promise<SubgraphContext<Loaders, Services>> {
    await provision(auth.tenantId);
    const newLoaders = (previous?: Loaders) => opts.createLoaders(opts.database.db, auth.tenantId, previous);
    const ctx: SubgraphContext<Loaders, Services> = {
      tenantId: auth.tenantId,
      userId: auth.userId,
      actorKind: auth.actorKind ?? 'USER',
      clientIp: auth.clientIp ?? null,
      operationName: auth.operationName ?? null,
      scopes: new Set(auth.scopes),
      requestId: auth.requestId,
      log: logger.child({ subgraph: opts.name, requestId: auth.requestId, tenant: auth.tenantId }),
      database: opts.database,
      loaders: newLoaders(),
      renewLoaders() {
        this.loaders = newLoaders(this.loaders);
      },
      outbox: opts.outbox,
      audit: { service: opts.name, sink: auditSink, mutation: null },
      idempotency: auth.idempotency ? { ...auth.idempotency, schema: SUBGRAPHS[opts.name].schema, call: null } : null,
      ...(opts.services as Services),
    };
    return ctx;
  }
  return {
    name: opts.name,
    apollo,
    contextFor,
    outbox: opts.outbox,
    internalRoutes: opts.internalRoutes,
    async consume(body: unknown) {
      const event = parseEnvelope(body, opts.name);
      const ctx = await contextFor({
        tenantId: event.tenantId,
        userId: EVENT_USER,
        actorKind: 'EVENT',
        scopes: [],
        exp: 0,
        requestId: event.id,
      });
      // The settings are read before the handler's transaction opens, like every write's.
      const write = writeContext(ctx, await ctx.loaders.tenant());
      return consumeEvent(opts.database, opts.outbox.tables, opts.consumes ?? {}, event, write, ctx.audit);
    },
    async eventAdmin(request: AdminRequest) {
      if (request.action === 'replay')
        return { replayed: await replayOutbox(opts.database.db, opts.outbox, request.tenantId, request) };
      return listOutbox(opts.database.db, opts.outbox, request);
    },
    async health() {
      await opts.database.sql`select 1`;
    },
    async close() {
      await apollo.stop();
    },
  };
}
