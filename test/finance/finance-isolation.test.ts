import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '../../lib/auth.js';
import { uuidv7 } from '../../lib/ids.js';
import { customers } from '../../subgraphs/customer/db/schema.js';
import { customerAccounts, invoices, orderExposures, payments } from '../../subgraphs/finance/db/schema.js';
import { countStatements, newTenant, startStack, type Stack } from '../support/stack.js';

/**
 * Finance across tenants (tenant B, holding every scope, against tenant A's ids) and the SQL
 * statement count of finance's Customer fields and of `_entities`.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const ERRORS = 'userErrors { code field }';
const cny = (amount: string) => ({ amount, currency: 'CNY' });
const m = (amount: string) => ({ amount });

/** The root payload; no GraphQL errors allowed (user errors are). */
async function ok(token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await stack.query(token, query, variables);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  const payload = Object.values(res.data)[0] as any;
  return payload;
}

/** Like `ok`, and the payload must have no user errors. */
async function done(token: string, query: string, variables: Record<string, unknown> = {}) {
  const payload = await ok(token, query, variables);
  expect(payload.userErrors).toEqual([]);
  return payload;
}

const createCustomer = async (token: string, name: string): Promise<string> =>
  (
    await done(token, `mutation($n: String!) { createCustomer(input: {name: $n}) { customer { id } ${ERRORS} } }`, {
      n: name,
    })
  ).customer.id;

const CREATE = `mutation($c: ID!, $p: Decimal!) { createInvoice(input: {customerId: $c, lines: [{description: "Goods", quantity: "1", unitPrice: {amount: $p, currency: "CNY"}}]}) { invoice { id } ${ERRORS} } }`;
const ISSUE = `mutation($id: ID!, $d: Date) { issueInvoice(input: {id: $id, issueDate: $d}) { invoice { id number } ${ERRORS} } }`;
const PAY = `mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { payment { id } ${ERRORS} } }`;

