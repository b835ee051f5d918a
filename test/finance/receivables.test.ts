import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDelivery } from '../../lib/events/signature.js';
import { uuidv7 } from '../../lib/ids.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';
import { deliverToFinance, envelope, orderEvent } from './deliver.js';

/**
 * Receivables, ageing, days sales outstanding and credit through the gateway, checked against
 * numbers worked out by hand (see the comments), never against the product's own arithmetic.
 * Default tax 13%, default terms 30 days; every amount is CNY.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const ERRORS = 'userErrors { code field }';
const BUCKETS = 'current { amount } days1To30 { amount } days31To60 { amount } days61To90 { amount } over90 { amount }';
const CREDIT = 'credit { limit { amount currency } exposure { amount currency } available { amount } status }';

const m = (amount: string) => ({ amount });
const cny = (amount: string) => ({ amount, currency: 'CNY' });
const buckets = (current: string, days1To30: string, days31To60: string, days61To90: string, over90: string) => ({
  current: m(current),
  days1To30: m(days1To30),
  days31To60: m(days31To60),
  days61To90: m(days61To90),
  over90: m(over90),
});

/** A UTC day `n` days before today. */
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** The root payload; no GraphQL errors allowed. */
async function ok(token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await stack.query(token, query, variables);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return Object.values(res.data)[0] as any;
}

async function createCustomer(token: string, name: string): Promise<string> {
  return (
    await ok(token, 'mutation($n: String!) { createCustomer(input: {name: $n}) { customer { id } } }', { n: name })
  ).customer.id;
}

type Line = { price: string; quantity?: string; taxRate?: string };
const lineInput = (l: Line) => ({
  description: 'Goods',
  quantity: l.quantity ?? '1',
  unitPrice: cny(l.price),
  taxRate: l.taxRate,
});

async function draftInvoice(token: string, customerId: string, lines: Line[], orderId?: string) {
  const created = await ok(
    token,
    `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { id status total { amount } } ${ERRORS} } }`,
    {
      input: { customerId, orderId, lines: lines.map(lineInput) },
    },
  );
  expect(created.userErrors).toEqual([]);
  return created.invoice as { id: string; status: string; total: { amount: string } };
}

async function issue(token: string, id: string, issueDate: string) {
  const issued = await ok(
    token,
    `mutation($id: ID!, $d: Date) { issueInvoice(input: {id: $id, issueDate: $d}) { invoice { id number status issueDate dueDate total { amount } } ${ERRORS} } }`,
    {
      id,
      d: issueDate,
    },
  );
  expect(issued.userErrors).toEqual([]);
  return issued.invoice as {
    id: string;
    number: string;
    status: string;
    issueDate: string;
    dueDate: string;
    total: { amount: string };
  };
}

async function issuedInvoice(token: string, customerId: string, lines: Line[], issueDate: string, orderId?: string) {
  return issue(token, (await draftInvoice(token, customerId, lines, orderId)).id, issueDate);
}

async function pay(
  token: string,
  customerId: string,
  amount: string,
  receivedOn: string,
  allocations?: [string, string][],
) {
  const res = await ok(
    token,
    `mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { payment { id unallocated { amount } } ${ERRORS} } }`,
    {
      input: {
        customerId,
        amount: cny(amount),
        receivedOn,
        method: 'BANK_TRANSFER',
        allocations: allocations?.map(([invoiceId, a]) => ({ invoiceId, amount: cny(a) })),
      },
    },
  );
  expect(res.userErrors).toEqual([]);
  return res.payment as { id: string; unallocated: { amount: string } };
}

/** A valid shipment.shipped payload (one line of 2 x 10.00, cost 4.00) for a customer. */
const shipped = (customerId: string) => ({
  shipmentId: uuidv7(),
  number: 'SH-000001',
  orderId: uuidv7(),
  orderNumber: 'SO-000001',
  customerId,
  currency: 'CNY',
  shippedOn: daysAgo(0),
  lines: [
    {
      orderLineId: uuidv7(),
      productId: uuidv7(),
      sku: 'W',
      name: 'Widget',
      quantity: '2',
      unitPrice: '10.0000',
      discountPercent: '0.00',
      unitCost: '4.0000',
      shippedBefore: '0',
    },
  ],
});

/**
 * What order-fulfilment's relay does when an order is confirmed (or cancelled): a signed
 * salesOrder.confirmed (salesOrder.cancelled) delivered to finance's /events endpoint.
 */
async function recordExposure(
  tenantId: string,
  orderId: string,
  customerId: string,
  total: string,
  status: 'CONFIRMED' | 'CANCELLED' = 'CONFIRMED',
) {
  const event = orderEvent(tenantId, status === 'CONFIRMED' ? 'confirmed' : 'cancelled', {
    orderId,
    customerId,
    total,
  });
  expect(await deliverToFinance(stack, event)).toEqual({ status: 200, body: { status: 'applied' } });
  return event;
}

