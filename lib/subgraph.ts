import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ForwardedAuth } from './auth.js';
import { enforceScopes, type BaseContext } from './context.js';
import type { Database, Queryable } from './db.js';
import { logger } from './logger.js';
import { scalarResolvers } from './scalars.js';
import { formatSubgraphError, type Subgraph } from './subgraph-server.js';
import { consumeEvent, parseEnvelope, type EventHandlers } from './events/inbox.js';
import type { Outbox } from './events/outbox.js';
import { listOutbox, replayOutbox, type AdminRequest } from './events/admin.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const schemaFile = (name: string) => readFileSync(path.join(root, 'schema', `${name}.graphql`), 'utf8');

/** A subgraph's SDL: its own file after the shared types (schema/shared.graphql). */
export const readSdl = (name: string) => `${schemaFile(name)}\n${schemaFile('shared')}`;

export type SubgraphContext<Loaders> = BaseContext & { database: Database; loaders: Loaders; outbox: Outbox };

/** Who event handlers act as: the tenant of the event, no caller scopes. */
export const EVENT_USER = 'system:events';

/**
 * Builds a subgraph the same way for every domain: its SDL from schema/<name>.graphql, its
 * resolvers, scope checks from the SDL's @requiresScopes, and a context per request with fresh
 * DataLoaders. A tenant seen for the first time is provisioned once per process.
 */
export function createSubgraph<Loaders, Services extends object = object>(opts: {
  name: string;
  resolvers: Record<string, any>;
  database: Database;
  createLoaders: (db: Queryable, tenantId: string) => Loaders;
  provisionTenant: (db: Queryable, tenantId: string) => Promise<void>;
  /** Clients of other services the resolvers need (added to every request's context). */
  services?: Services;
  /** Where its mutations publish events (db/schema.ts's event tables). */
  outbox: Outbox;
  /** The events it consumes, each applied exactly once (events.ts). */
  consumes?: EventHandlers<SubgraphContext<Loaders> & Services>;
}): Subgraph<SubgraphContext<Loaders> & Services> {
  const schema = enforceScopes(
    buildSubgraphSchema({ typeDefs: parse(readSdl(opts.name)), resolvers: { ...scalarResolvers, ...opts.resolvers } }),
  );
  // Each mutation starts with fresh DataLoaders: what an earlier mutation of the same operation
  // cached must not be read back after this one changed it.
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve!;
    field.resolve = async (source, args, context: SubgraphContext<Loaders>, info) => {
      context.loaders = await readyLoaders(context.tenantId);
      return resolve(source, args, context, info);
    };
  }
  const apollo = new ApolloServer<SubgraphContext<Loaders> & Services>({
    schema,
    formatError: formatSubgraphError,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  /**
   * Fresh loaders for a write, with the tenant's settings already read. Writes read them inside
   * their transaction, and the loaders query through the pool: loading them there would hold the
   * transaction's connection while waiting for a second one, which a full pool never gives.
   */
  const readyLoaders = async (tenantId: string) => {
    const loaders = opts.createLoaders(opts.database.db, tenantId);
    await (loaders as { tenant?: () => Promise<unknown> }).tenant?.();
    return loaders;
  };
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
  async function contextFor(auth: ForwardedAuth): Promise<SubgraphContext<Loaders> & Services> {
    await provision(auth.tenantId);
    return {
      tenantId: auth.tenantId,
      userId: auth.userId,
      scopes: new Set(auth.scopes),
      requestId: auth.requestId,
      log: logger.child({ subgraph: opts.name, requestId: auth.requestId, tenant: auth.tenantId }),
      database: opts.database,
      loaders: opts.createLoaders(opts.database.db, auth.tenantId),
      outbox: opts.outbox,
      ...(opts.services as Services),
    };
  }
  return {
    name: opts.name,
    apollo,
    contextFor,
    outbox: opts.outbox,
    async consume(body: unknown) {
      const event = parseEnvelope(body, opts.name);
      const ctx = await contextFor({
        tenantId: event.tenantId,
        userId: EVENT_USER,
        scopes: [],
        exp: 0,
        requestId: event.id,
      });
      ctx.loaders = await readyLoaders(event.tenantId);
      return consumeEvent(opts.database, opts.outbox.tables, opts.consumes ?? {}, event, ctx);
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
