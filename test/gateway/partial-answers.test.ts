import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayUtc } from '../../lib/dates.js';
import type { SubgraphName } from '../../lib/config.js';
import { createGateway } from '../../gateway/index.js';
import { CUSTOMER_360, tenantWithCustomers } from '../support/customer-360.js';
import { startProxy } from '../support/proxy.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * One domain down never takes the others with it. Each subgraph is stopped in turn, for real (its
 * port refuses connections), and the README's customer 360 still answers everything the others
 * serve, with SERVICE_UNAVAILABLE errors naming the one that is down; when it is back, so is the
 * full answer, with nothing else restarted.
 */
let stack: Stack;
const OPEN_MS = 400;
beforeAll(async () => {
  stack = await startStack({ upstream: { timeoutMs: 1000, failures: 5, openMs: OPEN_MS } });
});
afterAll(() => stack?.close());

type Answer = { data?: { customer: Record<string, any> | null }; errors?: any[] };

/** The full answer with the fields a stopped subgraph serves set to null. */
const without = (full: Record<string, any>, down: SubgraphName): Record<string, any> | null => {
  const customer = structuredClone(full);
  if (down === 'customer') return null;
  if (down === 'finance') Object.assign(customer, { receivables: null, credit: null });
  if (down === 'sales-pipeline') customer.opportunities = null;
  if (down === 'order-fulfilment') {
    customer.orders = null;
    for (const { node } of customer.opportunities.edges) for (const line of node.lines) line.product = null;
  }
  return customer;
};

/** Every error names the stopped service, and points at a field that is null in the answer. */
function expectErrorsNaming(answer: Answer, down: SubgraphName) {
  expect(answer.errors?.length).toBeGreaterThan(0);
  for (const error of answer.errors!) {
    expect(error.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: down });
    // Nothing of the failed call (its address, body, signed identity) reaches the client.
    expect(Object.keys(error.extensions).sort()).toEqual(['code', 'fields', 'service', 'serviceName']);
    const value = error.path.reduce((at: any, key: string | number) => at?.[key], answer.data);
    expect(value ?? null).toBeNull();
  }
}

describe('partial answers', () => {
  it('with each subgraph stopped in turn, the customer 360 keeps what the others serve, then recovers', async () => {
    const { token, ids } = await tenantWithCustomers(stack, 1);
    const ask = async (): Promise<Answer> => {
      const { data, errors } = await stack.query(token, CUSTOMER_360, { id: ids[0], asOf: todayUtc() });
      return errors ? { data, errors } : { data };
    };
    const full = await ask();
    expect(full.errors).toBeUndefined();
    for (const down of ['finance', 'order-fulfilment', 'sales-pipeline', 'customer'] as const) {
      await stack.stopSubgraph(down);
      const partial = await ask();
      expect(partial.data?.customer ?? null).toEqual(without(full.data!.customer!, down));
      expectErrorsNaming(partial, down);
      await stack.restartSubgraph(down);
      expect(await ask()).toEqual(full);
    }
  });

  it('one error per field group: the finance fields of a customer come back as one SERVICE_UNAVAILABLE', async () => {
    const { token, ids } = await tenantWithCustomers(stack, 1);
    await stack.stopSubgraph('finance');
    try {
      const res = await stack.query(
        token,
        'query($id: ID!) { customer(id: $id) { name credit { status } receivables { invoiceCount } } }',
        {
          id: ids[0],
        },
      );
      expect(res.data).toEqual({ customer: { name: 'Customer 000', credit: null, receivables: null } });
      expect(res.errors).toEqual([
        {
          message: 'The finance service is unavailable; these fields are null. Try again shortly.',
          path: ['customer', 'credit'],
          extensions: {
            code: 'SERVICE_UNAVAILABLE',
            service: 'finance',
            serviceName: 'finance',
            fields: ['credit', 'receivables'],
          },
        },
      ]);
    } finally {
      await stack.restartSubgraph('finance');
    }
  });

  it('a mutation its subgraph did not answer says that its outcome is unknown', async () => {
    const { token, ids } = await tenantWithCustomers(stack, 1);
    await stack.stopSubgraph('finance');
    try {
      const res = await stack.query(
        token,
        'mutation($c: ID!) { setPaymentTerms(input: {customerId: $c, days: 45}) { customer { id } userErrors { code } } }',
        { c: ids[0] },
      );
      // Payloads are non-null (the Mutation convention): a mutation with no answer nulls the data.
      expect(res.data ?? null).toBeNull();
      expect(res.errors).toEqual([
        {
          message:
            'The finance service did not answer; whether this mutation was applied is unknown: read before trying again.',
          path: ['setPaymentTerms'],
          extensions: {
            code: 'SERVICE_UNAVAILABLE',
            service: 'finance',
            serviceName: 'finance',
            fields: ['setPaymentTerms'],
          },
        },
      ]);
    } finally {
      await stack.restartSubgraph('finance');
    }
  });

  it('after 5 calls without an answer the subgraph is skipped, then probed again', async () => {
    const { token, ids } = await tenantWithCustomers(stack, 1);
    const credit = async (): Promise<Answer> => {
      const query = 'query($id: ID!) { customer(id: $id) { name credit { status } } }';
      const { data, errors } = await stack.query(token, query, { id: ids[0] });
      return errors ? { data, errors } : { data };
    };
    await stack.stopSubgraph('finance');
    for (let i = 0; i < 5; i++) expectErrorsNaming(await credit(), 'finance');
    await stack.restartSubgraph('finance');
    // Finance is back, but the breaker is open: the gateway does not call it yet.
    const skipped = await credit();
    expect(skipped.data?.customer).toEqual({ name: 'Customer 000', credit: null });
    expectErrorsNaming(skipped, 'finance');
    await new Promise((resolve) => setTimeout(resolve, OPEN_MS + 50));
    expect(await credit()).toEqual({ data: { customer: { name: 'Customer 000', credit: { status: 'OK' } } } });
  });

  it('a hung subgraph costs a request the upstream timeout, not forever', async () => {
    const { token, ids } = await tenantWithCustomers(stack, 1);
    const hung = await startProxy(new URL(stack.subgraphUrls.finance).origin, () => 'hang');
    const timeoutMs = 300;
    const gateway = createGateway({
      secrets: stack.secrets,
      subgraphUrls: { ...stack.subgraphUrls, finance: `${hung.url}/graphql` },
      upstream: { timeoutMs, failures: 5, openMs: 5000 },
    });
    const server = createServer(gateway);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: 'query($id: ID!) { customer(id: $id) { name credit { status } } }',
          variables: { id: ids[0] },
        }),
      });
      const body = (await res.json()) as Answer;
      expect(Date.now() - started).toBeGreaterThanOrEqual(timeoutMs);
      expect(body.data?.customer).toEqual({ name: 'Customer 000', credit: null });
      expectErrorsNaming(body, 'finance');
      expect(hung.seen).toHaveLength(1);
    } finally {
      server.closeAllConnections();
      server.close();
      await gateway.dispose();
      await hung.close();
    }
  });
});
