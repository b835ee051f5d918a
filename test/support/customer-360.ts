import { readFileSync } from 'node:fs';
import { strictClient } from './fulfilment.js';
import { newTenant, type Stack } from './stack.js';

export const ERRORS = 'userErrors { code field message }';
export const cny = (amount: string) => ({ amount, currency: 'CNY' });

/** README.md's customer 360 (its ```graphql block that starts `query Customer360`). */
export const CUSTOMER_360 = /```graphql\n(query Customer360[\s\S]*?)```/.exec(
  readFileSync(new URL('../../README.md', import.meta.url), 'utf8'),
)![1];
/** The same selection for a page of customers. */
const selection = CUSTOMER_360.slice(
  CUSTOMER_360.indexOf('{', CUSTOMER_360.indexOf('customer(')) + 1,
  CUSTOMER_360.lastIndexOf('}', CUSTOMER_360.lastIndexOf('}') - 1),
);
export const PAGE = `query Page($first: Int, $asOf: Date) { customers(first: $first, orderBy: {field: NAME, direction: ASC}) { nodes { ${selection} } } }`;

/**
 * A tenant with `n` customers, each with a contact, an open deal for 10 of a stocked product, a
 * credit limit of 5000.00, a confirmed order and an issued invoice: every field of the 360 has data.
 */
export async function tenantWithCustomers(stack: Stack, n: number) {
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
