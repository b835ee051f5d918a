import { ApolloServer, HeaderMap } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { DependencyUnavailable } from './clients/internal-client.js';
import type { GraphQLFormattedError } from 'graphql';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyUpstream, type ForwardedAuth } from './auth.js';
import type { BaseContext } from './context.js';
import { PUBLIC_ERROR_CODES } from './errors.js';
import { logger } from './logger.js';
import { RejectedEvent } from './events/inbox.js';
import type { Outbox } from './events/outbox.js';
import { EVENT_SIGNATURE_HEADER, verifyDelivery } from './events/signature.js';
import { parseAdminRequest, type AdminRequest } from './events/admin.js';
import { TENANT_ID } from './auth.js';
import { isUuid } from './ids.js';

const MAX_BODY_BYTES = 1024 * 1024;

/** A subgraph as built by its index.ts: schema + resolvers + how to make a request's context. */
export interface Subgraph<TContext extends BaseContext> {
  name: string;
  apollo: ApolloServer<TContext>;
  contextFor(auth: ForwardedAuth): Promise<TContext>;
  outbox: Outbox;
  /** Applies a delivered event once; a repeat is recognised and changes nothing. */
  consume(event: unknown): Promise<'applied' | 'duplicate'>;
  /** Lists or replays this subgraph's outbox for the `events` admin query (lib/events/admin.ts). */
  eventAdmin(request: AdminRequest): Promise<unknown>;
  /**
   * Signed endpoints for other services besides GraphQL (path -> handler of the JSON body; the
   * handler answers null for a body it cannot read). Each is signed for the audience
   * `<subgraph><path>`, like event deliveries (lib/events/signature.ts).
   */
  internalRoutes?: Record<string, (body: unknown) => Promise<unknown>>;
  /** Resolves when the subgraph can serve, including its database. */
  health(): Promise<void>;
  close(): Promise<void>;
}

/** Errors a client may see pass through; anything else is logged and masked. */
export function formatSubgraphError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (unwrapResolverError(error) instanceof DependencyUnavailable) {
    logger.warn({ err: error, path: formatted.path }, 'a service this subgraph depends on is unavailable');
    return {
      message: 'A service this request depends on is unavailable; try again shortly',
      path: formatted.path,
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PUBLIC_ERROR_CODES.has(code)) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  logger.error({ err: error, path: formatted.path }, 'unexpected resolver error');
  return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

const errorBody = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

/** A body over MAX_BODY_BYTES: answered 413 (the rest is read and dropped, so the client gets the answer). */
class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () =>
      size > MAX_BODY_BYTES ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}

/**
 * `POST /events`: a relay delivering an event. Only signed deliveries addressed to this subgraph
 * are read. 200 once the effect is committed (or was already); 4xx when the event can never apply
 * (the relay dead-letters it); 5xx when trying again later may work.
 */
async function receiveEvent(
  subgraph: Subgraph<any>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  secret: string,
) {
  const raw = await readBody(req);
  const signature = req.headers[EVENT_SIGNATURE_HEADER];
  if (!verifyDelivery(secret, subgraph.name, raw, typeof signature === 'string' ? signature : undefined)) {
    logger.warn(
      { subgraph: subgraph.name, remote: req.socket.remoteAddress },
      'refused an event delivery without a valid signature',
    );
    return send(res, 401, errorBody('Event deliveries must be signed by a relay', 'UNAUTHENTICATED'));
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return send(res, 400, errorBody('The body must be JSON', 'BAD_REQUEST'));
  }
  const { id: event, type } = (body ?? {}) as { id?: unknown; type?: unknown };
  try {
    const status = await subgraph.consume(body);
    logger.info({ subgraph: subgraph.name, event, type, status }, 'event consumed');
    return send(res, 200, { status });
  } catch (error) {
    if (error instanceof RejectedEvent) {
      logger.error({ subgraph: subgraph.name, event, reason: error.message }, 'event rejected');
      return send(res, 422, errorBody(error.message, 'EVENT_REJECTED'));
    }
    logger.error({ subgraph: subgraph.name, err: error, event }, 'event handler failed; the relay will retry');
    return send(res, 500, errorBody('The event could not be applied now', 'INTERNAL_SERVER_ERROR'));
  }
}

/** The audience admin requests are signed for: not the same as event deliveries to the subgraph. */
export const adminAudience = (subgraph: string) => `${subgraph}/admin`;

/**
 * `POST /events/admin`: the `events` query and `replayEvent` of the subgraph that serves them, asking
 * this one about its outbox. Signed like event deliveries, for this subgraph's admin audience.
 */
