import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencyUnavailable, internalClient } from '../../lib/clients/internal-client.js';
import { logger } from '../../lib/logger.js';
import { startProxy } from '../support/proxy.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/** Subgraph-to-subgraph calls: what of the other service's answer reaches the caller. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const caller = (tenantId: string) => ({
  tenantId,
  userId: 'u',
  actorKind: 'USER' as const,
  clientIp: null,
  operationName: null,
  scopes: new Set<string>(),
  requestId: 'r',
  log: logger,
});

describe('internal calls', () => {
  it("turn a refusal of the call itself (bad secret, invalid operation) into an unavailable dependency or a fault, never the caller's error", async () => {
    const tenant = newTenant('ic');
    const wrongSecret = internalClient({
      url: stack.subgraphUrls.customer,
      signingSecret: 'not-the-secret',
      audience: 'customer',
    });
    await expect(wrongSecret(caller(tenant), ['crm:read'], '{ tenant { id } }')).rejects.toBeInstanceOf(
      DependencyUnavailable,
    );
    const client = internalClient({
      url: stack.subgraphUrls.customer,
      signingSecret: stack.secrets.signingSecret,
      audience: 'customer',
    });
    // The operation is wrong: a fault of this code, not UNAUTHENTICATED or a validation error for the client.
    const invalid = await client(caller(tenant), ['crm:read'], '{ noSuchField }').catch((e) => e);
    expect(invalid).toBeInstanceOf(DependencyUnavailable);
    const refusedScope = (await client(caller(tenant), [], '{ customers { totalCount } }').catch(
      (e) => e,
    )) as GraphQLError;
    expect(refusedScope).toBeInstanceOf(GraphQLError);
    expect(refusedScope.extensions.code).toBe('FORBIDDEN');
    expect(await client(caller(tenant), ['crm:read'], '{ tenant { id } }')).toEqual({ tenant: { id: tenant } });
  });
});

describe('internal calls when the network fails', () => {
  const proxied = (url: string) =>
    internalClient({ url, signingSecret: stack.secrets.signingSecret, audience: 'customer', timeoutMs: 500 });

  it('a read that got no answer is sent once more, and answered', async () => {
    const tenant = newTenant('ic');
    const proxy = await startProxy(new URL(stack.subgraphUrls.customer).origin, (n) => (n === 1 ? 'reset' : 'forward'));
    try {
      const call = proxied(`${proxy.url}/graphql`);
      expect(await call(caller(tenant), ['crm:read'], '{ tenant { id } }')).toEqual({ tenant: { id: tenant } });
      expect(proxy.seen).toHaveLength(2);
    } finally {
      await proxy.close();
    }
  });

  it('a write whose answer was lost is never sent again by the client: the caller decides', async () => {
    const tenant = newTenant('ic');
    const proxy = await startProxy(new URL(stack.subgraphUrls.customer).origin, () => 'lose-answer');
    try {
      const call = proxied(`${proxy.url}/graphql`);
      const write = call(
        caller(tenant),
        ['crm:write'],
        'mutation { createCustomer(input: {name: "Once"}) { customer { id } } }',
      );
      await expect(write).rejects.toBeInstanceOf(DependencyUnavailable);
      expect(proxy.seen).toHaveLength(1);
      // The customer subgraph did the work once; the client did not repeat it.
      const [{ n }] = await stack.database
        .sql`select count(*)::int as n from customer.customers where tenant_id = ${tenant}`;
      expect(n).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('a hung service costs at most the timeout, and after 5 calls without an answer it is not called for a while', async () => {
    const tenant = newTenant('ic');
    const proxy = await startProxy(new URL(stack.subgraphUrls.customer).origin, () => 'hang');
    try {
      const call = proxied(`${proxy.url}/graphql`);
      for (let i = 0; i < 5; i++) {
        await expect(
          call(caller(tenant), ['crm:write'], 'mutation { createCustomer(input: {name: "H"}) { customer { id } } }'),
        ).rejects.toBeInstanceOf(DependencyUnavailable);
      }
      expect(proxy.seen).toHaveLength(5);
      // The breaker is open: the sixth call fails at once, without reaching the service.
      await expect(call(caller(tenant), ['crm:read'], '{ tenant { id } }')).rejects.toThrow(/not called for now/);
      expect(proxy.seen).toHaveLength(5);
    } finally {
      await proxy.close();
    }
  });
});