/** What order-fulfilment's relay does when one unit of an order ships at `price`: a shipment.shipped, invoiced today. */
async function shipOrder(tenantId: string, orderId: string, customerId: string, price: string) {
  const base = shipped(customerId);
  const payload = { ...base, orderId, lines: [{ ...base.lines[0], quantity: '1', unitPrice: price, unitCost: '0' }] };
  expect(await deliverToFinance(stack, envelope(tenantId, 'shipment.shipped', payload))).toEqual({
    status: 200,
    body: { status: 'applied' },
  });
}

describe('receivables ageing against a hand-built fixture', () => {
  let token: string;
  let c1: string;
  let c2: string;

  /*
   * Customer 1 (terms 30). Issue dates are due - 30; days past due counted on T1 = 2025-06-30.
   *   A  issue 2025-05-31 due 2025-06-30 (0 days)    3 x 33.33 = 99.99 + tax 12.9987 -> 13.00 = 112.99
   *   B  issue 2025-05-30 due 2025-06-29 (1 day)      200 + 26 = 226.00
   *   C  issue 2025-05-01 due 2025-05-31 (30 days)    300 + 39 = 339.00
   *   D  issue 2025-04-30 due 2025-05-30 (31 days)    400 + 52 = 452.00; 52.00 paid 2025-06-01
   *   E  issue 2025-04-01 due 2025-05-01 (60 days)    500 + 65 = 565.00
   *   F  issue 2025-03-31 due 2025-04-30 (61 days)    600 + 78 = 678.00; paid in full 2025-07-05
   *   G  issue 2025-03-02 due 2025-04-01 (90 days)    700 + 91 = 791.00
   *   H  issue 2025-03-01 due 2025-03-31 (91 days)    800 + 104 = 904.00; 100.00 paid 2025-06-15
   *   J  issue 2025-06-10 due 2025-07-10 (not due)    900 + 117 = 1017.00
   *   V  issue 2025-04-15, 1000 + 130 = 1130.00, voided; K a draft of 500: neither counts.
   * Payments: P1 150.00 on 2025-06-15 (100.00 to H, 50.00 unallocated); P2 52.00 on 2025-06-01 (to D);
   *           P3 700.00 on 2025-07-05 (678.00 to F, 22.00 unallocated).
   * Customer 2 (terms 10): X issue 2025-06-25 due 2025-07-05, 2000 + 260 = 2260.00;
   *                        Y issue 2025-06-01 due 2025-06-11, 100 + 13 = 113.00, paid 2025-06-20.
   */
  beforeAll(async () => {
    token = await stack.token(newTenant('ageing'));
    c1 = await createCustomer(token, 'Ageing One');
    c2 = await createCustomer(token, 'Ageing Two');
    const fixture: [string, Line, string, string][] = [
      ['A', { price: '33.33', quantity: '3' }, '2025-05-31', '2025-06-30'],
      ['B', { price: '200' }, '2025-05-30', '2025-06-29'],
      ['C', { price: '300' }, '2025-05-01', '2025-05-31'],
      ['D', { price: '400' }, '2025-04-30', '2025-05-30'],
      ['E', { price: '500' }, '2025-04-01', '2025-05-01'],
      ['F', { price: '600' }, '2025-03-31', '2025-04-30'],
      ['G', { price: '700' }, '2025-03-02', '2025-04-01'],
      ['H', { price: '800' }, '2025-03-01', '2025-03-31'],
      ['J', { price: '900' }, '2025-06-10', '2025-07-10'],
    ];
    const totals: Record<string, string> = {
      A: '112.99',
      B: '226.00',
      C: '339.00',
      D: '452.00',
      E: '565.00',
      F: '678.00',
      G: '791.00',
      H: '904.00',
      J: '1017.00',
    };
    const ids: Record<string, string> = {};
    for (const [name, line, issueDate, dueDate] of fixture) {
      const invoice = await issuedInvoice(token, c1, [line], issueDate);
      expect({
        name,
        status: invoice.status,
        issueDate: invoice.issueDate,
        dueDate: invoice.dueDate,
        total: invoice.total.amount,
      }).toEqual({
        name,
        status: 'OPEN',
        issueDate,
        dueDate,
        total: totals[name],
      });
      ids[name] = invoice.id;
    }
    const voided = await issuedInvoice(token, c1, [{ price: '1000' }], '2025-04-15');
    const voidRes = await ok(
      token,
      `mutation($id: ID!) { voidInvoice(input: {id: $id, reason: "wrong customer"}) { invoice { status } ${ERRORS} } }`,
      { id: voided.id },
    );
    expect(voidRes).toEqual({ invoice: { status: 'VOID' }, userErrors: [] });
    await draftInvoice(token, c1, [{ price: '500' }]);

    expect((await pay(token, c1, '150.00', '2025-06-15', [[ids.H, '100.00']])).unallocated).toEqual(m('50.00'));
    expect((await pay(token, c1, '52.00', '2025-06-01', [[ids.D, '52.00']])).unallocated).toEqual(m('0.00'));
    expect((await pay(token, c1, '700.00', '2025-07-05', [[ids.F, '678.00']])).unallocated).toEqual(m('22.00'));

    const terms = await ok(
      token,
      `mutation($c: ID!) { setPaymentTerms(input: {customerId: $c, days: 10}) { customer { paymentTermsDays } ${ERRORS} } }`,
      { c: c2 },
    );
    expect(terms).toEqual({ customer: { paymentTermsDays: 10 }, userErrors: [] });
    expect(await issuedInvoice(token, c2, [{ price: '2000' }], '2025-06-25')).toMatchObject({
      dueDate: '2025-07-05',
      total: m('2260.00'),
    });
    const y = await issuedInvoice(token, c2, [{ price: '100' }], '2025-06-01');
    expect(y).toMatchObject({ dueDate: '2025-06-11', total: m('113.00') });
    await pay(token, c2, '113.00', '2025-06-20', [[y.id, '113.00']]);
  });

  const RECEIVABLES = `query($c: ID!, $asOf: Date) {
    customer(id: $c) { receivables(asOf: $asOf) { outstanding { amount currency } overdue { amount } unallocatedPayments { amount } ageing { ${BUCKETS} } oldestOverdueDays invoiceCount } }
    receivablesAgeing(asOf: $asOf) { asOf customers { customer { id name } outstanding { amount } ageing { ${BUCKETS} } } total { ${BUCKETS} } outstanding { amount } daysSalesOutstanding } }`;

  async function receivablesAsOf(asOf: string | null) {
    const res = await stack.query(token, RECEIVABLES, { c: c1, asOf });
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const ageing = res.data.receivablesAgeing;
    ageing.customers.sort((a: any, b: any) => a.customer.name.localeCompare(b.customer.name));
    return { receivables: res.data.customer.receivables, ageing };
  }

  it('on 2025-06-30: 0 days past due is current, 1 and 30 are 1-30, 31 and 60 are 31-60, 61 and 90 are 61-90, 91 is over 90', async () => {
    const { receivables, ageing } = await receivablesAsOf('2025-06-30');
    // Balances on the day: D 452 - 52 = 400, H 904 - 100 = 804, F still 678 (paid on 07-05).
    // current A 112.99 + J 1017 = 1129.99; 1-30 B 226 + C 339 = 565; 31-60 D 400 + E 565 = 965;
    // 61-90 F 678 + G 791 = 1469; over 90 H 804. Outstanding 4932.99, overdue 4932.99 - 1129.99 = 3803.00.
    expect(receivables).toEqual({
      outstanding: cny('4932.99'),
      overdue: m('3803.00'),
      unallocatedPayments: m('50.00'), // P1's rest; P3 comes after the day
      ageing: buckets('1129.99', '565.00', '965.00', '1469.00', '804.00'),
      oldestOverdueDays: 91,
      invoiceCount: 9,
    });
    // Customer 2: X (due 07-05) current; Y paid on 06-20. Total outstanding 4932.99 + 2260 = 7192.99.
    // Invoiced in the 90 days 2025-04-02 .. 2025-06-30: A 112.99 + B 226 + C 339 + D 452 + J 1017 + X 2260
    // + Y 113 = 4519.99 (E issued 04-01 is 90 days before, outside; V is void).
    // DSO = 7192.99 / 4519.99 x 90 = 143.2235... -> 143.22
    expect(ageing).toEqual({
      asOf: '2025-06-30',
      customers: [
        {
          customer: { id: c1, name: 'Ageing One' },
          outstanding: m('4932.99'),
          ageing: buckets('1129.99', '565.00', '965.00', '1469.00', '804.00'),
        },
        {
          customer: { id: c2, name: 'Ageing Two' },
          outstanding: m('2260.00'),
          ageing: buckets('2260.00', '0.00', '0.00', '0.00', '0.00'),
        },
      ],
      total: buckets('3389.99', '565.00', '965.00', '1469.00', '804.00'),
      outstanding: m('7192.99'),
      daysSalesOutstanding: 143.22,
    });
  });

  it('on 2025-07-31: the payment of 2025-07-05 counts, everything has moved on 31 days', async () => {
    const { receivables, ageing } = await receivablesAsOf('2025-07-31');
    // Days past due: A 31, B 32, C 61, D 62, E 91, F paid, G 121, H 122, J 21.
    // 1-30 J 1017; 31-60 A 112.99 + B 226 = 338.99; 61-90 C 339 + D 400 = 739; over 90 E 565 + G 791 + H 804 = 2160.
    expect(receivables).toEqual({
      outstanding: cny('4254.99'),
      overdue: m('4254.99'),
      unallocatedPayments: m('72.00'), // 50 + 22
      ageing: buckets('0.00', '1017.00', '338.99', '739.00', '2160.00'),
      oldestOverdueDays: 122,
      invoiceCount: 8,
    });
    // X 26 days past due. Invoiced 2025-05-03 .. 2025-07-31: A 112.99 + B 226 + J 1017 + X 2260 + Y 113 = 3728.99.
    // DSO = (4254.99 + 2260) / 3728.99 x 90 = 6514.99 / 3728.99 x 90 = 157.2407... -> 157.24
    expect(ageing).toEqual({
      asOf: '2025-07-31',
      customers: [
        {
          customer: { id: c1, name: 'Ageing One' },
          outstanding: m('4254.99'),
          ageing: buckets('0.00', '1017.00', '338.99', '739.00', '2160.00'),
        },
        {
          customer: { id: c2, name: 'Ageing Two' },
          outstanding: m('2260.00'),
          ageing: buckets('0.00', '2260.00', '0.00', '0.00', '0.00'),
        },
      ],
      total: buckets('0.00', '3277.00', '338.99', '739.00', '2160.00'),
      outstanding: m('6514.99'),
      daysSalesOutstanding: 157.24,
    });
  });

  it('on 2025-04-30: invoices issued later are left out, payments received later reduce nothing', async () => {
    const { receivables, ageing } = await receivablesAsOf('2025-04-30');
    // Issued by then: D (on the day), E, F, G, H (V is void). D -30, E -1, F 0 -> current 452 + 565 + 678 = 1695;
    // G 29 and H 30 -> 1-30 791 + 904 = 1695. No payment yet.
    const c1Buckets = buckets('1695.00', '1695.00', '0.00', '0.00', '0.00');
    expect(receivables).toEqual({
      outstanding: cny('3390.00'),
      overdue: m('1695.00'),
      unallocatedPayments: m('0.00'),
      ageing: c1Buckets,
      oldestOverdueDays: 30,
      invoiceCount: 5,
    });
    // Invoiced 2025-01-31 .. 2025-04-30: the same 3390.00 -> DSO = 3390 / 3390 x 90 = 90.
    expect(ageing).toEqual({
      asOf: '2025-04-30',
      customers: [{ customer: { id: c1, name: 'Ageing One' }, outstanding: m('3390.00'), ageing: c1Buckets }],
      total: c1Buckets,
      outstanding: m('3390.00'),
      daysSalesOutstanding: 90,
    });
  });

  it('defaults to today, and has no DSO without sales in the 90 days', async () => {
    const { receivables, ageing } = await receivablesAsOf(null);
    expect(receivables).toEqual({
      outstanding: cny('4254.99'),
      overdue: m('4254.99'),
      unallocatedPayments: m('72.00'),
      ageing: buckets('0.00', '0.00', '0.00', '0.00', '4254.99'),
      oldestOverdueDays: daysBetween('2025-03-31', daysAgo(0)),
      invoiceCount: 8,
    });
    expect(ageing).toMatchObject({ asOf: daysAgo(0), outstanding: m('6514.99'), daysSalesOutstanding: null });
  });
});

