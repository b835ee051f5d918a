import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../gateway/index.js';
import { startReplica } from '../support/gateway.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/**
 * Requests the gateway cannot read, introspection and field suggestions: every refusal is a 4xx
 * with `extensions.code` and a plain message, never a 500 or the JSON parser's internals.
 */
let stack: Stack;
let token: string;
beforeAll(async () => {
  stack = await startStack();
  token = await stack.token(newTenant());
});
afterAll(() => stack?.close());

/** One raw request to the gateway: the body as text, so that nothing in it escapes the assertions. */
async function send(init: RequestInit & { search?: string } = {}, fetchFn: typeof fetch = fetch) {
  const res = await fetchFn(`${stack.gatewayUrl}${init.search ?? ''}`, {
    method: 'POST',
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/graphql-response+json, application/json',
      ...(init.headers as Record<string, string>),
    },
  });
  const text = await res.text();
  const json = JSON.parse(text) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
  return {
    status: res.status,
    text,
    data: json.data,
    errors: json.errors?.map((e) => [e.extensions?.code, e.message]),
  };
}
const jsonBody = (body: string) => ({ headers: { 'content-type': 'application/json' }, body });

describe('requests the gateway cannot read', () => {
  it('answers invalid JSON 400 BAD_REQUEST with a plain message and none of the parser internals', async () => {
    for (const body of ['{"query": ', '{query}', '', "{'query': '{ tenant { id } }'}"]) {
      const res = await send(jsonBody(body));
      expect(res.status).toBe(400);
      expect(res.errors).toEqual([['BAD_REQUEST', 'The request body is not valid JSON']]);
      expect(res.text).not.toMatch(/originalError|SyntaxError|Unexpected|position|JSON input/);
    }
    const getVariables = await send({
      method: 'GET',
      search: `?query=${encodeURIComponent('{ tenant { id } }')}&variables={x`,
    });
    expect(getVariables.status).toBe(400);
    expect(getVariables.errors).toEqual([['BAD_REQUEST', 'The variables or extensions parameter is not valid JSON']]);
    expect(getVariables.text).not.toMatch(/originalError|SyntaxError/);
  });

  it('refuses a batch (a JSON array) with 400 BAD_REQUEST, running none of it', async () => {
    const res = await send(jsonBody(JSON.stringify([{ query: '{ tenant { id } }' }, { query: '{ tenant { id } }' }])));
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([['BAD_REQUEST', 'Batching is not supported.']]);
    expect(res.data).toBeUndefined();
  });

  it('refuses JSON that is not an object, and an object without a query, with 400 BAD_REQUEST', async () => {
    for (const [body, received] of [
      ['42', 'a number'],
      ['"{ tenant { id } }"', 'a string'],
      ['null', 'null'],
      ['true', 'a boolean'],
    ]) {
      const res = await send(jsonBody(body));
      expect(res.status).toBe(400);
      expect(res.errors).toEqual([['BAD_REQUEST', `The request body must be a JSON object, not ${received}`]]);
    }
    expect((await send(jsonBody('{}'))).errors).toEqual([['BAD_REQUEST', 'Must provide query string.']]);
    const variables = await send(jsonBody('{"query": "{ tenant { id } }", "variables": 3}'));
    expect(variables.status).toBe(400);
    expect(variables.errors?.[0][0]).toBe('BAD_REQUEST');
  });

  it('answers a body of another content type 415 UNSUPPORTED_MEDIA_TYPE (Yoga answered an empty 415)', async () => {
    const body = '{"query": "{ tenant { id } }"}';
    // Bytes, unlike a string, make fetch send no content type at all.
    for (const init of [
      { headers: { 'content-type': 'text/plain' }, body },
      { headers: { 'content-type': 'application/xml' }, body },
      { body: new TextEncoder().encode(body) },
    ]) {
      const res = await send(init);
      expect(res.status).toBe(415);
      expect(res.errors).toEqual([['UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json']]);
    }
  });

  it('refuses a mutation over GET and other methods with 405 BAD_REQUEST, changing nothing', async () => {
    const tenant = newTenant();
    const own = await stack.token(tenant);
    const mutation = 'mutation { createCustomer(input: {name: "Via GET"}) { customer { id } } }';
    const res = await send({
      method: 'GET',
      search: `?query=${encodeURIComponent(mutation)}`,
      headers: { authorization: `Bearer ${own}` },
    });
    expect(res.status).toBe(405);
    expect(res.errors).toEqual([['BAD_REQUEST', 'Can only perform a mutation operation from a POST request.']]);
    expect((await stack.query(own, '{ customers { totalCount } }')).data).toEqual({ customers: { totalCount: 0 } });
    const put = await send({ method: 'PUT', ...jsonBody('{"query": "{ tenant { id } }"}') });
    expect(put.status).toBe(405);
    expect(put.errors?.[0][0]).toBe('BAD_REQUEST');
  });

  it('authenticates before reading the body: invalid JSON without a token is 401', async () => {
    const res = await send({
      ...jsonBody('{"query": '),
      headers: { 'content-type': 'application/json', authorization: '' },
    });
    expect(res.status).toBe(401);
    expect(res.errors?.[0][0]).toBe('UNAUTHENTICATED');
  });
});

