import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

// ---- helpers

type Input = Record<string, unknown>;

const UNKNOWN_ID = '018f0000-0000-7000-8000-000000000000';
const todayUtc = () => new Date().toISOString().slice(0, 10);
const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const daysAgo = (days: number) => addDays(todayUtc(), -days);
const thisYear = () => Number(todayUtc().slice(0, 4));
const invoiceNumber = (year: number, n: number) => `INV-${year}-${String(n).padStart(6, '0')}`;

const cny = (amount: string) => ({ amount, currency: 'CNY' });
/** An invoice line input (the tenant's tax rate unless one is given). */
const line = (quantity: string, unitPrice: string, taxRate?: string, description = 'Goods') => ({
  description,
  quantity,
  unitPrice: cny(unitPrice),
  ...(taxRate === undefined ? {} : { taxRate }),
});

// Money as integer cents: every expected amount is computed without a binary float.
const toCents = (amount: string): bigint => {
  const negative = amount.startsWith('-');
  const [int, frac = ''] = amount.replace(/^-/, '').split('.');
  const value = BigInt(int) * 100n + BigInt((frac + '00').slice(0, 2));
  return negative ? -value : value;
};
const fmt = (cents: bigint): string => {
  const abs = cents < 0n ? -cents : cents;
  return `${cents < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
};
/** n / d rounded half-up (n >= 0, d > 0). */
const divHalfUp = (n: bigint, d: bigint) => (2n * n + d) / (2n * d);
const sum = (values: bigint[]) => values.reduce((s, v) => s + v, 0n);

const ERRORS = 'userErrors { code field }';
const MONEY = 'amount currency';
const LINE = `description quantity unitPrice { ${MONEY} } discountPercent taxRate amount { ${MONEY} } tax { ${MONEY} }`;
const INVOICE = `id number status issueDate dueDate customer { id }
  subtotal { ${MONEY} } taxTotal { ${MONEY} } total { ${MONEY} } amountPaid { ${MONEY} } balance { ${MONEY} }
  lines { ${LINE} }`;
const PAYMENT = `id amount { ${MONEY} } receivedOn method reference unallocated { ${MONEY} } customer { id }
  allocations { invoice { id number } amount { ${MONEY} } }`;
const ENTRY = `postedOn description reference lines { accountCode accountName debit { amount } credit { amount } }`;

/** A fresh tenant (every scope) with helpers; each returns its root field's payload and throws on GraphQL errors. */
async function newClient(prefix = 'fin') {
  const tenant = newTenant(prefix);
  const token = await stack.token(tenant);
  const run = async (query: string, variables: Input = {}) => {
    const res = await stack.query(token, query, variables);
    if (res.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
    return res.data;
  };
  const mutation =
    (name: string, result: string, inputType = `${name[0].toUpperCase()}${name.slice(1)}Input`) =>
    async (input: Input) =>
      (await run(`mutation($input: ${inputType}!) { ${name}(input: $input) { ${result} ${ERRORS} } }`, { input }))[
        name
      ];

  const client = {
    tenant,
    token,
    run,
    createCustomer: async (name = 'Tea House') => {
      const payload = await mutation('createCustomer', 'customer { id }')({ name });
      expect(payload.userErrors).toEqual([]);
      return payload.customer.id as string;
    },
    setPaymentTerms: mutation('setPaymentTerms', 'customer { id paymentTermsDays }'),
    createInvoice: mutation('createInvoice', `invoice { ${INVOICE} }`),
    issueInvoice: mutation('issueInvoice', `invoice { ${INVOICE} }`),
    voidInvoice: mutation('voidInvoice', `invoice { ${INVOICE} }`),
    recordPayment: mutation('recordPayment', `payment { ${PAYMENT} }`),
    allocatePayment: mutation('allocatePayment', `payment { ${PAYMENT} }`),

    /** A draft with the given lines, checked to have gone through. */
    draft: async (customerId: string, lines: Input[]) => {
      const payload = await client.createInvoice({ customerId, lines });
      expect(payload.userErrors).toEqual([]);
      return payload.invoice;
    },
    /** A draft issued on `issueDate` (today by default), checked to have gone through. */
    issued: async (customerId: string, lines: Input[], issueDate?: string) => {
      const draft = await client.draft(customerId, lines);
      const payload = await client.issueInvoice({ id: draft.id, ...(issueDate ? { issueDate } : {}) });
      expect(payload.userErrors).toEqual([]);
      return payload.invoice;
    },
    /** A payment, checked to have gone through. */
    paid: async (input: Input) => {
      const payload = await client.recordPayment({ receivedOn: todayUtc(), method: 'BANK_TRANSFER', ...input });
      expect(payload.userErrors).toEqual([]);
      return payload.payment;
    },

    invoice: async (id: string, asOf?: string) =>
      (
        await run(
          `query($id: ID!, $asOf: Date) { invoice(id: $id) { ${INVOICE} isOverdue(asOf: $asOf) daysOverdue(asOf: $asOf)
            payments { amount { ${MONEY} } payment { id } } } }`,
          { id, asOf },
        )
      ).invoice,
    invoiceByNumber: async (number: string) =>
      (await run(`query($n: String!) { invoiceByNumber(number: $n) { id number } }`, { n: number })).invoiceByNumber,
    invoices: async (args: Input = {}) =>
      (
        await run(
          `query($first: Int, $after: String, $filter: InvoiceFilter, $orderBy: InvoiceOrder) {
            invoices(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
              totalCount nodes { id number status total { amount } } pageInfo { hasNextPage endCursor } } }`,
          args,
        )
      ).invoices,
    payment: async (id: string) => (await run(`query($id: ID!) { payment(id: $id) { ${PAYMENT} } }`, { id })).payment,
    paymentCount: async () => (await run('{ payments { totalCount } }')).payments.totalCount as number,
    receivables: async (customerId: string) =>
      (
        await run(
          `query($id: ID!) { customer(id: $id) { paymentTermsDays receivables {
            outstanding { ${MONEY} } overdue { ${MONEY} } unallocatedPayments { ${MONEY} } invoiceCount } } }`,
          { id: customerId },
        )
      ).customer,
    journal: async (from?: string, to?: string) =>
      (
        await run(
          `query($from: Date, $to: Date) { journalEntries(from: $from, to: $to, first: 100) { totalCount nodes { ${ENTRY} } } }`,
          { from, to },
        )
      ).journalEntries,
    trialBalance: async (asOf?: string) =>
      (
        await run(
          `query($asOf: Date) { trialBalance(asOf: $asOf) { asOf accounts { code name debit { ${MONEY} } credit { ${MONEY} } balance { ${MONEY} } }
            totalDebit { ${MONEY} } totalCredit { ${MONEY} } } }`,
          { asOf },
        )
      ).trialBalance,
  };
  return client;
}

type Client = Awaited<ReturnType<typeof newClient>>;

/** A journal entry's lines as [account, debit, credit]. */
const postings = (entry: { lines: { accountCode: string; debit: { amount: string }; credit: { amount: string } }[] }) =>
  entry.lines.map((l) => [l.accountCode, l.debit.amount, l.credit.amount]);

/** The trial balance's accounts that have anything posted, as code -> [debit, credit, balance]. */
const accountsOf = (tb: any): Record<string, string[]> =>
  Object.fromEntries(
    tb.accounts
      .filter((a: any) => a.debit.amount !== '0.00' || a.credit.amount !== '0.00')
      .map((a: any) => [a.code, [a.debit.amount, a.credit.amount, a.balance.amount]]),
  );

/** A payment's allocations as [invoice id, amount], in a stable order (the API promises none within one payment). */
const allocs = (payment: any): string[][] =>
  payment.allocations.map((a: any) => [a.invoice.id, a.amount.amount]).sort();
const sortedPairs = (pairs: string[][]) => [...pairs].sort();

const balanceOf = (tb: any, code: string): string => tb.accounts.find((a: any) => a.code === code).balance.amount;

/** The four lines of the rounding example: 3 x 19.99, 1 x 0.05 twice (13%), 2.5 x 10.00 at 0%, 1 x 100 at 9%. */
const ROUNDING_LINES = [
  line('3', '19.99', undefined, 'Oolong tins'),
  line('1', '0.05', undefined, 'Sample sachet'),
  line('1', '0.05', undefined, 'Sample sachet'),
  line('2.5', '10.00', '0', 'Export crate'),
  line('1', '100', '9', 'Books'),
];

// ---- invoices

describe('createInvoice', () => {
  it('computes tax per line, rounded half-up to the cent, and totals as the exact sums of the lines', async () => {
    const c = await newClient();
    const customerId = await c.createCustomer();
    const invoice = await c.draft(customerId, ROUNDING_LINES);
    expect(invoice).toMatchObject({
      number: null,
      status: 'DRAFT',
      issueDate: null,
      dueDate: null,
      customer: { id: customerId },
    });
    expect(invoice.lines).toEqual([
      {
        description: 'Oolong tins',
        quantity: '3',
        unitPrice: cny('19.99'),
        discountPercent: '0',
        taxRate: '13',
        amount: cny('59.97'),
        tax: cny('7.80'),
      },
      {
        description: 'Sample sachet',
        quantity: '1',
        unitPrice: cny('0.05'),
        discountPercent: '0',
        taxRate: '13',
        amount: cny('0.05'),
        tax: cny('0.01'),
      },
      {
        description: 'Sample sachet',
        quantity: '1',
        unitPrice: cny('0.05'),
        discountPercent: '0',
        taxRate: '13',
        amount: cny('0.05'),
        tax: cny('0.01'),
      },
      {
        description: 'Export crate',
        quantity: '2.5',
        unitPrice: cny('10.00'),
        discountPercent: '0',
        taxRate: '0',
        amount: cny('25.00'),
        tax: cny('0.00'),
      },
      {
        description: 'Books',
        quantity: '1',
        unitPrice: cny('100.00'),
        discountPercent: '0',
        taxRate: '9',
        amount: cny('100.00'),
        tax: cny('9.00'),
      },
    ]);
    // 59.97 + 0.05 + 0.05 + 25 + 100; tax per line 7.80 + 0.01 + 0.01 + 0 + 9.00 (not 13% of a subtotal)
    expect(invoice.subtotal).toEqual(cny('185.07'));
    expect(invoice.taxTotal).toEqual(cny('16.82'));
    expect(invoice.total).toEqual(cny('201.89'));
    expect(invoice.amountPaid).toEqual(cny('0.00'));
    // what the API returns on the mutation is what it stores
    expect(await c.invoice(invoice.id)).toMatchObject({
      subtotal: cny('185.07'),
      taxTotal: cny('16.82'),
      total: cny('201.89'),
      lines: invoice.lines,
    });
  });

  it('rounds exact half cents up, on the amount and on the tax', async () => {
    const c = await newClient();
    const customerId = await c.createCustomer();
    const invoice = await c.draft(customerId, [
      line('0.0005', '10.00'), // 0.005 -> 0.01; tax 0.0013 -> 0.00
      line('1.5', '0.01', '0'), // 0.015 -> 0.02
      line('1', '0.50', '9'), // tax 0.045 -> 0.05
      line('1', '2.50', '13'), // tax 0.325 -> 0.33
      line('1', '0.35', '13', 'Below half'), // tax 0.0455 -> 0.05
      line('1', '0.03', '13', 'Just below half'), // tax 0.0039 -> 0.00
    ]);
    expect(invoice.lines.map((l: any) => [l.amount.amount, l.tax.amount])).toEqual([
      ['0.01', '0.00'],
      ['0.02', '0.00'],
      ['0.50', '0.05'],
      ['2.50', '0.33'],
      ['0.35', '0.05'],
      ['0.03', '0.00'],
    ]);
    expect([invoice.subtotal.amount, invoice.taxTotal.amount, invoice.total.amount]).toEqual(['3.41', '0.43', '3.84']);
  });

  it('takes a discount per line: the amount is net of it, the tax on the net amount', async () => {
    const c = await newClient();
    const customerId = await c.createCustomer();
    const invoice = await c.draft(customerId, [
      { ...line('3', '19.99'), discountPercent: '12.5' }, // 59.97 x 87.5% = 52.47375 -> 52.47; tax 6.8211 -> 6.82
      { ...line('1', '0.05'), discountPercent: '10' }, // 0.045 -> 0.05; tax 0.0065 -> 0.01
      { ...line('2', '40'), discountPercent: '100' }, // free: 0.00
      line('1', '10'), // no discount: 10.00, tax 1.30
    ]);
    expect(invoice.lines.map((l: any) => [l.discountPercent, l.amount.amount, l.tax.amount])).toEqual([
      ['12.5', '52.47', '6.82'],
      ['10', '0.05', '0.01'],
      ['100', '0.00', '0.00'],
      ['0', '10.00', '1.30'],
    ]);
    expect([invoice.subtotal.amount, invoice.taxTotal.amount, invoice.total.amount]).toEqual([
      '62.52',
      '8.13',
      '70.65',
    ]);
  });

  it('reports every input problem as a user error and saves nothing', async () => {
    const c = await newClient();
    const customerId = await c.createCustomer();
    const cases: [Input, { code: string; field: string[] }[]][] = [
      [{ customerId, lines: [] }, [{ code: 'NO_LINES', field: ['input', 'lines'] }]],
      [
        { customerId, lines: [line('1', '10'), { ...line('1', '10'), description: '   ' }] },
        [{ code: 'REQUIRED', field: ['input', 'lines', '1', 'description'] }],
      ],
      [
        { customerId, lines: [line('0', '10')] },
        [{ code: 'OUT_OF_RANGE', field: ['input', 'lines', '0', 'quantity'] }],
      ],
      [
        { customerId, lines: [line('-2', '10')] },
        [{ code: 'OUT_OF_RANGE', field: ['input', 'lines', '0', 'quantity'] }],
      ],
      [
        { customerId, lines: [{ ...line('1', '10'), discountPercent: '100.01' }] },
        [{ code: 'OUT_OF_RANGE', field: ['input', 'lines', '0', 'discountPercent'] }],
      ],
      [
        { customerId, lines: [{ ...line('1', '10'), discountPercent: '-1' }] },
        [{ code: 'OUT_OF_RANGE', field: ['input', 'lines', '0', 'discountPercent'] }],
      ],
      [
        { customerId, lines: [{ ...line('1', '10'), discountPercent: '1.005' }] },
        [{ code: 'TOO_PRECISE', field: ['input', 'lines', '0', 'discountPercent'] }],
      ],
      [
        { customerId, lines: [{ ...line('1', '10'), unitPrice: { amount: '10', currency: 'USD' } }] },
        [{ code: 'CURRENCY_MISMATCH', field: ['input', 'lines', '0', 'unitPrice', 'currency'] }],
      ],
      [{ customerId: UNKNOWN_ID, lines: [line('1', '10')] }, [{ code: 'NOT_FOUND', field: ['input', 'customerId'] }]],
    ];
    const outcomes = [];
    for (const [input] of cases) outcomes.push(await c.createInvoice(input));
    expect(outcomes.map((o) => o.userErrors)).toEqual(cases.map(([, errors]) => errors));
    expect(outcomes.map((o) => o.invoice)).toEqual(cases.map(() => null));
    expect((await c.invoices()).totalCount).toBe(0);
  });
});

describe('issueInvoice', () => {
  it('numbers invoices per tenant and year without gaps and sets the due date from the payment terms', async () => {
    const c = await newClient();
    const customerId = await c.createCustomer();
    const year = thisYear();
    const today = todayUtc();

    const first = await c.issued(customerId, [line('1', '100')]);
    expect(first).toMatchObject({
      number: invoiceNumber(year, 1),
      status: 'OPEN',
      issueDate: today,
      dueDate: addDays(today, 30),
    });
    expect(first.balance).toEqual(cny('113.00'));

    const second = await c.issued(customerId, [line('2', '50')], daysAgo(3));
    expect(second).toMatchObject({
      number: invoiceNumber(year, 2),
      issueDate: daysAgo(3),
      dueDate: addDays(daysAgo(3), 30),
    });

    // another year has its own sequence
    const older = await c.issued(customerId, [line('1', '10')], `${year - 2}-06-15`);
    expect(older).toMatchObject({
      number: invoiceNumber(year - 2, 1),
      issueDate: `${year - 2}-06-15`,
      dueDate: `${year - 2}-07-15`,
    });
    const olderStill = await c.issued(customerId, [line('1', '10')], `${year - 2}-12-31`);
    expect(olderStill).toMatchObject({ number: invoiceNumber(year - 2, 2), dueDate: `${year - 1}-01-30` });

    // the customer's terms, once set, replace the tenant's 30 days
    const terms = await c.setPaymentTerms({ customerId, days: 45 });
    expect(terms.userErrors).toEqual([]);
    expect(terms.customer.paymentTermsDays).toBe(45);
    const third = await c.issued(customerId, [line('1', '1')], daysAgo(1));
    expect(third).toMatchObject({ number: invoiceNumber(year, 3), dueDate: addDays(daysAgo(1), 45) });

    // another tenant starts at 1
    const other = await newClient();
    const otherCustomer = await other.createCustomer();
    expect((await other.issued(otherCustomer, [line('1', '5')])).number).toBe(invoiceNumber(year, 1));

    expect((await c.invoiceByNumber(invoiceNumber(year, 2))).id).toBe(second.id);
    expect((await c.invoiceByNumber(invoiceNumber(year - 2, 1))).id).toBe(older.id);
    expect(await c.invoiceByNumber(invoiceNumber(year, 4))).toBeNull();
    // numbers are per tenant: the other tenant's invoice 1 is not visible here under its number
    expect((await other.invoiceByNumber(invoiceNumber(year, 1))).id).not.toBe(first.id);
    expect((await c.invoice(first.id)).number).toBe(invoiceNumber(year, 1));
  });

  it('refuses a zero invoice (without using up a number) and issuing twice', async () => {
    const c = await newClient();
    const customerId = await c.createCustomer();
    const zero = await c.draft(customerId, [line('3', '0')]);
    expect(zero.total).toEqual(cny('0.00'));
    const refused = await c.issueInvoice({ id: zero.id });
    expect(refused.userErrors).toEqual([{ code: 'ZERO_TOTAL', field: ['input', 'id'] }]);
    expect(refused.invoice).toBeNull();
    expect((await c.invoice(zero.id)).status).toBe('DRAFT');

    const real = await c.issued(customerId, [line('1', '10')]);
    expect(real.number).toBe(invoiceNumber(thisYear(), 1));
    const twice = await c.issueInvoice({ id: real.id });
    expect(twice.userErrors).toEqual([{ code: 'INVALID_STATUS', field: ['input', 'id'] }]);
    expect(await c.invoice(real.id)).toMatchObject({ number: invoiceNumber(thisYear(), 1), status: 'OPEN' });
    // one invoice, one journal entry
    expect((await c.journal()).totalCount).toBe(1);
  });
});

describe('invoice queries', () => {
  /**
   * Customer A: a1 overdue by 10 days, a2 due in 10 days, a3 a draft.
   * Customer B: b1 paid in full (past due), b2 due today.
   */
  async function scenario(c: Client) {
    const a = await c.createCustomer('A');
    const b = await c.createCustomer('B');
    const a1 = await c.issued(a, [line('1', '100')], daysAgo(40)); // 113.00, due today - 10
    const a2 = await c.issued(a, [line('1', '200')], daysAgo(20)); // 226.00, due today + 10
    const a3 = await c.draft(a, [line('1', '300')]); // 339.00
    const b1 = await c.issued(b, [line('1', '50')], daysAgo(35)); // 56.50, due today - 5
    const b2 = await c.issued(b, [line('1', '10')], daysAgo(30)); // 11.30, due today
    await c.paid({ customerId: b, amount: cny('56.50'), allocations: [{ invoiceId: b1.id, amount: cny('56.50') }] });
    return { a, b, a1, a2, a3, b1, b2 };
  }

  it('filters by status, customer, overdue date and issue dates, and orders', async () => {
    const c = await newClient();
    const { a, a1, a2, a3, b1, b2 } = await scenario(c);
    const ids = async (args: Input) => (await c.invoices({ first: 100, ...args })).nodes.map((n: any) => n.id);
    const sorted = (list: { id: string }[]) => list.map((i) => i.id).sort();

    expect((await ids({ filter: { status: ['OPEN'] } })).sort()).toEqual(sorted([a1, a2, b2]));
    expect(await ids({ filter: { status: ['DRAFT'] } })).toEqual([a3.id]);
    expect((await ids({ filter: { status: ['PAID', 'DRAFT'] } })).sort()).toEqual(sorted([a3, b1]));
    expect((await ids({ filter: { customerId: a } })).sort()).toEqual(sorted([a1, a2, a3]));
    expect(await ids({ filter: { customerId: a, status: ['OPEN'], overdueAsOf: todayUtc() } })).toEqual([a1.id]);
    // due today is not overdue; the paid b1 never is
    expect(await ids({ filter: { overdueAsOf: todayUtc() } })).toEqual([a1.id]);
    expect((await ids({ filter: { overdueAsOf: addDays(todayUtc(), 1) } })).sort()).toEqual(sorted([a1, b2]));
    expect(await ids({ filter: { overdueAsOf: daysAgo(10) } })).toEqual([]);
    expect(await ids({ filter: { overdueAsOf: daysAgo(9) } })).toEqual([a1.id]);
    expect((await ids({ filter: { issuedAfter: daysAgo(38), issuedBefore: daysAgo(25) } })).sort()).toEqual(
      sorted([b1, b2]),
    );
    expect(await ids({ filter: { issuedAfter: daysAgo(25) } })).toEqual([a2.id]);
    expect(await ids({ filter: { issuedBefore: daysAgo(36) } })).toEqual([a1.id]);
    expect((await c.invoices({ filter: { customerId: a, status: ['OPEN'] } })).totalCount).toBe(2);

    expect(await ids({ orderBy: { field: 'TOTAL', direction: 'DESC' } })).toEqual([a3.id, a2.id, a1.id, b1.id, b2.id]);
    expect(await ids({ orderBy: { field: 'TOTAL' } })).toEqual([b2.id, b1.id, a1.id, a2.id, a3.id]);
    expect(await ids({ orderBy: { field: 'DUE_DATE', direction: 'ASC' } })).toEqual([
      a1.id,
      b1.id,
      b2.id,
      a2.id,
      a3.id,
    ]);
    expect(await ids({ orderBy: { field: 'ISSUE_DATE', direction: 'ASC' } })).toEqual([
      a1.id,
      b1.id,
      b2.id,
      a2.id,
      a3.id,
    ]);

    // paging two at a time by due date walks the same order, the draft (no due date) last
    const walked: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await c.invoices({ first: 2, after, orderBy: { field: 'DUE_DATE' } });
      walked.push(...page.nodes.map((n: any) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(walked).toEqual([a1.id, b1.id, b2.id, a2.id, a3.id]);
  });

  it('tells whether an invoice is overdue and by how many days (due today is not overdue)', async () => {
    const c = await newClient();
    const { a1, a2, a3, b1, b2 } = await scenario(c);
    const due = a1.dueDate;
    expect(due).toBe(daysAgo(10));
    expect(await c.invoice(a1.id)).toMatchObject({ isOverdue: true, daysOverdue: 10 });
    expect(await c.invoice(a1.id, due)).toMatchObject({ isOverdue: false, daysOverdue: 0 });
    expect(await c.invoice(a1.id, addDays(due, 1))).toMatchObject({ isOverdue: true, daysOverdue: 1 });
    expect(await c.invoice(a1.id, addDays(due, -5))).toMatchObject({ isOverdue: false, daysOverdue: 0 });
    expect(await c.invoice(a2.id)).toMatchObject({ isOverdue: false, daysOverdue: 0 });
    expect(await c.invoice(a2.id, addDays(a2.dueDate, 31))).toMatchObject({ isOverdue: true, daysOverdue: 31 });
    expect(await c.invoice(b2.id)).toMatchObject({ dueDate: todayUtc(), isOverdue: false, daysOverdue: 0 });
    expect(await c.invoice(b2.id, addDays(todayUtc(), 1))).toMatchObject({ isOverdue: true, daysOverdue: 1 });
    expect(await c.invoice(b1.id, addDays(todayUtc(), 100))).toMatchObject({
      status: 'PAID',
      isOverdue: false,
      daysOverdue: 0,
    });
    expect(await c.invoice(a3.id, addDays(todayUtc(), 100))).toMatchObject({
      status: 'DRAFT',
      isOverdue: false,
      daysOverdue: 0,
    });
    // a partly paid invoice past its due date is still overdue
    await c.paid({
      customerId: a1.customer.id,
      amount: cny('13.00'),
      allocations: [{ invoiceId: a1.id, amount: cny('13.00') }],
    });
    expect(await c.invoice(a1.id)).toMatchObject({
      status: 'PARTIALLY_PAID',
      balance: cny('100.00'),
      isOverdue: true,
      daysOverdue: 10,
    });
  });
});

describe('voidInvoice', () => {
  it('voids an issued invoice without payments and posts the exact reversal', async () => {
    const c = await newClient();
    const customerId = await c.createCustomer();
    const invoice = await c.issued(customerId, ROUNDING_LINES, daysAgo(5));
    const voided = await c.voidInvoice({ id: invoice.id, reason: 'Wrong customer' });
    expect(voided.userErrors).toEqual([]);
    expect(voided.invoice).toMatchObject({
      status: 'VOID',
      number: invoice.number,
      balance: cny('0.00'),
      total: cny('201.89'),
    });
    expect(await c.invoice(voided.invoice.id)).toMatchObject({ status: 'VOID', isOverdue: false });

    const journal = await c.journal();
    expect(journal.nodes.map((e: any) => [e.postedOn, e.reference])).toEqual([
      [daysAgo(5), invoice.number],
      [todayUtc(), invoice.number],
    ]);
    expect(postings(journal.nodes[0])).toEqual([
      ['1100', '201.89', '0.00'],
      ['4000', '0.00', '185.07'],
      ['2100', '0.00', '16.82'],
    ]);
    expect(journal.nodes[1].description).toContain('Wrong customer');
    expect(postings(journal.nodes[1])).toEqual([
      ['1100', '0.00', '201.89'],
      ['4000', '185.07', '0.00'],
      ['2100', '16.82', '0.00'],
    ]);
    const tb = await c.trialBalance();
    expect(tb.accounts.every((a: any) => a.balance.amount === '0.00')).toBe(true);

    // voiding again is refused
    const again = await c.voidInvoice({ id: invoice.id });
    expect(again.userErrors).toEqual([{ code: 'INVALID_STATUS', field: ['input', 'id'] }]);
    expect((await c.journal()).totalCount).toBe(2);
  });

  it('refuses a draft and an invoice with payments, changing nothing', async () => {
    const c = await newClient();
    const customerId = await c.createCustomer();
    const draft = await c.draft(customerId, [line('1', '10')]);
    const paid = await c.issued(customerId, [line('1', '100')]);
    await c.paid({ customerId, amount: cny('0.01'), allocations: [{ invoiceId: paid.id, amount: cny('0.01') }] });

    const onDraft = await c.voidInvoice({ id: draft.id });
    expect(onDraft.userErrors).toEqual([{ code: 'INVALID_STATUS', field: ['input', 'id'] }]);
    const withPayments = await c.voidInvoice({ id: paid.id });
    expect(withPayments.userErrors).toEqual([{ code: 'INVOICE_HAS_PAYMENTS', field: ['input', 'id'] }]);
    const unknown = await c.voidInvoice({ id: UNKNOWN_ID });
    expect(unknown.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'id'] }]);

    expect((await c.invoice(draft.id)).status).toBe('DRAFT');
    expect(await c.invoice(paid.id)).toMatchObject({ status: 'PARTIALLY_PAID', balance: cny('112.99') });
    // the issue and the payment only
    expect((await c.journal()).totalCount).toBe(2);
  });
});

// ---- payments

describe('recordPayment', () => {
  it('pays the oldest due invoices first and keeps an overpayment unallocated', async () => {
    const c = await newClient();
    const customerId = await c.createCustomer();
    // issued out of due-date order, so that numbers and creation order do not give the answer
    const late = await c.issued(customerId, [line('1', '300')], daysAgo(5)); // 339.00, due in 25 days
    const oldest = await c.issued(customerId, [line('1', '100')], daysAgo(50)); // 113.00, due 20 days ago
    const middle = await c.issued(customerId, [line('1', '200')], daysAgo(40)); // 226.00, due 10 days ago

    const payment = await c.paid({ customerId, amount: cny('200.00'), reference: 'BANK-1' });
    expect(payment).toMatchObject({
      amount: cny('200.00'),
      unallocated: cny('0.00'),
      receivedOn: todayUtc(),
      method: 'BANK_TRANSFER',
      reference: 'BANK-1',
    });
    expect(allocs(payment)).toEqual(
      sortedPairs([
        [oldest.id, '113.00'],
        [middle.id, '87.00'],
      ]),
    );
    expect(await c.invoice(oldest.id)).toMatchObject({
      status: 'PAID',
      amountPaid: cny('113.00'),
      balance: cny('0.00'),
    });
    expect(await c.invoice(middle.id)).toMatchObject({
      status: 'PARTIALLY_PAID',
      amountPaid: cny('87.00'),
      balance: cny('139.00'),
    });
    expect(await c.invoice(late.id)).toMatchObject({ status: 'OPEN', amountPaid: cny('0.00'), balance: cny('339.00') });
    expect((await c.invoice(middle.id)).payments).toEqual([{ amount: cny('87.00'), payment: { id: payment.id } }]);

    // 139 + 339 = 478 owed; 500 received: 22 stays on the customer's account
    const over = await c.paid({ customerId, amount: cny('500.00') });
    expect(over.unallocated).toEqual(cny('22.00'));
    expect(allocs(over)).toEqual(
      sortedPairs([
        [middle.id, '139.00'],
        [late.id, '339.00'],
      ]),
    );
    expect(await c.invoice(late.id)).toMatchObject({ status: 'PAID', balance: cny('0.00') });
    const receivables = await c.receivables(customerId);
    expect(receivables.receivables).toMatchObject({
      outstanding: cny('0.00'),
      unallocatedPayments: cny('22.00'),
      invoiceCount: 0,
    });
    expect((await c.payment(over.id)).unallocated).toEqual(cny('22.00'));

    // with nothing owed, all of a payment stays unallocated
    const spare = await c.paid({ customerId, amount: cny('5.00') });
    expect(spare).toMatchObject({ unallocated: cny('5.00'), allocations: [] });
    expect((await c.receivables(customerId)).receivables.unallocatedPayments).toEqual(cny('27.00'));
  });

  it('allocates explicitly, then the rest with allocatePayment (explicitly or oldest first)', async () => {
    const c = await newClient();
    const customerId = await c.createCustomer();
    const x = await c.issued(customerId, [line('1', '100')], daysAgo(20)); // 113.00, older
    const y = await c.issued(customerId, [line('1', '200')], daysAgo(10)); // 226.00

    const payment = await c.paid({
      customerId,
      amount: cny('150.00'),
      allocations: [{ invoiceId: y.id, amount: cny('100.00') }],
    });
    expect(payment.unallocated).toEqual(cny('50.00'));
    expect(payment.allocations.map((a: any) => [a.invoice.id, a.amount.amount])).toEqual([[y.id, '100.00']]);
    expect(await c.invoice(x.id)).toMatchObject({ status: 'OPEN', balance: cny('113.00') });
    expect(await c.invoice(y.id)).toMatchObject({ status: 'PARTIALLY_PAID', balance: cny('126.00') });
    expect((await c.receivables(customerId)).receivables).toMatchObject({
      outstanding: cny('239.00'),
      unallocatedPayments: cny('50.00'),
    });

    const explicit = await c.allocatePayment({
      paymentId: payment.id,
      allocations: [{ invoiceId: y.id, amount: cny('20.00') }],
    });
    expect(explicit.userErrors).toEqual([]);
    expect(explicit.payment.unallocated).toEqual(cny('30.00'));
    expect(await c.invoice(y.id)).toMatchObject({ amountPaid: cny('120.00'), balance: cny('106.00') });

    // more than is left of the payment
    const tooMuch = await c.allocatePayment({
      paymentId: payment.id,
      allocations: [{ invoiceId: x.id, amount: cny('30.01') }],
    });
    expect(tooMuch.userErrors).toEqual([{ code: 'OVER_ALLOCATION', field: ['input', 'allocations'] }]);

    // without allocations: the oldest due first
    const rest = await c.allocatePayment({ paymentId: payment.id });
    expect(rest.userErrors).toEqual([]);
    expect(rest.payment.unallocated).toEqual(cny('0.00'));
    expect(await c.invoice(x.id)).toMatchObject({
      status: 'PARTIALLY_PAID',
      amountPaid: cny('30.00'),
      balance: cny('83.00'),
    });
    expect(allocs(await c.payment(payment.id))).toEqual(
      sortedPairs([
        [y.id, '120.00'],
        [x.id, '30.00'],
      ]),
    );

    const nothingLeft = await c.allocatePayment({ paymentId: payment.id });
    expect(nothingLeft.userErrors).toEqual([{ code: 'FULLY_ALLOCATED', field: ['input', 'paymentId'] }]);
    expect((await c.receivables(customerId)).receivables).toMatchObject({
      outstanding: cny('189.00'),
      unallocatedPayments: cny('0.00'),
    });
    // allocating moves nothing in the journal: one entry per issue, one for the payment
    expect((await c.journal()).totalCount).toBe(3);
    expect(balanceOf(await c.trialBalance(), '1100')).toBe('189.00');
  });

  it('refuses bad payments with user errors and saves nothing', async () => {
    const c = await newClient();
    const customerId = await c.createCustomer();
    const otherCustomer = await c.createCustomer('Other');
    const open = await c.issued(customerId, [line('1', '100')], daysAgo(10)); // 113.00
    const second = await c.issued(customerId, [line('1', '50')], daysAgo(10)); // 56.50
    const voided = await c.issued(customerId, [line('1', '10')], daysAgo(10));
    expect((await c.voidInvoice({ id: voided.id })).userErrors).toEqual([]);
    const draft = await c.draft(customerId, [line('1', '10')]);
    const othersInvoice = await c.issued(otherCustomer, [line('1', '10')], daysAgo(10));
    const journalBefore = (await c.journal()).totalCount;

    const base = { customerId, receivedOn: todayUtc(), method: 'BANK_TRANSFER' };
    const to = (invoiceId: string, amount: string) => ({ invoiceId, amount: cny(amount) });
    const cases: [Input, { code: string; field: string[] }[]][] = [
      [{ ...base, amount: cny('0') }, [{ code: 'OUT_OF_RANGE', field: ['input', 'amount', 'amount'] }]],
      [
        { ...base, amount: cny('0.00'), allocations: [to(open.id, '0.00')] },
        [{ code: 'OUT_OF_RANGE', field: ['input', 'amount', 'amount'] }],
      ],
      [{ ...base, amount: cny('-5.00') }, [{ code: 'NEGATIVE_AMOUNT', field: ['input', 'amount', 'amount'] }]], // the project-wide code for negative money
      [
        { ...base, amount: { amount: '10.00', currency: 'USD' } },
        [{ code: 'CURRENCY_MISMATCH', field: ['input', 'amount', 'currency'] }],
      ],
      [
        { ...base, amount: cny('200.00'), allocations: [to(open.id, '113.01')] },
        [{ code: 'OVER_ALLOCATION', field: ['input', 'allocations', '0', 'amount'] }],
      ],
      [
        { ...base, amount: cny('100.00'), allocations: [to(open.id, '60.00'), to(second.id, '40.01')] },
        [{ code: 'OVER_ALLOCATION', field: ['input', 'allocations'] }],
      ],
      [
        { ...base, amount: cny('10.00'), allocations: [to(voided.id, '10.00')] },
        [{ code: 'INVOICE_VOID', field: ['input', 'allocations', '0', 'invoiceId'] }],
      ],
      [
        { ...base, amount: cny('10.00'), allocations: [to(draft.id, '10.00')] },
        [{ code: 'INVOICE_NOT_ISSUED', field: ['input', 'allocations', '0', 'invoiceId'] }],
      ],
      [
        { ...base, amount: cny('10.00'), allocations: [to(othersInvoice.id, '10.00')] },
        [{ code: 'NOT_FOUND', field: ['input', 'allocations', '0', 'invoiceId'] }],
      ],
      [
        { ...base, amount: cny('10.00'), allocations: [to(UNKNOWN_ID, '10.00')] },
        [{ code: 'NOT_FOUND', field: ['input', 'allocations', '0', 'invoiceId'] }],
      ],
      [
        { ...base, amount: cny('10.00'), receivedOn: addDays(todayUtc(), 1) },
        [{ code: 'INVALID_DATE', field: ['input', 'receivedOn'] }],
      ],
      [
        { ...base, customerId: UNKNOWN_ID, amount: cny('10.00') },
        [{ code: 'NOT_FOUND', field: ['input', 'customerId'] }],
      ],
    ];
    const outcomes = [];
    for (const [input] of cases) outcomes.push(await c.recordPayment(input));
    // soft, so that a wrong code still lets the checks that nothing was saved run
    expect.soft(outcomes.map((o) => o.userErrors)).toEqual(cases.map(([, errors]) => errors));
    expect(outcomes.map((o) => o.payment)).toEqual(cases.map(() => null));

    expect(await c.paymentCount()).toBe(0);
    expect((await c.journal()).totalCount).toBe(journalBefore);
    expect(await c.invoice(open.id)).toMatchObject({ status: 'OPEN', amountPaid: cny('0.00') });
    expect(await c.invoice(second.id)).toMatchObject({ status: 'OPEN', amountPaid: cny('0.00') });
    expect(await c.invoice(othersInvoice.id)).toMatchObject({ status: 'OPEN', amountPaid: cny('0.00') });
    expect((await c.receivables(customerId)).receivables.unallocatedPayments).toEqual(cny('0.00'));

    // paying exactly the balances of both is fine
    const exact = await c.paid({
      ...base,
      amount: cny('169.50'),
      allocations: [to(open.id, '113.00'), to(second.id, '56.50')],
    });
    expect(exact.unallocated).toEqual(cny('0.00'));
    expect((await c.invoice(open.id)).status).toBe('PAID');
    expect((await c.invoice(second.id)).status).toBe('PAID');
  });
});

// ---- journal

describe('journal and trial balance', () => {
  it('posts issues, payments and voids as balanced entries, and the trial balance as of a date', async () => {
    const c = await newClient();
    const customerId = await c.createCustomer();
    const d1 = daysAgo(20);
    const d2 = daysAgo(10);
    const year = thisYear();
    // 3 x 19.99 + 1 x 0.05: subtotal 60.02, tax 7.80 + 0.01, total 67.83
    const kept = await c.issued(customerId, [line('3', '19.99'), line('1', '0.05')], d1);
    const voided = await c.issued(customerId, [line('1', '100')], d1); // 113.00
    expect((await c.voidInvoice({ id: voided.id, reason: 'duplicate' })).userErrors).toEqual([]);
    const payment = await c.paid({ customerId, amount: cny('50.00'), receivedOn: d2, reference: 'BANK-7' });
    expect(payment.allocations.map((a: any) => [a.invoice.id, a.amount.amount])).toEqual([[kept.id, '50.00']]);

    const journal = await c.journal();
    expect(journal.totalCount).toBe(4);
    expect(
      journal.nodes.map((e: any) => ({ postedOn: e.postedOn, reference: e.reference, postings: postings(e) })),
    ).toEqual([
      {
        postedOn: d1,
        reference: invoiceNumber(year, 1),
        postings: [
          ['1100', '67.83', '0.00'],
          ['4000', '0.00', '60.02'],
          ['2100', '0.00', '7.81'],
        ],
      },
      {
        postedOn: d1,
        reference: invoiceNumber(year, 2),
        postings: [
          ['1100', '113.00', '0.00'],
          ['4000', '0.00', '100.00'],
          ['2100', '0.00', '13.00'],
        ],
      },
      {
        postedOn: d2,
        reference: 'BANK-7',
        postings: [
          ['1000', '50.00', '0.00'],
          ['1100', '0.00', '50.00'],
        ],
      },
      {
        postedOn: todayUtc(),
        reference: invoiceNumber(year, 2),
        postings: [
          ['1100', '0.00', '113.00'],
          ['4000', '100.00', '0.00'],
          ['2100', '13.00', '0.00'],
        ],
      },
    ]);
    expect(journal.nodes[0].lines.map((l: any) => l.accountName)).toEqual([
      'Accounts receivable',
      'Revenue',
      'Tax payable',
    ]);
    // every entry balances
    for (const entry of journal.nodes) {
      expect(sum(entry.lines.map((l: any) => toCents(l.debit.amount)))).toBe(
        sum(entry.lines.map((l: any) => toCents(l.credit.amount))),
      );
    }
    // the window is by posting day, both ends included
    expect((await c.journal(d1, d1)).totalCount).toBe(2);
    expect((await c.journal(addDays(d1, 1), d2)).nodes.map((e: any) => e.reference)).toEqual(['BANK-7']);

    const now = await c.trialBalance();
    expect(now.asOf).toBe(todayUtc());
    expect(now.accounts.map((a: any) => a.code)).toEqual(['1000', '1100', '1200', '2100', '4000', '5000']);
    expect(accountsOf(now)).toEqual({
      '1000': ['50.00', '0.00', '50.00'],
      '1100': ['180.83', '163.00', '17.83'],
      '2100': ['13.00', '20.81', '-7.81'],
      '4000': ['100.00', '160.02', '-60.02'],
    });
    expect(now.totalDebit).toEqual(cny('343.83'));
    expect(now.totalCredit).toEqual(cny('343.83'));
    for (const a of now.accounts)
      expect(toCents(a.balance.amount)).toBe(toCents(a.debit.amount) - toCents(a.credit.amount));

    const before = await c.trialBalance(addDays(d1, -1));
    expect(accountsOf(before)).toEqual({});
    expect(before.totalDebit).toEqual(cny('0.00'));
    expect(before.totalCredit).toEqual(cny('0.00'));

    const onIssue = await c.trialBalance(d1);
    expect(accountsOf(onIssue)).toEqual({
      '1100': ['180.83', '0.00', '180.83'],
      '2100': ['0.00', '20.81', '-20.81'],
      '4000': ['0.00', '160.02', '-160.02'],
    });
    expect(onIssue.totalDebit).toEqual(cny('180.83'));
    expect(onIssue.totalCredit).toEqual(cny('180.83'));
    expect(accountsOf(await c.trialBalance(addDays(d2, -1)))).toEqual(accountsOf(onIssue));

    // before today: the payment, not yet the void
    const yesterday = await c.trialBalance(daysAgo(1));
    expect(accountsOf(yesterday)).toEqual({
      '1000': ['50.00', '0.00', '50.00'],
      '1100': ['180.83', '50.00', '130.83'],
      '2100': ['0.00', '20.81', '-20.81'],
      '4000': ['0.00', '160.02', '-160.02'],
    });
    expect(yesterday.totalDebit).toEqual(cny('230.83'));
    expect(yesterday.totalCredit).toEqual(cny('230.83'));

    // receivable = what the invoices owe minus money not yet allocated
    expect((await c.receivables(customerId)).receivables.outstanding).toEqual(cny('17.83'));
  });
});

// ---- properties

describe('properties', () => {
  it(
    'an invoice totals its lines plus their taxes to the cent (integer arithmetic on cents)',
    { timeout: 120_000 },
    async () => {
      const c = await newClient('prop-lines');
      const customerId = await c.createCustomer();
      const lineArb = fc.record({
        quantity: fc.integer({ min: 1, max: 99_999_999 }), // in 1/10000: 0.0001 .. 9999.9999
        price: fc.integer({ min: 0, max: 9_999_999 }), // cents: 0.00 .. 99999.99
        rate: fc.constantFrom(0, 6, 9, 13),
        explicitRate: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(lineArb, { minLength: 1, maxLength: 6 }), async (lines) => {
          const input = lines.map((l, i) => {
            const q = BigInt(l.quantity);
            const quantity = `${q / 10000n}.${String(q % 10000n).padStart(4, '0')}`;
            // the tenant's 13% applies when no rate is given
            const taxRate = l.rate === 13 && !l.explicitRate ? undefined : String(l.rate);
            return line(quantity, fmt(BigInt(l.price)), taxRate, `Line ${i + 1}`);
          });
          const expected = lines.map((l) => {
            const amount = divHalfUp(BigInt(l.quantity) * BigInt(l.price), 10000n);
            return { amount, tax: divHalfUp(amount * BigInt(l.rate), 100n) };
          });
          const invoice = await c.draft(customerId, input);
          expect(invoice.lines.map((l: any) => [l.amount.amount, l.tax.amount, l.taxRate])).toEqual(
            expected.map((e, i) => [fmt(e.amount), fmt(e.tax), String(lines[i].rate)]),
          );
          const subtotal = sum(expected.map((e) => e.amount));
          const tax = sum(expected.map((e) => e.tax));
          expect([invoice.subtotal.amount, invoice.taxTotal.amount, invoice.total.amount]).toEqual([
            fmt(subtotal),
            fmt(tax),
            fmt(subtotal + tax),
          ]);
        }),
        { numRuns: 25 },
      );
    },
  );

  type Op =
    | { kind: 'issue'; i: number }
    | { kind: 'pay'; i: number; percent: number; extra: number }
    | { kind: 'payOldestFirst'; amount: number }
    | { kind: 'void'; i: number };

  it(
    'after any sequence of issues, payments and voids the books balance and receivables match the invoices',
    { timeout: 180_000 },
    async () => {
      const invoiceIndex = fc.integer({ min: 0, max: 2 });
      const opArb: fc.Arbitrary<Op> = fc.oneof(
        fc.record({ kind: fc.constant('issue' as const), i: invoiceIndex }),
        fc.record({ kind: fc.constant('issue' as const), i: invoiceIndex }),
        fc.record({
          kind: fc.constant('pay' as const),
          i: invoiceIndex,
          percent: fc.integer({ min: 1, max: 100 }),
          extra: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000 })),
        }),
        fc.record({ kind: fc.constant('payOldestFirst' as const), amount: fc.integer({ min: 1, max: 60_000 }) }),
        fc.record({ kind: fc.constant('void' as const), i: invoiceIndex }),
      );
      const pricesArb = fc.tuple(
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 1, max: 20_000 }),
      );

      await fc.assert(
        fc.asyncProperty(pricesArb, fc.array(opArb, { minLength: 1, maxLength: 10 }), async (prices, ops) => {
          const c = await newClient('prop-books');
          const customerId = await c.createCustomer();
          // invoice i, once issued, is due before invoice i + 1 whatever the order of issue
          const issueDates = [daysAgo(40), daysAgo(30), daysAgo(20)];
          const model = await Promise.all(
            prices.map(async (price, i) => {
              const invoice = await c.draft(customerId, [line('1', fmt(BigInt(price)))]);
              const total = BigInt(price) + divHalfUp(BigInt(price) * 13n, 100n);
              expect(invoice.total.amount).toBe(fmt(total));
              return { id: invoice.id as string, i, total, paid: 0n, status: 'DRAFT' as string };
            }),
          );
          let unallocated = 0n;
          let received = 0n;
          const statusOf = (m: (typeof model)[number]) =>
            m.paid === 0n ? 'OPEN' : m.paid >= m.total ? 'PAID' : 'PARTIALLY_PAID';

          for (const op of ops) {
            if (op.kind === 'issue') {
              const m = model[op.i];
              const res = await c.issueInvoice({ id: m.id, issueDate: issueDates[op.i] });
              if (m.status === 'DRAFT') {
                expect(res.userErrors).toEqual([]);
                m.status = 'OPEN';
              } else expect(res.userErrors.map((e: any) => e.code)).toEqual(['INVALID_STATUS']);
            } else if (op.kind === 'void') {
              const m = model[op.i];
              const res = await c.voidInvoice({ id: m.id });
              if (m.status === 'DRAFT' || m.status === 'VOID')
                expect(res.userErrors.map((e: any) => e.code)).toEqual(['INVALID_STATUS']);
              else if (m.paid > 0n) expect(res.userErrors.map((e: any) => e.code)).toEqual(['INVOICE_HAS_PAYMENTS']);
              else {
                expect(res.userErrors).toEqual([]);
                m.status = 'VOID';
              }
            } else if (op.kind === 'pay') {
              const m = model[op.i];
              const owed = m.total - m.paid;
              const base = m.status === 'DRAFT' || m.status === 'VOID' ? m.total : owed;
              let allocation = (base * BigInt(op.percent)) / 100n;
              if (allocation === 0n) allocation = 1n;
              const amount = allocation + BigInt(op.extra);
              const res = await c.recordPayment({
                customerId,
                amount: cny(fmt(amount)),
                receivedOn: daysAgo(1),
                method: 'CASH',
                allocations: [{ invoiceId: m.id, amount: cny(fmt(allocation)) }],
              });
              const codes = res.userErrors.map((e: any) => e.code);
              if (m.status === 'DRAFT') expect(codes).toEqual(['INVOICE_NOT_ISSUED']);
              else if (m.status === 'VOID') expect(codes).toEqual(['INVOICE_VOID']);
              else if (allocation > owed) expect(codes).toEqual(['OVER_ALLOCATION']);
              else {
                expect(res.userErrors).toEqual([]);
                expect(res.payment.unallocated.amount).toBe(fmt(BigInt(op.extra)));
                m.paid += allocation;
                m.status = statusOf(m);
                unallocated += BigInt(op.extra);
                received += amount;
              }
            } else {
              let left = BigInt(op.amount);
              const res = await c.recordPayment({
                customerId,
                amount: cny(fmt(left)),
                receivedOn: daysAgo(1),
                method: 'CARD',
              });
              expect(res.userErrors).toEqual([]);
              const expectedAllocations: string[][] = [];
              for (const m of [...model].sort((a, b) => a.i - b.i)) {
                if (left === 0n || (m.status !== 'OPEN' && m.status !== 'PARTIALLY_PAID')) continue;
                const take = left < m.total - m.paid ? left : m.total - m.paid;
                expectedAllocations.push([m.id, fmt(take)]);
                m.paid += take;
                m.status = statusOf(m);
                left -= take;
              }
              expect(allocs(res.payment)).toEqual(sortedPairs(expectedAllocations));
              expect(res.payment.unallocated.amount).toBe(fmt(left));
              unallocated += left;
              received += BigInt(op.amount);
            }
          }

          const invoices = await Promise.all(model.map((m) => c.invoice(m.id)));
          expect(invoices.map((i: any) => [i.status, i.amountPaid.amount])).toEqual(
            model.map((m) => [m.status, fmt(m.paid)]),
          );
          const issued = model.filter((m) => m.status !== 'DRAFT' && m.status !== 'VOID');
          for (const m of issued) expect(invoices[m.i].balance.amount).toBe(fmt(m.total - m.paid));
          const owed = sum(issued.map((m) => toCents(invoices[m.i].balance.amount)));

          const customer = await c.receivables(customerId);
          expect(customer.receivables.unallocatedPayments.amount).toBe(fmt(unallocated));
          expect(customer.receivables.outstanding.amount).toBe(fmt(owed));

          const tb = await c.trialBalance();
          expect(tb.totalDebit.amount).toBe(tb.totalCredit.amount);
          for (const a of tb.accounts)
            expect(toCents(a.balance.amount)).toBe(toCents(a.debit.amount) - toCents(a.credit.amount));
          expect(balanceOf(tb, '1100')).toBe(fmt(owed - unallocated));
          expect(balanceOf(tb, '1000')).toBe(fmt(received));
          const revenue = sum(issued.map((m) => toCents(invoices[m.i].subtotal.amount)));
          const tax = sum(issued.map((m) => toCents(invoices[m.i].taxTotal.amount)));
          expect(balanceOf(tb, '4000')).toBe(fmt(-revenue));
          expect(balanceOf(tb, '2100')).toBe(fmt(-tax));
        }),
        { numRuns: 15 },
      );
    },
  );
});

// ---- concurrency

describe('concurrency', () => {
  it('two payments of 70% of one invoice at the same moment never over-pay it', { timeout: 60_000 }, async () => {
    const c = await newClient('race-pay');
    const customerId = await c.createCustomer();
    for (let round = 0; round < 5; round++) {
      const invoice = await c.issued(customerId, [line('1', '100')], daysAgo(5)); // 113.00; 70% = 79.10
      const pay = () =>
        c.recordPayment({
          customerId,
          amount: cny('79.10'),
          receivedOn: todayUtc(),
          method: 'BANK_TRANSFER',
          allocations: [{ invoiceId: invoice.id, amount: cny('79.10') }],
        });
      const outcomes = await Promise.all([pay(), pay()]);
      const succeeded = outcomes.filter((o) => o.userErrors.length === 0);
      const refused = outcomes.filter((o) => o.userErrors.length > 0);
      expect(succeeded).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(succeeded[0].payment.allocations.map((a: any) => [a.invoice.id, a.amount.amount])).toEqual([
        [invoice.id, '79.10'],
      ]);
      expect(refused[0].userErrors).toEqual([
        { code: 'OVER_ALLOCATION', field: ['input', 'allocations', '0', 'amount'] },
      ]);
      expect(refused[0].payment).toBeNull();
      const after = await c.invoice(invoice.id);
      expect(after).toMatchObject({ status: 'PARTIALLY_PAID', amountPaid: cny('79.10'), balance: cny('33.90') });
      expect(toCents(after.amountPaid.amount) <= toCents(after.total.amount)).toBe(true);
      expect(after.payments).toHaveLength(1);
    }
    expect(await c.paymentCount()).toBe(5);
    const tb = await c.trialBalance();
    expect(tb.totalDebit).toEqual(tb.totalCredit);
    expect(balanceOf(tb, '1000')).toBe('395.50');
  });

  it('the same draft issued twice at the same moment is numbered and posted once', { timeout: 60_000 }, async () => {
    const c = await newClient('race-issue');
    const customerId = await c.createCustomer();
    for (let round = 0; round < 3; round++) {
      const draft = await c.draft(customerId, [line('1', '10')]);
      const outcomes = await Promise.all([c.issueInvoice({ id: draft.id }), c.issueInvoice({ id: draft.id })]);
      expect(outcomes.map((o) => o.userErrors.map((e: any) => e.code)).sort()).toEqual([[], ['INVALID_STATUS']]);
      expect((await c.invoice(draft.id)).number).toBe(invoiceNumber(thisYear(), round + 1));
    }
    const journal = await c.journal();
    expect(journal.nodes.map((e: any) => e.reference)).toEqual([1, 2, 3].map((n) => invoiceNumber(thisYear(), n)));
  });

  it(
    '20 invoices issued at the same moment get numbers 1 to 20 without gaps or duplicates',
    { timeout: 60_000 },
    async () => {
      const c = await newClient('race-number');
      const customerId = await c.createCustomer();
      const drafts = [];
      for (let i = 0; i < 20; i++) drafts.push(await c.draft(customerId, [line('1', String(10 + i))]));
      const outcomes = await Promise.all(drafts.map((d) => c.issueInvoice({ id: d.id })));
      expect(outcomes.flatMap((o) => o.userErrors)).toEqual([]);
      const numbers = outcomes.map((o) => o.invoice.number as string).sort();
      expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => invoiceNumber(thisYear(), i + 1)));
      // each number is its own invoice's, and posted once
      const journal = await c.journal();
      expect(journal.totalCount).toBe(20);
      expect(journal.nodes.map((e: any) => e.reference).sort()).toEqual(numbers);
      for (const o of outcomes) expect((await c.invoiceByNumber(o.invoice.number)).id).toBe(o.invoice.id);
    },
  );
});