async function answerEventAdmin(
  subgraph: Subgraph<any>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  secret: string,
) {
  const raw = await readBody(req);
  const signature = req.headers[EVENT_SIGNATURE_HEADER];
  if (
    !verifyDelivery(secret, adminAudience(subgraph.name), raw, typeof signature === 'string' ? signature : undefined)
  ) {
    return send(res, 401, errorBody('Admin requests must be signed', 'UNAUTHENTICATED'));
  }
  let request: AdminRequest | null = null;
  try {
    request = parseAdminRequest(JSON.parse(raw), isUuid, TENANT_ID);
  } catch {
    // not JSON: answered below
  }
  if (!request) return send(res, 400, errorBody('Malformed admin request', 'BAD_REQUEST'));
  return send(res, 200, await subgraph.eventAdmin(request));
}

/** `POST <path>` of one of the subgraph's internal routes: signed for `<subgraph><path>`, JSON in and out. */
async function answerInternal(
  subgraph: Subgraph<any>,
  handler: (body: unknown) => Promise<unknown>,
  path: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  secret: string,
) {
  const raw = await readBody(req);
  const signature = req.headers[EVENT_SIGNATURE_HEADER];
  if (!verifyDelivery(secret, `${subgraph.name}${path}`, raw, typeof signature === 'string' ? signature : undefined))
    return send(res, 401, errorBody('Internal requests must be signed', 'UNAUTHENTICATED'));
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return send(res, 400, errorBody('The body must be JSON', 'BAD_REQUEST'));
  }
  const answer = await handler(body);
  if (answer === null) return send(res, 400, errorBody('Malformed request', 'BAD_REQUEST'));
  return send(res, 200, answer);
}

/**
 * Serves a subgraph over HTTP: `GET /healthz`, and `POST /graphql` for requests that carry the
 * gateway's signature. Anything unsigned is answered 401 before GraphQL runs.
 */
export async function serveSubgraph<TContext extends BaseContext>(
  subgraph: Subgraph<TContext>,
  opts: { port: number; host?: string; signingSecret: string },
): Promise<{ url: string; eventsUrl: string; close(): Promise<void> }> {
  const log = logger.child({ subgraph: subgraph.name });
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (url.pathname === '/healthz' && req.method === 'GET') {
        await subgraph.health();
        return send(res, 200, { status: 'ok' });
      }
      if (url.pathname === '/events' && req.method === 'POST')
        return await receiveEvent(subgraph, req, res, opts.signingSecret);
      if (url.pathname === '/events/admin' && req.method === 'POST')
        return await answerEventAdmin(subgraph, req, res, opts.signingSecret);
      const internal = subgraph.internalRoutes?.[url.pathname];
      if (internal && req.method === 'POST')
        return await answerInternal(subgraph, internal, url.pathname, req, res, opts.signingSecret);
      if (url.pathname !== '/graphql') return send(res, 404, errorBody('Not found', 'NOT_FOUND'));
      if (req.method !== 'POST') return send(res, 405, errorBody('Use POST', 'BAD_REQUEST'));
      const started = performance.now();
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(await readBody(req));
      } catch (error) {
        if (error instanceof BodyTooLarge) throw error;
        return send(res, 400, errorBody('Request body must be a JSON object', 'BAD_REQUEST'));
      }
      if (!body || typeof body !== 'object')
        return send(res, 400, errorBody('Request body must be a JSON object', 'BAD_REQUEST'));
      const auth = verifyUpstream(opts.signingSecret, body, Date.now() / 1000, subgraph.name);
      if (!auth) {
        log.warn({ remote: req.socket.remoteAddress }, 'refused a request without a valid gateway signature');
        return send(res, 401, errorBody('Requests must come through the gateway', 'UNAUTHENTICATED'));
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers.set(key, value);
      }
      const result = await subgraph.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: 'POST', headers, search: url.search, body },
        context: () => subgraph.contextFor(auth),
      });
      res.statusCode = result.status ?? 200;
      for (const [key, value] of result.headers) res.setHeader(key, value);
      if (result.body.kind === 'complete') res.end(result.body.string);
      else {
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
      }
      log.info(
        {
          requestId: auth.requestId,
          tenant: auth.tenantId,
          operation: body.operationName ?? null,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    } catch (error) {
      if (error instanceof BodyTooLarge)
        return send(res, 413, errorBody(`The body is over ${MAX_BODY_BYTES} bytes`, 'PAYLOAD_TOO_LARGE'));
      log.error({ err: error }, 'request failed');
      if (!res.headersSent)
        send(res, url.pathname === '/healthz' ? 503 : 500, errorBody('Internal server error', 'INTERNAL_SERVER_ERROR'));
      else res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(opts.port, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    eventsUrl: `http://127.0.0.1:${port}/events`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
