import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, startStack, type Stack } from '../support/stack.js';
import { day, insightTenant } from './insight-support.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const LIST = `query($filter: CustomerFilter, $first: Int, $after: String) {
  customers(filter: $filter, first: $first, after: $after) { totalCount nodes { name lastPurchaseAt nextPurchaseExpectedAt healthScore } pageInfo { hasNextPage endCursor } } }`;

/**
 * Four customers (scores as the rules give them):
 * - Lapsed: bought 200 and 150 days ago; due again 100 days ago; health 68.
 * - Regular: bought 40 and 10 days ago; due again in 20 days; health 79.
 * - Never: no purchase; health 43.
 * - Once: bought 120 days ago only; no forecast; health 68.
 */
async function scene() {
  const t = await insightTenant(stack, newTenant());
  const [lapsed, regular, , once] = await Promise.all(['Lapsed', 'Regular', 'Never', 'Once'].map(t.createCustomer));
  await t.events.delivered(lapsed, day(-200));
  await t.events.delivered(lapsed, day(-150));
  await t.events.delivered(regular, day(-40));
  await t.events.delivered(regular, day(-10));
  await t.events.delivered(once, day(-120));
  const list = async (filter: Record<string, unknown>, page: { first?: number; after?: string } = {}) => {
    const res = await stack.query(t.token, LIST, { filter, ...page });
    return res;
  };
  const names = async (filter: Record<string, unknown>) => {
    const res = await list(filter);
    expect(res.errors).toBeUndefined();
    expect(res.data.customers.totalCount).toBe(res.data.customers.nodes.length);
    return res.data.customers.nodes.map((n: any) => n.name);
  };
  return { list, names };
}

describe('customers filtered by derived intelligence', () => {
  it('repurchaseDueBefore: customers whose expected next purchase is before the day', async () => {
    const { names } = await scene();
    expect(await names({ repurchaseDueBefore: day(0) })).toEqual(['Lapsed']);
    expect(await names({ repurchaseDueBefore: day(20) })).toEqual(['Lapsed']);
    expect(await names({ repurchaseDueBefore: day(21) })).toEqual(['Lapsed', 'Regular']);
    expect(await names({ repurchaseDueBefore: day(-100) })).toEqual([]);
  });

  it('lastPurchaseBefore: no purchase in the last 3 months is one query, and never-buyers are left out', async () => {
    const { names } = await scene();
    expect(await names({ lastPurchaseBefore: day(-90) })).toEqual(['Lapsed', 'Once']);
    expect(await names({ lastPurchaseBefore: day(-120) })).toEqual(['Lapsed']);
    expect(await names({ lastPurchaseBefore: day(1) })).toEqual(['Lapsed', 'Once', 'Regular']);
  });

  it('healthBelow: customers whose health score is below the number, agreeing with healthScore', async () => {
    const { list, names } = await scene();
    const all = (await list({})).data.customers.nodes;
    expect(Object.fromEntries(all.map((n: any) => [n.name, n.healthScore]))).toEqual({
      Lapsed: 68,
      Never: 43,
      Once: 68,
      Regular: 79,
    });
    expect(await names({ healthBelow: 44 })).toEqual(['Never']);
    expect(await names({ healthBelow: 43 })).toEqual([]);
    expect(await names({ healthBelow: 69 })).toEqual(['Lapsed', 'Never', 'Once']);
    expect(await names({ healthBelow: 100 })).toEqual(['Lapsed', 'Never', 'Once', 'Regular']);
    expect(await names({ healthBelow: 0 })).toEqual([]);
    for (const below of [0, 43, 44, 68, 69, 79, 80, 100]) {
      expect(await names({ healthBelow: below })).toEqual(
        all.filter((n: any) => n.healthScore < below).map((n: any) => n.name),
      );
    }
  });

  it('combines with each other, with the other filters and with paging', async () => {
    const { list, names } = await scene();
    expect(await names({ lastPurchaseBefore: day(-90), healthBelow: 69, search: 'ONC' })).toEqual(['Once']);
    expect(await names({ repurchaseDueBefore: day(30), healthBelow: 70 })).toEqual(['Lapsed']);
    const first = (await list({ healthBelow: 100 }, { first: 2 })).data.customers;
    expect(first.nodes.map((n: any) => n.name)).toEqual(['Lapsed', 'Never']);
    expect(first.totalCount).toBe(4);
    const second = (await list({ healthBelow: 100 }, { first: 2, after: first.pageInfo.endCursor })).data.customers;
    expect(second.nodes.map((n: any) => n.name)).toEqual(['Once', 'Regular']);
  });

  it('refuses a healthBelow outside 0-100 with BAD_USER_INPUT', async () => {
    const { list } = await scene();
    for (const healthBelow of [-1, 101]) {
      const res = await list({ healthBelow });
      expect(res.data?.customers ?? null).toBeNull();
      expect(res.errors).toMatchObject([
        { message: '"filter.healthBelow" must be between 0 and 100', extensions: { code: 'BAD_USER_INPUT' } },
      ]);
    }
    const wrongType = await list({ lastPurchaseBefore: 'yesterday' });
    expect(wrongType.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
