import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCostCalculator } from '../../gateway/cost.js';
import { costSettings, rateLimitSettings } from '../../lib/config.js';
import { todayUtc } from '../../lib/dates.js';
import { startReplica } from '../support/gateway.js';
import { countStatements, newTenant, startStack, type Stack } from '../support/stack.js';

/** Query cost (gateway/cost.ts): exact costs, and refusal before any subgraph is called. */
const supergraph = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
const cost = createCostCalculator(supergraph);
const costOf = (query: string, variables?: Record<string, unknown>, operationName?: string) =>
  cost(parse(query), operationName, variables);

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
/** The README's ```graphql block that defines the operation `name` (`null`: its anonymous one). */
function readmeOperation(name: string | null) {
  for (const [, block] of README.matchAll(/```graphql\n([\s\S]*?)```/g)) {
    const document = parse(block);
    const found = document.definitions.some(
      (d) => d.kind === Kind.OPERATION_DEFINITION && (d.name?.value ?? null) === name,
    );
    if (found) return { text: block, document };
  }
  throw new Error(`README.md has no operation ${name}`);
}

const NESTED_100_100_100 =
  '{ customers(first: 100) { nodes { orders(first: 100) { nodes { customer { opportunities(first: 100) { nodes { title } } } } } } } }';

describe('the cost of an operation', () => {
  it('is what the README says for each of its operations', () => {
    const costs = {
      Customer360: 765,
      CustomerPage: 65,
      Pipeline: 924,
      Warehouse: 882,
      Receivables: 140,
      CreateKey: 11,
      Replay: 11,
      AfterAnOutage: 10,
      DeadLetters: 121,
    };
    for (const [name, expected] of Object.entries(costs)) {
      expect([name, cost(readmeOperation(name).document, name)]).toEqual([name, expected]);
    }
    // The lead conversion mutation: 10 for the mutation, 1 for each object it reads back.
    expect(cost(readmeOperation(null).document)).toBe(14);
    expect(
      costOf('{ customers(first: 5, filter: {search: "tea"}) { totalCount nodes { id name healthScore } } }'),
    ).toBe(6);
    const health =
      'query($id: ID!) { customer(id: $id) { name healthScore healthFactors { name weight value detail } nextPurchaseExpectedAt } }';
    expect(costOf(health)).toBe(6);
  });

  it('keeps the customer 360 well under the limit, and a page of 50 of them over it', () => {
    const { text } = readmeOperation('Customer360');
    expect(cost(parse(text), 'Customer360', { id: 'x' })).toBe(765);
    expect(765).toBeLessThan(costSettings().maxCost / 2);
    // The same fields for a page: customer(id:) { ... } becomes customers(first: 50) { nodes { ... } }.
    const page = text
      .replace('query Customer360($id: ID!,', 'query Page360($first: Int,')
      .replace('customer(id: $id) {', 'customers(first: $first) { nodes {')
      .replace(/}\s*$/, '} }');
    expect(cost(parse(page), 'Page360', { first: 50 })).toBe(1 + 50 * 765);
    expect(cost(parse(page), 'Page360', { first: 2 })).toBe(1 + 2 * 765);
  });

  it('sizes lists by first/last/limit, @listSize, or the default page', () => {
    expect(costOf('{ tenant { id baseCurrency } }')).toBe(1);
    expect(costOf('{ __typename }')).toBe(1); // never free
    expect(costOf('{ customers(first: 50) { nodes { name } } }')).toBe(51);
    expect(costOf('{ customers(last: 30) { edges { cursor node { name } } } }')).toBe(1 + 30 * 2);
    const contacts = 'query($n: Int) { customers(first: $n) { totalCount edges { node { name contacts { name } } } } }';
    // Connection 1, then per edge: the edge, its node and 10 contacts (@listSize(assumedSize: 10)).
    expect(costOf(contacts, { n: 50 })).toBe(1 + 50 * 12);
    expect(costOf(contacts, { n: 10 })).toBe(1 + 10 * 12);
    // Not given: the page the subgraphs return by default (20).
    expect(costOf(contacts)).toBe(1 + 20 * 12);
    const withDefault = 'query($n: Int = 50) { customers(first: $n) { nodes { name } } }';
    expect(costOf(withDefault)).toBe(51);
    expect(costOf(withDefault, { n: null })).toBe(21);
    expect(costOf('{ customer(id: "x") { orders { nodes { lines { quantity } } } } }')).toBe(1 + 1 + 20 * (1 + 10));
    // A slicing argument named by @listSize, with its SDL default (months = 3).
    expect(costOf('{ pipelineForecast(months: 12) { month amount { amount } } }')).toBe(12 * 2);
    expect(costOf('{ pipelineForecast { month amount { amount } } }')).toBe(3 * 2);
    // Reports weigh 10 (@cost); the chart of accounts is assumed 10 accounts.
    expect(costOf('{ trialBalance { accounts { code balance { amount } } } }')).toBe(10 + 10 * 2);
    expect(costOf('{ salesFunnel { winRate } }')).toBe(10);
    // Fragments count like the fields they hold; @skip/@include are followed.
    expect(costOf('{ customers(first: 10) { ...C } } fragment C on CustomerConnection { nodes { name } }')).toBe(11);
    expect(
      costOf('query($s: Boolean!) { tenant { id } customers(first: 10) @skip(if: $s) { nodes { name } } }', {
        s: true,
      }),
    ).toBe(1);
    expect(
      costOf('query($s: Boolean!) { tenant { id } customers(first: 10) @skip(if: $s) { nodes { name } } }', {
        s: false,
      }),
    ).toBe(12);
    expect(costOf(NESTED_100_100_100)).toBe(1 + 100 * (1 + 1 + 100 * (1 + 1 + 1 + 100 * 1)));
  });

  it('charges 10 for each mutation field, and nothing for userErrors', () => {
    const create =
      'mutation { createCustomer(input: {name: "A"}) { customer { id name } userErrors { code field message } } }';
    expect(costOf(create)).toBe(11);
    expect(
      costOf(
        'mutation { a: createCustomer(input: {name: "A"}) { customer { id } } b: createCustomer(input: {name: "B"}) { userErrors { code } } }',
      ),
    ).toBe(11 + 10);
  });
});

