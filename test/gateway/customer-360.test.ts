import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayUtc } from '../../lib/dates.js';
import { strictClient } from '../support/fulfilment.js';
import { countStatements, newTenant, startStack, type Stack } from '../support/stack.js';

/**
 * The customer 360 query (the README's first example, read from the README itself): one request
 * across all four subgraphs, and a constant number of SQL statements however many customers.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ poolSize: 30 });
});
afterAll(() => stack?.close());

const ERRORS = 'userErrors { code field message }';
const cny = (amount: string) => ({ amount, currency: 'CNY' });

/** The first ```graphql block of README.md. */
const CUSTOMER_360 = /```graphql\n([\s\S]*?)```/.exec(
  readFileSync(new URL('../../README.md', import.meta.url), 'utf8'),
)![1];
/** The same selection for a page of customers. */
const selection = CUSTOMER_360.slice(
  CUSTOMER_360.indexOf('{', CUSTOMER_360.indexOf('customer(')) + 1,
  CUSTOMER_360.lastIndexOf('}', CUSTOMER_360.lastIndexOf('}') - 1),
);
const PAGE = `query Page($first: Int, $asOf: Date) { customers(first: $first, orderBy: {field: NAME, direction: ASC}) { nodes { ${selection} } } }`;

async function tenantWithCustomers(n: number) {
  const tenant = newTenant('c360');
  const token = await stack.token(tenant);
  const run = strictClient(stack, token);
  const warehouse = (
    await run(`mutation { createWarehouse(input: {code: "MAIN", name: "Main"}) { warehouse { id } ${ERRORS} } }`)
  ).warehouse.id;
  const product = (
    await run(
      `mutation { createProduct(input: {sku: "VASE", name: "Vase", listPrice: {amount: "120.00", currency: "CNY"}}) { product { id } ${ERRORS} } }`,
    )
  ).product.id;
  await run(
    `mutation($p: ID!, $w: ID!) { receiveStock(input: {productId: $p, warehouseId: $w, quantity: "1000"}) { ${ERRORS} } }`,
    { p: product, w: warehouse },
  );
  const ids: string[] = [];
  const one = async (i: number) => {
    const name = `Customer ${String(i).padStart(3, '0')}`;
    const c = (
      await run(
        `mutation($n: String!) { createCustomer(input: {name: $n, segment: "SMB", tags: ["ceramics"]}) { customer { id } ${ERRORS} } }`,
        { n: name },
      )
    ).customer.id;
    await run(
      `mutation($c: ID!) { addContact(input: {customerId: $c, name: "Buyer", email: "buyer@example.cn", decisionRole: DECISION_MAKER}) { contact { id } ${ERRORS} } }`,
      { c },
    );
    const opp = (
      await run(
        `mutation($c: ID!) { createOpportunity(input: {title: "Spring range", customerId: $c}) { opportunity { id } ${ERRORS} } }`,
        { c },
      )
    ).opportunity.id;
    await run(
      `mutation($id: ID!, $p: ID!) { addOpportunityLine(input: {opportunityId: $id, line: {productId: $p, quantity: "10", unitPrice: {amount: "110.00", currency: "CNY"}}}) { opportunity { id } ${ERRORS} } }`,
      { id: opp, p: product },
    );
    await run(
      `mutation($c: ID!, $l: MoneyInput) { setCreditLimit(input: {customerId: $c, limit: $l}) { customer { id } ${ERRORS} } }`,
      { c, l: cny('5000.00') },
    );
    const order = (
      await run(
        `mutation($c: ID!, $p: ID!) { createSalesOrder(input: {customerId: $c, lines: [{productId: $p, quantity: "2"}]}) { order { id } ${ERRORS} } }`,
        { c, p: product },
      )
    ).order.id;
    await run(`mutation($id: ID!) { confirmSalesOrder(input: {id: $id}) { order { status } ${ERRORS} } }`, {
      id: order,
    });
    const invoice = (
      await run(
        `mutation($c: ID!) { createInvoice(input: {customerId: $c, lines: [{description: "Workshop", quantity: "1", unitPrice: {amount: "100.00", currency: "CNY"}}]}) { invoice { id } ${ERRORS} } }`,
        { c },
      )
    ).invoice.id;
    await run(`mutation($id: ID!) { issueInvoice(input: {id: $id}) { invoice { id } ${ERRORS} } }`, { id: invoice });
    ids[i] = c;
  };
  for (let i = 0; i < n; i += 10) await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, k) => one(i + k)));
  await stack.settle();
  return { tenant, token, ids };
}

describe('customer 360', () => {
  it('answers the README query for one customer across all four subgraphs', async () => {
    const { tenant, token, ids } = await tenantWithCustomers(1);
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
    const { tenant, token, ids } = await tenantWithCustomers(50);
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
