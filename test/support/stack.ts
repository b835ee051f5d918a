import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { ALL_SCOPES } from '../../lib/auth.js';
import type { Secrets } from '../../lib/config.js';
import { connect, onQuery, type Database } from '../../lib/db.js';
import { serveSubgraph } from '../../lib/subgraph-server.js';
import { signToken } from '../../lib/tokens.js';
import { createGateway } from '../../gateway/index.js';
import { buildCustomerSubgraph } from '../../subgraphs/customer/index.js';

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
  headers: Headers;
}

/**
 * The whole graph in this test process: each subgraph on its own free port, the real gateway in
 * front over HTTP, one shared connection to the test database. A test convenience: the product
 * runs each as its own service (npm start).
 */
export async function startStack() {
  const secrets: Secrets = { jwtSecret: randomBytes(16).toString('hex'), signingSecret: randomBytes(16).toString('hex') };
  const database: Database = connect(inject('databaseUrl'), { max: 20 });
  const customer = buildCustomerSubgraph(database);
  await customer.apollo.start();
  const customerServer = await serveSubgraph(customer, { port: 0, signingSecret: secrets.signingSecret });
  const gateway = createGateway({ secrets, subgraphUrls: { customer: customerServer.url } });
  const server: Server = createServer(gateway);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const gatewayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

  const token = (tenantId: string, scopes: readonly string[] = ALL_SCOPES, extra: { userId?: string; expiresIn?: string | number } = {}) =>
    signToken(secrets.jwtSecret!, { tenantId, scopes, ...extra });

  async function post<T = any>(body: unknown, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const json = (await res.json()) as { data?: T; errors?: GraphQLResponse['errors'] };
    return { status: res.status, data: json.data, errors: json.errors, headers: res.headers };
  }

  return {
    secrets,
    database,
    gatewayUrl,
    subgraphUrls: { customer: customerServer.url },
    token,
    post,
    /** Runs an operation through the gateway as `auth` (a token string). */
    query: <T = any>(auth: string, query: string, variables?: Record<string, unknown>) =>
      post<T>({ query, variables }, { authorization: `Bearer ${auth}` }),
    async close() {
      server.close();
      server.closeAllConnections();
      await gateway.dispose();
      await customerServer.close();
      await customer.close();
      await database.close();
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

/** A fresh tenant id per test, so that tests never see each other's data. */
export const newTenant = (prefix = 't') => `${prefix}-${randomBytes(6).toString('hex')}`;

/**
 * Counts the SQL statements run for one tenant while `work` runs: every query filters on the
 * tenant id, so its presence among the parameters attributes the statement.
 */
export async function countStatements<T>(tenantId: string, work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const stop = onQuery((query, params) => {
    if (params.includes(tenantId)) statements.push(query);
  });
  try {
    return { result: await work(), statements };
  } finally {
    stop();
  }
}