describe('finance tenant isolation', () => {
  let a: string;
  let b: string;
  let bTenant: string;
  const ids: Record<string, string> = {};

  // A: an issued invoice partly paid (113.00, 50.00 paid), another issued invoice (226.00), a draft,
  // and a payment of 80.00 with 30.00 unallocated. B: its own customer and an unallocated payment.
  beforeAll(async () => {
    a = await stack.token(newTenant('a'));
    bTenant = newTenant('b');
    b = await stack.token(bTenant);
    ids.customer = await createCustomer(a, 'Alpha Buyer');
    ids.invoice = (await done(a, CREATE, { c: ids.customer, p: '100' })).invoice.id;
    ids.number = (await done(a, ISSUE, { id: ids.invoice, d: '2025-03-01' })).invoice.number;
    ids.open = (await done(a, CREATE, { c: ids.customer, p: '200' })).invoice.id;
    await done(a, ISSUE, { id: ids.open, d: '2025-03-02' });
    ids.draft = (await done(a, CREATE, { c: ids.customer, p: '300' })).invoice.id;
    ids.payment = (
      await done(a, PAY, {
        input: {
          customerId: ids.customer,
          amount: cny('80'),
          receivedOn: '2025-04-01',
          method: 'CASH',
          allocations: [{ invoiceId: ids.invoice, amount: cny('50') }],
        },
      })
    ).payment.id;
    ids.bCustomer = await createCustomer(b, 'Bravo Buyer');
    ids.bPayment = (
      await done(b, PAY, {
        input: { customerId: ids.bCustomer, amount: cny('10'), receivedOn: '2025-04-01', method: 'CASH' },
      })
    ).payment.id;
  });

  it('B reads nothing of A by id, number, list or filter', async () => {
    const res = await stack.query(
      b,
      `query($inv: ID!, $pay: ID!, $num: String!, $c: ID!) {
        invoice(id: $inv) { id } payment(id: $pay) { id } invoiceByNumber(number: $num) { id }
        invoices { totalCount } byCustomer: invoices(filter: {customerId: $c}) { totalCount }
        overdue: invoices(filter: {overdueAsOf: "2100-01-01"}) { totalCount } issued: invoices(filter: {issuedAfter: "2000-01-01"}) { totalCount }
        payments { nodes { id } } paymentsByCustomer: payments(filter: {customerId: $c}) { totalCount } unallocated: payments(filter: {unallocated: true}) { nodes { id } }
        customer(id: $c) { id receivables { outstanding { amount } } }
        receivablesAgeing(asOf: "2025-12-31") { customers { outstanding { amount } } outstanding { amount } daysSalesOutstanding }
        journalEntries { nodes { reference } } }`,
      { inv: ids.invoice, pay: ids.payment, num: ids.number, c: ids.customer },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      invoice: null,
      payment: null,
      invoiceByNumber: null,
      invoices: { totalCount: 0 },
      byCustomer: { totalCount: 0 },
      overdue: { totalCount: 0 },
      issued: { totalCount: 0 },
      payments: { nodes: [{ id: ids.bPayment }] },
      paymentsByCustomer: { totalCount: 0 },
      unallocated: { nodes: [{ id: ids.bPayment }] },
      customer: null,
      receivablesAgeing: { customers: [], outstanding: m('0.00'), daysSalesOutstanding: null },
      journalEntries: { nodes: [{ reference: ids.bPayment }] },
    });
    const check = await stack.query(
      b,
      'query($c: ID!) { creditCheck(customerId: $c, amount: {amount: "1", currency: "CNY"}) { allowed } }',
      { c: ids.customer },
    );
    expect(check.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  });

  it('the finance subgraph resolves A’s Customer as empty for B', async () => {
    const finance = stack.subgraphs.finance;
    const contextValue = await finance.contextFor({
      tenantId: bTenant,
      userId: 'u',
      scopes: [...ALL_SCOPES],
      exp: Date.now() / 1000 + 60,
      requestId: 'r',
    });
    const result = await finance.apollo.executeOperation(
      {
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id
          receivables(asOf: "2025-12-31") { outstanding { amount } unallocatedPayments { amount } invoiceCount }
          credit { exposure { amount } } invoices { totalCount } payments { totalCount } } } }`,
        variables: { r: [{ __typename: 'Customer', id: ids.customer }] },
      },
      { contextValue },
    );
    const body = result.body as any;
    expect(body.singleResult.errors).toBeUndefined();
    expect(body.singleResult.data._entities).toEqual([
      {
        id: ids.customer,
        receivables: { outstanding: m('0.00'), unallocatedPayments: m('0.00'), invoiceCount: 0 },
        credit: { exposure: m('0.00') },
        invoices: { totalCount: 0 },
        payments: { totalCount: 0 },
      },
    ]);
  });

  it('B changes nothing of A: every attempt reads as NOT_FOUND', async () => {
    const line = '{description: "x", quantity: "1", unitPrice: {amount: "1", currency: "CNY"}}';
    const attempts: [string, Record<string, unknown>][] = [
      [`mutation($id: ID!) { issueInvoice(input: {id: $id}) { ${ERRORS} } }`, { id: ids.draft }],
      [`mutation($id: ID!) { voidInvoice(input: {id: $id}) { ${ERRORS} } }`, { id: ids.open }],
      [
        `mutation($c: ID!) { createInvoice(input: {customerId: $c, lines: [${line}]}) { ${ERRORS} } }`,
        { c: ids.customer },
      ],
      [
        `mutation($c: ID!) { recordPayment(input: {customerId: $c, amount: {amount: "1", currency: "CNY"}, receivedOn: "2025-04-02", method: CASH}) { ${ERRORS} } }`,
        { c: ids.customer },
      ],
      [
        `mutation($c: ID!, $i: ID!) { recordPayment(input: {customerId: $c, amount: {amount: "1", currency: "CNY"}, receivedOn: "2025-04-02", method: CASH,
          allocations: [{invoiceId: $i, amount: {amount: "1", currency: "CNY"}}]}) { ${ERRORS} } }`,
        { c: ids.bCustomer, i: ids.open },
      ],
      [`mutation($p: ID!) { allocatePayment(input: {paymentId: $p}) { ${ERRORS} } }`, { p: ids.payment }],
      [
        `mutation($p: ID!, $i: ID!) { allocatePayment(input: {paymentId: $p, allocations: [{invoiceId: $i, amount: {amount: "1", currency: "CNY"}}]}) { ${ERRORS} } }`,
        { p: ids.payment, i: ids.open },
      ],
      [
        `mutation($p: ID!, $i: ID!) { allocatePayment(input: {paymentId: $p, allocations: [{invoiceId: $i, amount: {amount: "1", currency: "CNY"}}]}) { ${ERRORS} } }`,
        { p: ids.bPayment, i: ids.open },
      ],
      [
        `mutation($c: ID!) { setCreditLimit(input: {customerId: $c, limit: {amount: "1", currency: "CNY"}}) { ${ERRORS} } }`,
        { c: ids.customer },
      ],
      [`mutation($c: ID!) { setCreditLimit(input: {customerId: $c, limit: null}) { ${ERRORS} } }`, { c: ids.customer }],
      [`mutation($c: ID!) { setPaymentTerms(input: {customerId: $c, days: 1}) { ${ERRORS} } }`, { c: ids.customer }],
    ];
    for (const [query, variables] of attempts) {
      const payload = await ok(b, query, variables);
      expect(
        payload.userErrors.map((e: any) => e.code),
        query,
      ).toEqual(['NOT_FOUND']);
    }
    // B's own payment stayed whole: the refused allocation wrote nothing.
    expect(
      await ok(b, 'query($p: ID!) { payment(id: $p) { unallocated { amount } allocations { amount { amount } } } }', {
        p: ids.bPayment,
      }),
    ).toEqual({
      unallocated: m('10.00'),
      allocations: [],
    });
  });

  it('A’s data is unchanged', async () => {
    const res = await stack.query(
      a,
      `query($inv: ID!, $open: ID!, $draft: ID!, $pay: ID!, $c: ID!) {
        invoice(id: $inv) { status amountPaid { amount } balance { amount } }
        open: invoice(id: $open) { status amountPaid { amount } }
        draft: invoice(id: $draft) { status number }
        payment(id: $pay) { unallocated { amount } allocations { invoice { id } amount { amount } } }
        invoices { totalCount } payments { totalCount }
        customer(id: $c) { paymentTermsDays credit { limit { amount } exposure { amount } } receivables(asOf: "2025-12-31") { outstanding { amount } unallocatedPayments { amount } } } }`,
      { inv: ids.invoice, open: ids.open, draft: ids.draft, pay: ids.payment, c: ids.customer },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      invoice: { status: 'PARTIALLY_PAID', amountPaid: m('50.00'), balance: m('63.00') },
      open: { status: 'OPEN', amountPaid: m('0.00') },
      draft: { status: 'DRAFT', number: null },
      payment: { unallocated: m('30.00'), allocations: [{ invoice: { id: ids.invoice }, amount: m('50.00') }] },
      invoices: { totalCount: 3 },
      payments: { totalCount: 1 },
      // 113 - 50 + 226 = 289
      customer: {
        paymentTermsDays: 30,
        credit: { limit: null, exposure: m('289.00') },
        receivables: { outstanding: m('289.00'), unallocatedPayments: m('30.00') },
      },
    });
  });
});

/**
 * `n` customers, each with an issued invoice (113.00, due 2025-01-31, so over 90 days past due), a
 * newer draft, an unallocated payment of 10.00, a credit limit of 1000.00 and a confirmed order of
 * 50.00 not yet invoiced, all written straight into the tables.
 */
async function seed(n: number) {
  const tenantId = newTenant('batch');
  const token = await stack.token(tenantId);
  // Provision the tenant in every subgraph before counting.
  await ok(token, '{ customers { totalCount } financeSettings { currency } }');
  const now = Date.now();
  const customerRows = Array.from({ length: n }, (_, i) => ({
    tenantId,
    id: uuidv7(now + i),
    name: `Customer ${String(i).padStart(3, '0')}`,
    kind: 'COMPANY',
    createdAt: new Date(now + i),
    updatedAt: new Date(now + i),
  }));
  await stack.database.db.insert(customers).values(customerRows);
  const invoiceRows = customerRows.flatMap((c, i) => [
    {
      tenantId,
      id: uuidv7(),
      year: 2025,
      number: i + 1,
      customerId: c.id,
      status: 'OPEN',
      currency: 'CNY',
      issueDate: '2025-01-01',
      dueDate: '2025-01-31',
      subtotal: '100.00',
      taxTotal: '13.00',
      total: '113.00',
      amountPaid: '0',
      createdAt: new Date(now),
      issuedAt: new Date(now),
    },
    {
      tenantId,
      id: uuidv7(),
      customerId: c.id,
      status: 'DRAFT',
      currency: 'CNY',
      subtotal: '50.00',
      taxTotal: '6.50',
      total: '56.50',
      createdAt: new Date(now + 1),
    },
  ]);
  await stack.database.db.insert(invoices).values(invoiceRows);
  await stack.database.db.insert(payments).values(
    customerRows.map((c) => ({
      tenantId,
      id: uuidv7(),
      customerId: c.id,
      amount: '10.00',
      currency: 'CNY',
      receivedOn: '2025-02-01',
      method: 'CASH',
      createdAt: new Date(now),
    })),
  );
  await stack.database.db
    .insert(customerAccounts)
    .values(
      customerRows.map((c) => ({ tenantId, customerId: c.id, creditLimit: '1000.00', updatedAt: new Date(now) })),
    );
  await stack.database.db.insert(orderExposures).values(
    customerRows.map((c) => ({
      tenantId,
      orderId: uuidv7(),
      customerId: c.id,
      amount: '50.00',
      status: 'CONFIRMED',
      updatedAt: new Date(now),
    })),
  );
  return { tenantId, token, customerIds: customerRows.map((c) => c.id), invoiceIds: invoiceRows.map((i) => i.id) };
}

const LIST = `{ customers(first: 100) { nodes { id name
  receivables { outstanding { amount } ageing { over90 { amount } } }
  credit { status exposure { amount } }
  invoices { totalCount nodes { number total { amount } } }
  payments { totalCount }
  paymentTermsDays } } }`;

describe('finance fields over many customers', () => {
  async function statementsFor(n: number) {
    const { tenantId, token, customerIds } = await seed(n);
    const { result, statements } = await countStatements(tenantId, () => stack.query(token, LIST));
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    expect(result.data.customers.nodes).toHaveLength(n);
    return { result, statements, customerIds };
  }

  it('runs the same number of SQL statements for 10 and for 100 customers', async () => {
    const ten = await statementsFor(10);
    const hundred = await statementsFor(100);
    const first = hundred.result.data.customers.nodes.find((c: any) => c.id === hundred.customerIds[0]);
    expect(first).toEqual({
      id: hundred.customerIds[0],
      name: 'Customer 000',
      receivables: { outstanding: m('113.00'), ageing: { over90: m('113.00') } },
      credit: { status: 'HOLD', exposure: m('163.00') }, // 113 outstanding + 50 unbilled; over 90 days past due
      invoices: {
        totalCount: 2,
        nodes: [
          { number: null, total: m('56.50') },
          { number: 'INV-2025-000001', total: m('113.00') },
        ],
      },
      payments: { totalCount: 1 },
      paymentTermsDays: 30,
    });
    expect(hundred.statements.length, hundred.statements.join('\n')).toBe(ten.statements.length);
  });
});

describe('_entities in the finance subgraph', () => {
  it('resolves 100 Invoice references with one SQL statement', async () => {
    const { tenantId, invoiceIds } = await seed(50);
    const finance = stack.subgraphs.finance;
    const contextValue = await finance.contextFor({
      tenantId,
      userId: 'u',
      scopes: [...ALL_SCOPES],
      exp: Date.now() / 1000 + 60,
      requestId: 'r',
    });
    const { result, statements } = await countStatements(tenantId, () =>
      finance.apollo.executeOperation(
        {
          query:
            'query($r: [_Any!]!) { _entities(representations: $r) { ... on Invoice { id number status total { amount } } } }',
          variables: { r: invoiceIds.map((id) => ({ __typename: 'Invoice', id })) },
        },
        { contextValue },
      ),
    );
    const body = result.body as any;
    expect(body.singleResult.errors).toBeUndefined();
    expect(invoiceIds).toHaveLength(100);
    expect(body.singleResult.data._entities.map((e: any) => e.id)).toEqual(invoiceIds);
    expect(body.singleResult.data._entities.slice(0, 2)).toEqual([
      { id: invoiceIds[0], number: 'INV-2025-000001', status: 'OPEN', total: m('113.00') },
      { id: invoiceIds[1], number: null, status: 'DRAFT', total: m('56.50') },
    ]);
    expect(statements).toHaveLength(1);
  });
});
