import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedVerifier } from '../../gateway/auth.js';
import { AUTH_EXTENSION, SIGNATURE_EXTENSION, signUpstream, type ForwardedAuth } from '../../lib/auth.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const LIST = '{ customers { totalCount } }';

async function rawToken(claims: Record<string, unknown>, secret: string, exp: number | string = '1h') {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('u1')
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
}

describe('authentication at the gateway', () => {
  it('refuses a request without a token with 401 UNAUTHENTICATED', async () => {
    const res = await stack.post({ query: LIST });
    expect(res.status).toBe(401);
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.data).toBeUndefined();
  });

  it('refuses a token with a bad signature, an expired token and a token without a tenant', async () => {
    const tenant = newTenant();
    const forged = await rawToken({ tid: tenant, scope: 'crm:read' }, 'not-the-secret');
    const expired = await rawToken(
      { tid: tenant, scope: 'crm:read' },
      stack.secrets.jwtSecret!,
      Math.floor(Date.now() / 1000) - 60,
    );
    const noTenant = await rawToken({ scope: 'crm:read' }, stack.secrets.jwtSecret!);
    const badTenant = await rawToken({ tid: 'Robert"); DROP TABLE', scope: 'crm:read' }, stack.secrets.jwtSecret!);
    for (const token of [forged, expired, noTenant, badTenant, 'garbage']) {
      const res = await stack.query(token, LIST);
      expect(res.status).toBe(401);
      expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('remembers a verified token only until it expires', async () => {
    const tenant = newTenant();
    const exp = Math.floor(Date.now() / 1000) + 5;
    const token = await rawToken({ tid: tenant, scope: 'crm:read' }, stack.secrets.jwtSecret!, exp);
    expect((await stack.query(token, LIST)).status).toBe(200);
    expect((await stack.query(token, LIST)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 100));
    const expired = await stack.query(token, LIST);
    expect(expired.status).toBe(401);
    expect(expired.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('verifies a token once while it is remembered, and never remembers a refused one', async () => {
    let calls = 0;
    const verify = cachedVerifier(async (token) => {
      calls++;
      if (token === 'bad') throw new Error('bad signature');
      return { tid: 't', sub: 'u', exp: Math.floor(Date.now() / 1000) + 60 };
    });
    await verify('good');
    await verify('good');
    expect(calls).toBe(1);
    await expect(verify('bad')).rejects.toThrow();
    await expect(verify('bad')).rejects.toThrow();
    expect(calls).toBe(3);
  });

  it('provisions a tenant seen for the first time with defaults', async () => {
    const tenant = newTenant('fresh');
    const res = await stack.query(await stack.token(tenant, ['crm:read']), '{ tenant { id baseCurrency } }');
    expect(res.data.tenant).toEqual({ id: tenant, baseCurrency: 'CNY' });
  });
});

describe('scopes', () => {
  it('answers FORBIDDEN for a field the token may not read, and still runs the rest', async () => {
    const token = await stack.token(newTenant(), ['sales:read']);
    const res = await stack.query(token, `{ tenant { baseCurrency } ${LIST.slice(1, -1)} }`);
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ tenant: { baseCurrency: 'CNY' }, customers: null });
    expect(res.errors).toHaveLength(1);
    expect(res.errors?.[0]).toMatchObject({ path: ['customers'], extensions: { code: 'FORBIDDEN' } });
  });

  it('answers an operation whose every root field is forbidden without planning it', async () => {
    const token = await stack.token(newTenant(), ['sales:read']);
    const res = await stack.query(token, '{ customers { totalCount } customer(id: "x") { id } }');
    // Without the guard the Rust planner fails on the emptied document with INTERNAL_SERVER_ERROR.
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ customers: null, customer: null });
    expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['customers'], 'FORBIDDEN'],
      [['customer'], 'FORBIDDEN'],
    ]);
  });

  it('refuses a mutation without the write scope and writes nothing', async () => {
    const tenant = newTenant();
    const readOnly = await stack.token(tenant, ['crm:read']);
    const res = await stack.query(readOnly, 'mutation { createCustomer(input: {name: "Nope"}) { customer { id } } }');
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await stack.query(readOnly, LIST)).data.customers.totalCount).toBe(0);
  });

  it('checks the Customer type scope on nested selections too', async () => {
    const tenant = newTenant();
    const writer = await stack.token(tenant, ['crm:write']);
    const res = await stack.query(
      writer,
      'mutation { createCustomer(input: {name: "Hidden"}) { customer { name } userErrors { code } } }',
    );
    expect(res.data.createCustomer).toEqual({ customer: { name: null }, userErrors: [] });
    expect(res.errors?.[0]).toMatchObject({
      path: ['createCustomer', 'customer', 'name'],
      extensions: { code: 'FORBIDDEN' },
    });
  });
});

