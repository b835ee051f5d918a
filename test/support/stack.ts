import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { ALL_SCOPES } from '../../lib/auth.js';
import { onQuery } from '../../lib/db.js';
import { signToken } from '../../lib/tokens.js';
import { startLocalGraph } from '../../scripts/local-graph.js';

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
  headers: Headers;
}

const runningGraphs = new Set<Awaited<ReturnType<typeof startLocalGraph>>>();

/** The whole graph in this test process, on the test database, with helpers to call it. */
export async function startStack(opts: Parameters<typeof startLocalGraph>[1] = {}) {
  const graph = await startLocalGraph(inject('databaseUrl'), opts);
  const { secrets, gatewayUrl } = graph;
  runningGraphs.add(graph);

  const token = (
    tenantId: string,
    scopes: readonly string[] = ALL_SCOPES,
    extra: { userId?: string; expiresIn?: string | number } = {},
  ) => signToken(secrets.jwtSecret!, { tenantId, scopes, ...extra });

  async function post<T = any>(body: unknown, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const json = (await res.json()) as { data?: T; errors?: GraphQLResponse['errors'] };
    return { status: res.status, data: json.data, errors: json.errors, headers: res.headers };
  }

  return {
    ...graph,
    close: () => {
      runningGraphs.delete(graph);
      return graph.close();
    },
    token,
    post,
    /** Runs an operation through the gateway as `auth` (a token string). */
    query: <T = any>(auth: string, query: string, variables?: Record<string, unknown>) =>
      post<T>({ query, variables }, { authorization: `Bearer ${auth}` }),
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

/** A fresh tenant id per test, so that tests never see each other's data. */
export const newTenant = (prefix = 't') => `${prefix}-${randomBytes(6).toString('hex')}`;

/**
 * Counts the SQL statements run for one tenant while `work` runs: every query filters on the
 * tenant id, so its presence among the parameters attributes the statement.
 */
export async function countStatements<T>(
  tenantId: string,
  work: () => Promise<T>,
): Promise<{ result: T; statements: string[] }> {
  // Events still on their way would be counted too: deliver them first.
  await Promise.all([...runningGraphs].map((g) => g.settle()));
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

/**
 * Seeds a fresh tenant with `n` rows (`seed`), then counts the SQL statements of one list query
 * through the gateway; the tenant is provisioned first so that its set-up isn't counted.
 */
export async function statementsForList(
  stack: Stack,
  seed: (tenantId: string, n: number) => Promise<unknown>,
  query: string,
  n: number,
) {
  const tenantId = newTenant();
  await seed(tenantId, n);
  const token = await stack.token(tenantId);
  await stack.query(token, '{ tenant { id } }');
  const { result, statements } = await countStatements(tenantId, () => stack.query(token, query));
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return { statements, result };
}
