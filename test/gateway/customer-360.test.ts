import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayUtc } from '../../lib/dates.js';
import { cny, CUSTOMER_360, PAGE, tenantWithCustomers } from '../support/customer-360.js';
import { countStatements, startStack, type Stack } from '../support/stack.js';

/**
 * The customer 360 query (the README's first example, read from the README itself): one request
 * across all four subgraphs, and a constant number of SQL statements however many customers.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ poolSize: 30 });
});
afterAll(() => stack?.close());

describe('customer 360', () => {
  it('answers the README query for one customer across all four subgraphs', async () => {
    const { tenant, token, ids } = await tenantWithCustomers(stack, 1);
    const { result, statements } = await countStatements(tenant, () =>
      stack.query(token, CUSTOMER_360, { id: ids[0], asOf: todayUtc() }),
    );
    expect(result.errors).toBeUndefined();
    const c = result.data.customer;
    expect(c).toMatchObject({
      name: 'Customer 000',
      segment: 'SMB',
      tags: ['ceramics'],
      nextPurchaseExpectedAt: null,
      contacts: [{ name: 'Buyer', decisionRole: 'DECISION_MAKER', email: 'buyer@example.cn' }],
    });
    // A new customer with nothing overdue, no tickets, no purchases: 0x30 + 0x20 + 100x25 + 100x10 + 50x15.
    expect(c.healthScore).toBe(43);
    expect(c.opportunities.edges).toEqual([
      {
        node: {
          title: 'Spring range',
          stage: { name: 'Qualification', probability: 10 },
          amount: cny('1100.00'),
          expectedCloseDate: null,
          lines: [
            {
              quantity: '10',
              product: {
                sku: 'VASE',
                name: 'Vase',
                availableQuantity: '998',
                availableToPromise: { quantity: '10', date: todayUtc() },
              },
            },
          ],
        },
      },
    ]);
    expect(c.orders.edges).toMatchObject([
      { node: { number: 'SO-000001', status: 'CONFIRMED', total: cny('240.00'), promisedDate: todayUtc() } },
    ]);
    // The invoice: 100.00 + 13% tax, due in 30 days; the confirmed order (240.00) is exposure too.
    expect(c.receivables).toEqual({
      outstanding: cny('113.00'),
      overdue: cny('0.00'),
      ageing: {
        current: { amount: '113.00' },
        days1To30: { amount: '0.00' },
        days31To60: { amount: '0.00' },
        days61To90: { amount: '0.00' },
        over90: { amount: '0.00' },
      },
    });
    expect(c.credit).toEqual({ limit: { amount: '5000.00' }, available: { amount: '4647.00' }, status: 'OK' });
    // Each subgraph's part is batched: a handful of statements, not one per field.
    expect(statements.length).toBeLessThanOrEqual(20);
  });

  it('runs the same number of SQL statements for a page of 1 customer as for 50', async () => {
    const { tenant, token, ids } = await tenantWithCustomers(stack, 50);
    const page = async (first: number) => {
      const { result, statements } = await countStatements(tenant, () =>
        stack.query(token, PAGE, { first, asOf: todayUtc() }),
      );
      expect(result.errors).toBeUndefined();
      expect(result.data.customers.nodes).toHaveLength(first);
      return statements.length;
    };
    const one = await page(1);
    const fifty = await page(50);
    expect(fifty).toBe(one);
    const single = await countStatements(tenant, () =>
      stack.query(token, CUSTOMER_360, { id: ids[7], asOf: todayUtc() }),
    );
    expect(single.result.errors).toBeUndefined();
    expect(single.statements.length).toBe(one);
    console.info(
      `customer 360: ${single.statements.length} SQL statements for one customer, ${one} for a page of 1, ${fifty} for a page of 50`,
    );
  });
});