describe('subgraphs behind the gateway', () => {
  const customerUrl = () => stack.subgraphUrls.customer;
  const post = (body: unknown) =>
    fetch(customerUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('refuse a direct call without the gateway signature with 401', async () => {
    const res = await post({ query: LIST });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuse a signed request whose identity or query was altered', async () => {
    const auth: ForwardedAuth = {
      tenantId: newTenant(),
      userId: 'u',
      scopes: ['crm:read'],
      exp: Date.now() / 1000 + 60,
      requestId: 'r',
      aud: 'customer',
    };
    const signature = signUpstream(stack.secrets.signingSecret, LIST, undefined, auth);
    const ok = await post({ query: LIST, extensions: { [AUTH_EXTENSION]: auth, [SIGNATURE_EXTENSION]: signature } });
    expect(ok.status).toBe(200);
    const otherTenant = await post({
      query: LIST,
      extensions: { [AUTH_EXTENSION]: { ...auth, tenantId: 'victim' }, [SIGNATURE_EXTENSION]: signature },
    });
    expect(otherTenant.status).toBe(401);
    const otherQuery = await post({
      query: '{ tenant { id } }',
      extensions: { [AUTH_EXTENSION]: auth, [SIGNATURE_EXTENSION]: signature },
    });
    expect(otherQuery.status).toBe(401);
    // Signed for another subgraph, or valid for longer than a minute: refused as replays.
    const forFinance = { ...auth, aud: 'finance' };
    const otherAudience = await post({
      query: LIST,
      extensions: {
        [AUTH_EXTENSION]: forFinance,
        [SIGNATURE_EXTENSION]: signUpstream(stack.secrets.signingSecret, LIST, undefined, forFinance),
      },
    });
    expect(otherAudience.status).toBe(401);
    const longLived = { ...auth, exp: Date.now() / 1000 + 30 * 86400 };
    const tooLong = await post({
      query: LIST,
      extensions: {
        [AUTH_EXTENSION]: longLived,
        [SIGNATURE_EXTENSION]: signUpstream(stack.secrets.signingSecret, LIST, undefined, longLived),
      },
    });
    expect(tooLong.status).toBe(401);
    const expiredAuth = { ...auth, exp: Date.now() / 1000 - 1 };
    const expired = await post({
      query: LIST,
      extensions: {
        [AUTH_EXTENSION]: expiredAuth,
        [SIGNATURE_EXTENSION]: signUpstream(stack.secrets.signingSecret, LIST, undefined, expiredAuth),
      },
    });
    expect(expired.status).toBe(401);
  });

  it('check scopes themselves (defence in depth)', async () => {
    const auth: ForwardedAuth = {
      tenantId: newTenant(),
      userId: 'u',
      scopes: ['sales:read'],
      exp: Date.now() / 1000 + 60,
      requestId: 'r',
      aud: 'customer',
    };
    const res = await post({
      query: LIST,
      extensions: {
        [AUTH_EXTENSION]: auth,
        [SIGNATURE_EXTENSION]: signUpstream(stack.secrets.signingSecret, LIST, undefined, auth),
      },
    });
    const body = (await res.json()) as any;
    expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
    // Root fields are nullable (a failing one nulls only itself): the refused field is null.
    expect(body.data).toEqual({ customers: null });
  });

  it('answer /healthz', async () => {
    expect((await fetch(customerUrl().replace('/graphql', '/healthz'))).status).toBe(200);
    expect((await fetch(stack.gatewayUrl.replace('/graphql', '/healthz'))).status).toBe(200);
  });
});

describe('bad requests', () => {
  it('answers a malformed query with 400 and a parse error', async () => {
    const token = await stack.token(newTenant());
    const res = await stack.query(token, '{ customers { ');
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('answers an unknown field with 400 and a validation error', async () => {
    const token = await stack.token(newTenant());
    const res = await stack.query(token, '{ customers { nope } }');
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('answers a body that is not JSON with 400', async () => {
    const token = await stack.token(newTenant());
    const res = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{nope',
    });
    expect(res.status).toBe(400);
  });

  it('answers a wrongly typed variable with a typed error, never a 500', async () => {
    const token = await stack.token(newTenant());
    const res = await stack.query(token, 'query($first: Int) { customers(first: $first) { totalCount } }', {
      first: 'ten',
    });
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('keeps the caller’s request id and returns it', async () => {
    const token = await stack.token(newTenant());
    const res = await stack.post(
      { query: '{ tenant { id } }' },
      { authorization: `Bearer ${token}`, 'x-request-id': 'trace-123' },
    );
    expect(res.headers.get('x-request-id')).toBe('trace-123');
  });
});

describe('field scopes inside a subgraph', () => {
  it('are checked again for fields below the root (defence in depth)', async () => {
    const auth: ForwardedAuth = {
      tenantId: newTenant(),
      userId: 'u',
      scopes: ['fulfilment:read'],
      exp: Date.now() / 1000 + 60,
      requestId: 'r',
      aud: 'order-fulfilment',
    };
    const query = '{ products { nodes { sku unitCost { amount } } } }';
    const res = await fetch(stack.subgraphUrls['order-fulfilment'], {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query,
        extensions: {
          [AUTH_EXTENSION]: auth,
          [SIGNATURE_EXTENSION]: signUpstream(stack.secrets.signingSecret, query, undefined, auth),
        },
      }),
    });
    const body = (await res.json()) as any;
    expect(body.errors).toBeUndefined(); // no products yet: the guard only runs on a resolved field
    const token = await stack.token(auth.tenantId, ['fulfilment:write', 'fulfilment:read']);
    await stack.query(
      token,
      'mutation { createProduct(input: {sku: "S", name: "N", listPrice: {amount: "1", currency: "CNY"}}) { product { id } } }',
    );
    const again = await fetch(stack.subgraphUrls['order-fulfilment'], {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query,
        extensions: {
          [AUTH_EXTENSION]: auth,
          [SIGNATURE_EXTENSION]: signUpstream(stack.secrets.signingSecret, query, undefined, auth),
        },
      }),
    });
    const second = (await again.json()) as any;
    expect(second.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(second.errors[0].path).toEqual(['products', 'nodes', 0, 'unitCost']);
  });
});