describe('introspection', () => {
  const introspection = '{ __schema { queryType { name } } __type(name: "Customer") { name } }';

  it('needs a valid credential: none or a bad one is 401 UNAUTHENTICATED, a JWT or an API key is answered', async () => {
    for (const authorization of ['', 'Bearer not-a-token', `Bearer ${token}x`]) {
      const res = await send({
        ...jsonBody(JSON.stringify({ query: introspection })),
        headers: { 'content-type': 'application/json', authorization },
      });
      expect(res.status).toBe(401);
      expect(res.errors?.[0][0]).toBe('UNAUTHENTICATED');
      expect(res.text).not.toContain('Customer');
    }
    const answer = { __schema: { queryType: { name: 'Query' } }, __type: { name: 'Customer' } };
    const byJwt = await stack.query(token, introspection);
    expect(byJwt.status).toBe(200);
    expect(byJwt.data).toEqual(answer);
    const admin = await stack.token(newTenant(), ['admin', 'crm:read']);
    const created = await stack.query(
      admin,
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
      { input: { name: 'Schema browser', scopes: ['crm:read'] } },
    );
    const byKey = await stack.query(created.data.createApiKey.secret, introspection);
    expect(byKey.status).toBe(200);
    expect(byKey.data).toEqual(answer);
  });

  it('still serves the GraphiQL page in development (GET accepting text/html, no token)', async () => {
    const res = await fetch(stack.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('graphiql');
  });
});

describe('field suggestions', () => {
  const typo = '{ custmers { totalCount } }';
  const enumTypo = {
    query: 'query($o: CustomerOrder) { customers(orderBy: $o) { totalCount } }',
    variables: { o: { field: 'NAMEE', direction: 'ASC' } },
  };

  it('are given in development', async () => {
    const res = await send(jsonBody(JSON.stringify({ query: typo })));
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([
      [
        'GRAPHQL_VALIDATION_FAILED',
        'Cannot query field "custmers" on type "Query". Did you mean "customers" or "customer"?',
      ],
    ]);
  });

  it('are off with NODE_ENV=production, in validation and in variables, and answers stay the same otherwise', async () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    const gateway = (() => {
      try {
        return createGateway({ secrets: stack.secrets, subgraphUrls: stack.subgraphUrls });
      } finally {
        process.env.NODE_ENV = previous;
      }
    })();
    const viaProduction: typeof fetch = (url, init) => Promise.resolve(gateway.fetch(url as string, init));
    try {
      const res = await send(jsonBody(JSON.stringify({ query: typo })), viaProduction);
      expect(res.status).toBe(400);
      expect(res.errors).toEqual([['GRAPHQL_VALIDATION_FAILED', 'Cannot query field "custmers" on type "Query".']]);
      const variables = await send(jsonBody(JSON.stringify(enumTypo)), viaProduction);
      expect(variables.status).toBe(400);
      expect(variables.errors).toEqual([
        [
          'BAD_USER_INPUT',
          'Variable "$o" got invalid value "NAMEE" at "o.field"; Value "NAMEE" does not exist in "CustomerOrderField" enum.',
        ],
      ]);
      expect(variables.text).not.toContain('Did you mean');
      const fine = await send(jsonBody(JSON.stringify({ query: '{ customers { totalCount } }' })), viaProduction);
      expect(fine.status).toBe(200);
      expect(fine.data).toEqual({ customers: { totalCount: 0 } });
    } finally {
      await gateway.dispose();
    }
  });
});

describe('logging', () => {
  it('serves requests that reach subgraphs with LOG_LEVEL=silent (Hive refused the level with a 500)', async () => {
    const previous = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'silent';
    const replica = await startReplica(stack);
    try {
      const res = await replica.query(await stack.token(newTenant()), '{ tenant { id } customers { totalCount } }');
      expect(res.status).toBe(200);
      expect(res.errors).toBeUndefined();
      expect(res.data.customers).toEqual({ totalCount: 0 });
    } finally {
      await replica.close();
      if (previous === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = previous;
    }
  });
});