describe('credit', () => {
  const credit = async (token: string, c: string) =>
    (await ok(token, `query($c: ID!) { customer(id: $c) { ${CREDIT} } }`, { c })).credit;
  const setLimit = (token: string, c: string, limit: string | null) =>
    ok(
      token,
      `mutation($c: ID!, $l: MoneyInput) { setCreditLimit(input: {customerId: $c, limit: $l}) { customer { ${CREDIT} } ${ERRORS} } }`,
      { c, l: limit === null ? null : cny(limit) },
    );
  const creditCheck = (token: string, c: string, amount: string) =>
    ok(
      token,
      'query($c: ID!, $a: MoneyInput!) { creditCheck(customerId: $c, amount: $a) { allowed reason exposure { amount } limit { amount } available { amount } } }',
      { c, a: cny(amount) },
    );

  it('is OK up to 80% of the limit, WARNING above, HOLD above the limit; exposure counts unbilled confirmed orders once', async () => {
    const tenant = newTenant('credit');
    const token = await stack.token(tenant);
    const c = await createCustomer(token, 'Credit Co');
    expect(await credit(token, c)).toEqual({ limit: null, exposure: cny('0.00'), available: null, status: 'OK' });

    expect(await setLimit(token, c, '1000')).toEqual({
      customer: { credit: { limit: cny('1000.00'), exposure: cny('0.00'), available: m('1000.00'), status: 'OK' } },
      userErrors: [],
    });
    await issuedInvoice(token, c, [{ price: '700' }], daysAgo(0)); // 791.00, not yet due
    expect(await credit(token, c)).toMatchObject({ exposure: cny('791.00'), available: m('209.00'), status: 'OK' });

    const o1 = uuidv7();
    const o2 = uuidv7();
    await recordExposure(tenant, o1, c, '9.00');
    expect(await credit(token, c)).toMatchObject({ exposure: cny('800.00'), available: m('200.00'), status: 'OK' }); // exactly 80%
    // The same order confirmed again with a new total: one exposure, the latest amount; the same
    // event delivered again (a relay's retry) changes nothing.
    const again = await recordExposure(tenant, o1, c, '9.01');
    expect(await deliverToFinance(stack, again)).toEqual({ status: 200, body: { status: 'duplicate' } });
    expect(await credit(token, c)).toMatchObject({
      exposure: cny('800.01'),
      available: m('199.99'),
      status: 'WARNING',
    });
    await recordExposure(tenant, o2, c, '199.99');
    expect(await credit(token, c)).toMatchObject({ exposure: cny('1000.00'), available: m('0.00'), status: 'WARNING' }); // at the limit
    await recordExposure(tenant, o2, c, '200.00');
    expect(await credit(token, c)).toMatchObject({ exposure: cny('1000.01'), available: m('-0.01'), status: 'HOLD' });
    await recordExposure(tenant, o2, c, '200.00', 'CANCELLED');
    expect(await credit(token, c)).toMatchObject({
      exposure: cny('800.01'),
      available: m('199.99'),
      status: 'WARNING',
    });

    // creditCheck: 800.01 + 199.99 = 1000.00 is within the limit, + 200.00 is not.
    expect(await creditCheck(token, c, '199.99')).toEqual({
      allowed: true,
      reason: null,
      exposure: m('800.01'),
      limit: m('1000.00'),
      available: m('199.99'),
    });
    const refused = await creditCheck(token, c, '200.00');
    expect(refused).toMatchObject({
      allowed: false,
      exposure: m('800.01'),
      limit: m('1000.00'),
      available: m('199.99'),
    });
    expect(refused.reason).toMatch(/1000\.01/);

    // Order 1 partly shipped and so invoiced (5 + 0.65 = 5.65; orders are billed from their shipments,
    // never by hand): the invoice bills 5.00 of the order's 9.01 (order totals are net of tax), and
    // the 5.65 is outstanding.
    await shipOrder(tenant, o1, c, '5');
    // outstanding 791 + 5.65 = 796.65, unbilled 9.01 - 5.00 = 4.01 -> 800.66 (not 805.66: the 5.00 counts once)
    expect(await credit(token, c)).toMatchObject({ exposure: cny('800.66'), status: 'WARNING' });
    // Invoiced beyond the order (10.00 ordered, 10.00 + 1.30 tax invoiced): nothing unbilled, never negative.
    const o3 = uuidv7();
    await recordExposure(tenant, o3, c, '10.00');
    await shipOrder(tenant, o3, c, '10');
    // outstanding 796.65 + 11.30 = 807.95, unbilled 4.01 + 0 -> 811.96
    expect(await credit(token, c)).toMatchObject({
      exposure: cny('811.96'),
      available: m('188.04'),
      status: 'WARNING',
    });

    // Over the limit, then the limit removed: never held without one.
    await recordExposure(tenant, uuidv7(), c, '500.00');
    expect(await credit(token, c)).toMatchObject({ exposure: cny('1311.96'), status: 'HOLD' });
    expect(await setLimit(token, c, null)).toEqual({
      customer: { credit: { limit: null, exposure: cny('1311.96'), available: null, status: 'OK' } },
      userErrors: [],
    });
    expect(await creditCheck(token, c, '1000000.00')).toEqual({
      allowed: true,
      reason: null,
      exposure: m('1311.96'),
      limit: null,
      available: null,
    });
  });

  it('the events endpoint refuses unsigned or wrongly signed deliveries (401) and invalid events (422), changing nothing', async () => {
    const tenant = newTenant('internal');
    const token = await stack.token(tenant);
    const c = await createCustomer(token, 'Internal Co');
    const valid = orderEvent(tenant, 'confirmed', { orderId: uuidv7(), customerId: c, total: '5.00' });
    const body = JSON.stringify(valid);
    const unauthenticated = {
      status: 401,
      body: {
        errors: [{ message: 'Event deliveries must be signed by a relay', extensions: { code: 'UNAUTHENTICATED' } }],
      },
    };

    // The mutation that used to take these reports is gone from the graph.
    const gone = await stack.query(token, 'mutation { recordOrderExposure(input: {}) { userErrors { code } } }');
    expect([gone.status, gone.errors?.[0].extensions?.code]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED']);

    const now = Date.now() / 1000;
    const badSignatures: [string, string | null][] = [
      ['none', null],
      ['garbage', 'not-a-signature'],
      ['another secret', signDelivery('not-the-secret', 'finance', body)],
      ['signed for another subgraph', signDelivery(stack.secrets.signingSecret, 'customer', body)],
      [
        'signed for another body',
        signDelivery(
          stack.secrets.signingSecret,
          'finance',
          JSON.stringify({ ...valid, payload: { ...valid.payload, total: '0.01' } }),
        ),
      ],
      ['signed too long ago', signDelivery(stack.secrets.signingSecret, 'finance', body, now - 3600)],
    ];
    for (const [why, signature] of badSignatures)
      expect(await deliverToFinance(stack, body, { signature }), why).toEqual(unauthenticated);

    const rejected = (message: string | RegExp) => ({
      status: 422,
      body: { errors: [{ message: expect.stringMatching(message), extensions: { code: 'EVENT_REJECTED' } }] },
    });
    const invalid: [unknown, string | RegExp][] = [
      [[valid], /id must be a UUID/],
      [{ ...valid, id: 'nope' }, /id must be a UUID/],
      [{ ...valid, type: 'salesOrder.exploded' }, /Unknown event type/],
      [{ ...valid, type: 'invoice.issued' }, /finance does not consume invoice.issued/],
      [{ ...valid, version: 2 }, /version 2 is not supported/],
      [{ ...valid, tenantId: 'Not A Tenant!' }, /tenantId is invalid/],
      [{ ...valid, occurredAt: 'yesterday' }, /occurredAt/],
      [{ ...valid, payload: null }, /payload must be an object/],
      [{ ...valid, payload: { ...valid.payload, orderId: 'nope' } }, /INVALID_ID: orderId must be a UUID/],
      [{ ...valid, payload: { ...valid.payload, customerId: undefined } }, /INVALID_ID: customerId/],
      [{ ...valid, payload: { ...valid.payload, total: '-5' } }, /INVALID_DECIMAL/],
      [{ ...valid, payload: { ...valid.payload, total: 5 } }, /INVALID_DECIMAL/],
      [{ ...valid, payload: { ...valid.payload, total: '5.001' } }, /TOO_PRECISE/],
      [{ ...valid, payload: { ...valid.payload, currency: 'USD' } }, /CURRENCY_MISMATCH/],
      [envelope(tenant, 'shipment.shipped', { ...shipped(c), lines: [] }), /INVALID_LIST/],
      [envelope(tenant, 'shipment.shipped', { ...shipped(c), shippedOn: '2026-02-30' }), /INVALID_DATE/],
      [
        envelope(tenant, 'shipment.shipped', { ...shipped(c), lines: [{ ...shipped(c).lines[0], quantity: '0' }] }),
        /OUT_OF_RANGE/,
      ],
      [
        envelope(tenant, 'shipment.shipped', {
          ...shipped(c),
          lines: [{ ...shipped(c).lines[0], discountPercent: '100.01' }],
        }),
        /OUT_OF_RANGE/,
      ],
      [
        envelope(tenant, 'shipment.shipped', {
          ...shipped(c),
          lines: [{ ...shipped(c).lines[0], shippedBefore: '-1' }],
        }),
        /INVALID_DECIMAL: lines.0.shippedBefore/,
      ],
      [
        envelope(tenant, 'shipment.shipped', {
          ...shipped(c),
          lines: [{ ...shipped(c).lines[0], shippedBefore: '1.00001' }],
        }),
        /TOO_PRECISE/,
      ],
      [
        envelope(tenant, 'shipment.shipped', {
          ...shipped(c),
          lines: [{ ...shipped(c).lines[0], shippedBefore: 2 as unknown as string }],
        }),
        /INVALID_DECIMAL/,
      ],
      [
        envelope(tenant, 'shipment.shipped', {
          ...shipped(c),
          lines: [{ ...shipped(c).lines[0], shippedBefore: '9999999999' }],
        }),
        /OUT_OF_RANGE: shippedBefore \+ quantity/,
      ],
    ];
    for (const [event, message] of invalid)
      expect(await deliverToFinance(stack, event), JSON.stringify(event)).toEqual(rejected(message));
    expect(await deliverToFinance(stack, '{not json')).toEqual({
      status: 400,
      body: { errors: [{ message: 'The body must be JSON', extensions: { code: 'BAD_REQUEST' } }] },
    });

    // Nothing of it left a trace: no exposure, no invoice, no inbox row (so the same ids stay usable).
    expect(await credit(token, c)).toMatchObject({ exposure: cny('0.00') });
    expect((await ok(token, '{ invoices { totalCount } }')).totalCount).toBe(0);
    const [inbox] = await stack.database.sql`select count(*)::int as n from finance.inbox where tenant_id = ${tenant}`;
    expect(inbox.n).toBe(0);
    // The valid event, properly signed, applies.
    expect(await deliverToFinance(stack, body)).toEqual({ status: 200, body: { status: 'applied' } });
    expect(await credit(token, c)).toMatchObject({ exposure: cny('5.00') });
  });

  it('holds and refuses a customer with anything more than 90 days past due; allows without a limit', async () => {
    const token = await stack.token(newTenant('overdue'));
    const late = await createCustomer(token, 'Late Co');
    const boundary = await createCustomer(token, 'Boundary Co');
    const unlimited = await createCustomer(token, 'Unlimited Co');
    await setLimit(token, late, '100000');
    await setLimit(token, boundary, '100000');
    await issuedInvoice(token, late, [{ price: '100' }], daysAgo(121)); // due 91 days ago
    await issuedInvoice(token, boundary, [{ price: '100' }], daysAgo(120)); // due 90 days ago
    await issuedInvoice(token, unlimited, [{ price: '100' }], daysAgo(200)); // due 170 days ago

    expect(await credit(token, late)).toEqual({
      limit: cny('100000.00'),
      exposure: cny('113.00'),
      available: m('99887.00'),
      status: 'HOLD',
    });
    const refused = await creditCheck(token, late, '1.00');
    expect(refused).toMatchObject({
      allowed: false,
      exposure: m('113.00'),
      limit: m('100000.00'),
      available: m('99887.00'),
    });
    expect(refused.reason).toMatch(/91 days past due/);

    expect(await credit(token, boundary)).toMatchObject({ status: 'OK' });
    expect(await creditCheck(token, boundary, '1.00')).toMatchObject({ allowed: true, reason: null });

    expect(await credit(token, unlimited)).toEqual({
      limit: null,
      exposure: cny('113.00'),
      available: null,
      status: 'OK',
    });
    expect(await creditCheck(token, unlimited, '1000000.00')).toEqual({
      allowed: true,
      reason: null,
      exposure: m('113.00'),
      limit: null,
      available: null,
    });

    await setLimit(token, late, null);
    expect(await credit(token, late)).toMatchObject({ limit: null, status: 'OK' });
    expect(await creditCheck(token, late, '1.00')).toMatchObject({ allowed: true, reason: null });
  });

  it('creditCheck answers NOT_FOUND for an unknown customer and BAD_USER_INPUT for a foreign currency', async () => {
    const token = await stack.token(newTenant('check'));
    const c = await createCustomer(token, 'Check Co');
    const query = 'query($c: ID!, $a: MoneyInput!) { creditCheck(customerId: $c, amount: $a) { allowed } }';
    for (const id of [uuidv7(), 'not-an-id']) {
      const res = await stack.query(token, query, { c: id, a: cny('1') });
      expect(res.data?.creditCheck ?? null).toBeNull();
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    }
    const usd = await stack.query(token, query, { c, a: { amount: '1', currency: 'USD' } });
    expect(usd.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('setCreditLimit refuses a negative limit, a foreign currency and an unknown customer', async () => {
    const token = await stack.token(newTenant('limit'));
    const c = await createCustomer(token, 'Limit Co');
    const set = (customerId: string, limit: { amount: string; currency: string }) =>
      ok(
        token,
        `mutation($c: ID!, $l: MoneyInput) { setCreditLimit(input: {customerId: $c, limit: $l}) { customer { id } ${ERRORS} } }`,
        { c: customerId, l: limit },
      );
    expect((await set(c, cny('-1'))).userErrors).toEqual([
      { code: 'NEGATIVE_AMOUNT', field: ['input', 'limit', 'amount'] },
    ]);
    expect((await set(c, { amount: '10', currency: 'USD' })).userErrors).toEqual([
      { code: 'CURRENCY_MISMATCH', field: ['input', 'limit', 'currency'] },
    ]);
    expect(await set(uuidv7(), cny('10'))).toEqual({
      customer: null,
      userErrors: [{ code: 'NOT_FOUND', field: ['input', 'customerId'] }],
    });
    expect(await credit(token, c)).toMatchObject({ limit: null });
  });
});

describe('payment terms and tax rate', () => {
  const setTerms = (token: string, c: string, days: number) =>
    ok(
      token,
      `mutation($c: ID!, $d: Int!) { setPaymentTerms(input: {customerId: $c, days: $d}) { customer { paymentTermsDays } ${ERRORS} } }`,
      { c, d: days },
    );

  it('setPaymentTerms takes 0 to 365 days and sets the due dates of invoices issued after', async () => {
    const token = await stack.token(newTenant('terms'));
    const c = await createCustomer(token, 'Terms Co');
    const other = await createCustomer(token, 'Other Co');
    const terms = async (id: string) =>
      (await ok(token, 'query($c: ID!) { customer(id: $c) { paymentTermsDays } }', { c: id })).paymentTermsDays;
    expect(await terms(c)).toBe(30);
    for (const days of [-1, 366]) {
      expect(await setTerms(token, c, days)).toEqual({
        customer: null,
        userErrors: [{ code: 'OUT_OF_RANGE', field: ['input', 'days'] }],
      });
    }
    expect(await terms(c)).toBe(30);
    expect(await setTerms(token, c, 0)).toEqual({ customer: { paymentTermsDays: 0 }, userErrors: [] });
    expect((await issuedInvoice(token, c, [{ price: '1' }], '2025-05-10')).dueDate).toBe('2025-05-10');
    expect(await setTerms(token, c, 365)).toEqual({ customer: { paymentTermsDays: 365 }, userErrors: [] });
    expect((await issuedInvoice(token, c, [{ price: '1' }], '2025-05-10')).dueDate).toBe('2026-05-10');
    expect(await terms(other)).toBe(30);
    expect((await issuedInvoice(token, other, [{ price: '1' }], '2025-05-10')).dueDate).toBe('2025-06-09');
    expect(await setTerms(token, uuidv7(), 10)).toEqual({
      customer: null,
      userErrors: [{ code: 'NOT_FOUND', field: ['input', 'customerId'] }],
    });
  });

  it('setTaxRate needs admin, takes 0-100, and sets the default rate of new lines', async () => {
    const tenant = newTenant('tax');
    const admin = await stack.token(tenant);
    const writer = await stack.token(tenant, ['crm:read', 'finance:read', 'finance:write']);
    const SETTINGS = '{ financeSettings { currency taxRate defaultPaymentTermsDays } }';
    const SET = `mutation($r: Decimal!) { setTaxRate(input: {taxRate: $r}) { settings { taxRate } ${ERRORS} } }`;
    expect(await ok(writer, SETTINGS)).toEqual({ currency: 'CNY', taxRate: '13', defaultPaymentTermsDays: 30 });

    const forbidden = await stack.query(writer, SET, { r: '5' });
    expect(forbidden.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(forbidden.data?.setTaxRate ?? null).toBeNull();
    for (const rate of ['101', '-1']) {
      expect(await ok(admin, SET, { r: rate })).toEqual({
        settings: null,
        userErrors: [{ code: 'OUT_OF_RANGE', field: ['input', 'taxRate'] }],
      });
    }
    expect(await ok(writer, SETTINGS)).toEqual({ currency: 'CNY', taxRate: '13', defaultPaymentTermsDays: 30 });

    expect(await ok(admin, SET, { r: '7.5' })).toEqual({ settings: { taxRate: '7.5' }, userErrors: [] });
    expect(await ok(writer, SETTINGS)).toEqual({ currency: 'CNY', taxRate: '7.5', defaultPaymentTermsDays: 30 });
    const c = await createCustomer(admin, 'Tax Co');
    const created = await ok(
      writer,
      `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { invoice { lines { taxRate tax { amount } } total { amount } } ${ERRORS} } }`,
      {
        input: { customerId: c, lines: [lineInput({ price: '100' }), lineInput({ price: '100', taxRate: '13' })] },
      },
    );
    // 100 x 7.5% = 7.50; the explicit 13% line keeps 13.00 -> 200 + 20.50
    expect(created).toEqual({
      invoice: {
        lines: [
          { taxRate: '7.5', tax: m('7.50') },
          { taxRate: '13', tax: m('13.00') },
        ],
        total: m('220.50'),
      },
      userErrors: [],
    });
    expect(await ok(admin, SET, { r: '100' })).toEqual({ settings: { taxRate: '100' }, userErrors: [] });
    expect(await ok(admin, SET, { r: '0' })).toEqual({ settings: { taxRate: '0' }, userErrors: [] });
  });
});

describe('finance scopes', () => {
  it('crm:read alone reads no invoices nor receivables, but still reads the customer', async () => {
    const tenant = newTenant('scopes');
    const owner = await stack.token(tenant);
    const c = await createCustomer(owner, 'Scoped Co');
    const invoice = await issuedInvoice(owner, c, [{ price: '100' }], '2025-05-10');
    const crm = await stack.token(tenant, ['crm:read']);

    const list = await stack.query(crm, 'query($id: ID!) { invoices { totalCount } invoice(id: $id) { id } }', {
      id: invoice.id,
    });
    expect(list.data).toEqual({ invoices: null, invoice: null });
    expect(list.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['invoices'], 'FORBIDDEN'],
      [['invoice'], 'FORBIDDEN'],
    ]);

    const nested = await stack.query(
      crm,
      'query($c: ID!) { customer(id: $c) { name receivables { outstanding { amount } } } }',
      { c },
    );
    expect(nested.data).toEqual({ customer: { name: 'Scoped Co', receivables: null } });
    expect(nested.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['customer', 'receivables'], 'FORBIDDEN'],
    ]);
  });

  it('finance:read reads but does not write', async () => {
    const tenant = newTenant('reader');
    const owner = await stack.token(tenant);
    const c = await createCustomer(owner, 'Read Co');
    const invoice = await issuedInvoice(owner, c, [{ price: '100' }], '2025-05-10');
    const reader = await stack.token(tenant, ['crm:read', 'finance:read']);

    const read = await stack.query(
      reader,
      'query($id: ID!, $c: ID!) { invoice(id: $id) { number total { amount } } customer(id: $c) { receivables(asOf: "2025-05-10") { outstanding { amount } } } }',
      {
        id: invoice.id,
        c,
      },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data).toEqual({
      invoice: { number: invoice.number, total: m('113.00') },
      customer: { receivables: { outstanding: m('113.00') } },
    });

    const writes: [string, Record<string, unknown>][] = [
      [
        `mutation($c: ID!) { createInvoice(input: {customerId: $c, lines: [{description: "x", quantity: "1", unitPrice: {amount: "1", currency: "CNY"}}]}) { ${ERRORS} } }`,
        { c },
      ],
      [`mutation($id: ID!) { voidInvoice(input: {id: $id}) { ${ERRORS} } }`, { id: invoice.id }],
      [
        `mutation($c: ID!) { recordPayment(input: {customerId: $c, amount: {amount: "1", currency: "CNY"}, receivedOn: "2025-05-11", method: CASH}) { ${ERRORS} } }`,
        { c },
      ],
      [
        `mutation($c: ID!) { setCreditLimit(input: {customerId: $c, limit: {amount: "1", currency: "CNY"}}) { ${ERRORS} } }`,
        { c },
      ],
      [`mutation($c: ID!) { setPaymentTerms(input: {customerId: $c, days: 1}) { ${ERRORS} } }`, { c }],
      [`mutation { setTaxRate(input: {taxRate: "1"}) { ${ERRORS} } }`, {}],
    ];
    for (const [query, variables] of writes) {
      const res = await stack.query(reader, query, variables);
      expect(
        res.errors?.map((e) => e.extensions?.code),
        query,
      ).toEqual(['FORBIDDEN']);
    }
    const after = await stack.query(
      owner,
      'query($id: ID!, $c: ID!) { invoice(id: $id) { status } invoices { totalCount } payments { totalCount } financeSettings { taxRate } customer(id: $c) { paymentTermsDays credit { limit { amount } } } }',
      { id: invoice.id, c },
    );
    expect(after.data).toEqual({
      invoice: { status: 'OPEN' },
      invoices: { totalCount: 1 },
      payments: { totalCount: 0 },
      financeSettings: { taxRate: '13' },
      customer: { paymentTermsDays: 30, credit: { limit: null } },
    });
  });
});