describe('the cost limit at the gateway', () => {
  let stack: Stack;
  let gateway: Awaited<ReturnType<typeof startReplica>>;
  beforeAll(async () => {
    stack = await startStack();
    // The defaults a deployment gets (the suite's environment raises them for the other tests).
    gateway = await startReplica(stack, {
      maxQueryCost: 2000,
      rateLimit: { points: 2000, restoreRate: 100, redisUrl: undefined },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await stack?.close();
  });

  it('has the defaults of the README', () => {
    for (const name of ['MAX_QUERY_COST', 'RATE_LIMIT_POINTS', 'RATE_LIMIT_RESTORE_RATE', 'REDIS_URL']) {
      vi.stubEnv(name, '');
    }
    try {
      expect(costSettings()).toEqual({ maxCost: 2000 });
      expect(rateLimitSettings()).toEqual({ points: 2000, restoreRate: 100, redisUrl: undefined });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('serves the customer 360 and reports its cost and the bucket in extensions.cost', async () => {
    const token = await stack.token(newTenant());
    const res = await gateway.query(token, readmeOperation('Customer360').text, {
      id: '00000000-0000-7000-8000-000000000000',
      asOf: todayUtc(),
    });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ customer: null });
    expect(res.extensions?.cost).toEqual({
      requestedQueryCost: 765,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 2000 - 765, restoreRate: 100 },
    });
  });

  it('refuses a 100 x 100 x 100 nesting with 400 COST_ESTIMATED_TOO_EXPENSIVE before any subgraph is called', async () => {
    const tenant = newTenant();
    const token = await stack.token(tenant);
    await gateway.query(token, '{ tenant { id } }'); // provisioned first, so that only the refusal is counted
    const started = performance.now();
    const { result: res, statements } = await countStatements(tenant, () => gateway.query(token, NESTED_100_100_100));
    const ms = performance.now() - started;
    expect(res.status).toBe(400);
    expect(res.data).toBeUndefined();
    expect(res.errors).toEqual([
      {
        message:
          'The operation costs 1030201 points; at most 2000 are allowed. Ask for smaller pages (first/last) or fewer fields.',
        extensions: {
          code: 'COST_ESTIMATED_TOO_EXPENSIVE',
          cost: { requestedQueryCost: 1030201, maximumAvailable: 2000 },
        },
      },
    ]);
    expect(statements).toEqual([]);
    // Refused, not spent: the bucket holds what the provisioning query left (or 2000 again by now).
    expect(res.extensions?.cost.requestedQueryCost).toBe(1030201);
    expect(res.extensions?.cost.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(1999);
    expect(ms).toBeLessThan(1000); // generous on a loaded machine; the calculator itself takes microseconds
  });

  it('refuses a page of 50 customers with the 360 fields, and serves a page of 50 names', async () => {
    const token = await stack.token(newTenant());
    const page = readmeOperation('Customer360')
      .text.replace('query Customer360($id: ID!,', 'query Page360($first: Int,')
      .replace('customer(id: $id) {', 'customers(first: $first) { nodes {')
      .replace(/}\s*$/, '} }');
    const refused = await gateway.query(token, page, { first: 50, asOf: todayUtc() });
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0].extensions.cost).toEqual({ requestedQueryCost: 38251, maximumAvailable: 2000 });
    const names = await gateway.query(token, '{ customers(first: 50) { nodes { name } } }');
    expect(names.status).toBe(200);
    expect(names.extensions?.cost.requestedQueryCost).toBe(51);
  });
});
