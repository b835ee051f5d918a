import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencyUnavailable, internalClient } from '../../lib/clients/internal-client.js';
import { logger } from '../../lib/logger.js';
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
