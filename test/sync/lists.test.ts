import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, startStack, type Stack } from '../support/stack.js';
import { markAfter, strict, syncPass } from './support.js';

/**
 * Every root list reads incrementally: `filter: {updatedSince}` with `orderBy: {field: UPDATED_AT}`
 * returns exactly the rows written since, in (updatedAt, id) order, whatever their status now.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const cny = (amount: string) => ({ amount, currency: 'CNY' });

async function tenantSession() {
  const token = await stack.token(newTenant('sync'));
  const run = strict(stack, token);
  const customer = async (name: string) =>
    (
      await run(
        `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { code } } }`,
        { i: { name } },
      )
    ).customer.id as string;
  /** Syncs `list` from the start, then returns a mark after everything it read. */
  const mark = async (list: string) => {
    await stack.settle();
    const all = await syncPass(stack, token, list, 'id updatedAt', null);
    return markAfter(all.nodes.map((n) => n.updatedAt));
  };
  /** The rows of `list` written at or after `since`, after the events in flight have landed. */
  const since = async (list: string, from: string, fields = 'id updatedAt') => {
    await stack.settle();
    const pass = await syncPass(stack, token, list, fields, from);
    const times = pass.nodes.map((n) => Date.parse(n.updatedAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    return pass.nodes;
  };
  return { token, run, customer, mark, since };
}

const ids = (nodes: Record<string, any>[]) => nodes.map((n) => n.id as string).sort();

describe('updatedSince on every root list', () => {
  it('customers: changed and new ones, an archived one with its archivedAt', async () => {
    const s = await tenantSession();
    const [a, b, c] = [await s.customer('A'), await s.customer('B'), await s.customer('C')];
    const from = await s.mark('customers');
    await s.run(`mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { userErrors { code } } }`, {
      i: { id: a, segment: 'gold' },
    });
    await s.run(`mutation($i: ArchiveCustomerInput!) { archiveCustomer(input: $i) { userErrors { code } } }`, {
      i: { id: b },
    });
    const d = await s.customer('D');
    const changed = await s.since('customers', from, 'id updatedAt archivedAt segment');
    expect(changed.map((n) => n.id)).toEqual([a, b, d]);
    expect(changed[1].archivedAt).toEqual(expect.any(String));
    expect(changed[0].segment).toBe('gold');
    expect(ids(changed)).not.toContain(c);
  });

  it('leads: a disqualified one with its status', async () => {
    const s = await tenantSession();
    const lead = async (name: string) =>
      (
        await s.run(`mutation($i: CreateLeadInput!) { createLead(input: $i) { lead { id } userErrors { code } } }`, {
          i: { name },
        })
      ).lead.id as string;
    const [a] = [await lead('A'), await lead('B')];
    const from = await s.mark('leads');
    await s.run(`mutation($i: DisqualifyLeadInput!) { disqualifyLead(input: $i) { userErrors { code } } }`, {
      i: { id: a, reason: 'No budget' },
    });
    const c = await lead('C');
    const changed = await s.since('leads', from, 'id updatedAt status');
    expect(changed.map((n) => [n.id, n.status])).toEqual([
      [a, 'DISQUALIFIED'],
      [c, 'NEW'],
    ]);
  });

  it('opportunities: a lost one with its status', async () => {
    const s = await tenantSession();
    const customerId = await s.customer('Buyer');
    const opportunity = async (title: string) =>
      (
        await s.run(
          `mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { opportunity { id } userErrors { code } } }`,
          { i: { title, customerId, amount: cny('100.00') } },
        )
      ).opportunity.id as string;
    const [a, b] = [await opportunity('A'), await opportunity('B')];
    const from = await s.mark('opportunities');
    await s.run(`mutation($i: MarkOpportunityLostInput!) { markOpportunityLost(input: $i) { userErrors { code } } }`, {
      i: { id: b, reason: 'Price' },
    });
    const changed = await s.since('opportunities', from, 'id updatedAt status');
    expect(changed.map((n) => [n.id, n.status])).toEqual([[b, 'LOST']]);
    expect(ids(changed)).not.toContain(a);
  });

  it('products: a deactivated one (active false) and a new one', async () => {
    const s = await tenantSession();
    const product = async (sku: string) =>
      (
        await s.run(
          `mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id } userErrors { code } } }`,
          {
            i: { sku, name: sku, listPrice: cny('10.00') },
          },
        )
      ).product.id as string;
    const [a] = [await product('P-A'), await product('P-B')];
    const from = await s.mark('products');
    await s.run(`mutation($i: UpdateProductInput!) { updateProduct(input: $i) { userErrors { code } } }`, {
      i: { id: a, active: false },
    });
    const c = await product('P-C');
    const changed = await s.since('products', from, 'id updatedAt active');
    expect(changed.map((n) => [n.id, n.active])).toEqual([
      [a, false],
      [c, true],
    ]);
  });

  it('salesOrders: a cancelled one with its status', async () => {
    const s = await tenantSession();
    const customerId = await s.customer('Buyer');
    const productId = (
      await s.run(
        `mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id } userErrors { code } } }`,
        {
          i: { sku: 'SO-P', name: 'Tea', listPrice: cny('10.00') },
        },
      )
    ).product.id;
    const order = async () =>
      (
        await s.run(
          `mutation($i: CreateSalesOrderInput!) { createSalesOrder(input: $i) { order { id } userErrors { code } } }`,
          {
            i: { customerId, lines: [{ productId, quantity: '2' }] },
          },
        )
      ).order.id as string;
    const [a, b] = [await order(), await order()];
    const from = await s.mark('salesOrders');
    await s.run(`mutation($i: CancelSalesOrderInput!) { cancelSalesOrder(input: $i) { userErrors { code } } }`, {
      i: { id: a, reason: 'Changed mind' },
    });
    const changed = await s.since('salesOrders', from, 'id updatedAt status cancelledAt');
    expect(changed.map((n) => [n.id, n.status])).toEqual([[a, 'CANCELLED']]);
    expect(ids(changed)).not.toContain(b);
  });

  it('invoices and payments: a voided invoice, a paid one (its payment allocated in SQL), the payment', async () => {
    const s = await tenantSession();
    const customerId = await s.customer('Buyer');
    const invoice = async () => {
      const id = (
        await s.run(
          `mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { invoice { id } userErrors { code } } }`,
          {
            i: { customerId, lines: [{ description: 'Tea', quantity: '1', unitPrice: cny('100.00'), taxRate: '0' }] },
          },
        )
      ).invoice.id as string;
      await s.run(`mutation($i: IssueInvoiceInput!) { issueInvoice(input: $i) { userErrors { code } } }`, {
        i: { id },
      });
      return id;
    };
    const [a, b, c] = [await invoice(), await invoice(), await invoice()];
    const earlier = (
      await s.run(
        `mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { payment { id } userErrors { code } } }`,
        {
          i: { customerId, amount: cny('30.00'), receivedOn: '2026-01-05', method: 'CASH', allocations: [] },
        },
      )
    ).payment.id as string;
    const [fromInvoices, fromPayments] = [await s.mark('invoices'), await s.mark('payments')];

    await s.run(`mutation($i: VoidInvoiceInput!) { voidInvoice(input: $i) { userErrors { code } } }`, {
      i: { id: a, reason: 'Wrong customer' },
    });
    const payment = (
      await s.run(
        `mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { payment { id } userErrors { code } } }`,
        {
          i: {
            customerId,
            amount: cny('100.00'),
            receivedOn: '2026-01-06',
            method: 'BANK_TRANSFER',
            allocations: [{ invoiceId: b, amount: cny('100.00') }],
          },
        },
      )
    ).payment.id as string;

    const invoices = await s.since('invoices', fromInvoices, 'id updatedAt status');
    expect(invoices.map((n) => [n.id, n.status])).toEqual([
      [a, 'VOID'],
      [b, 'PAID'],
    ]);
    expect(ids(invoices)).not.toContain(c);
    const payments = await s.since('payments', fromPayments, 'id updatedAt unallocated { amount }');
    expect(payments.map((n) => [n.id, n.unallocated.amount])).toEqual([[payment, '0.00']]);
    expect(ids(payments)).not.toContain(earlier);
  });

  it('stockMovements: the movements recorded since, of every product, with updatedAt as their recording time', async () => {
    const s = await tenantSession();
    const productId = (
      await s.run(
        `mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id } userErrors { code } } }`,
        {
          i: { sku: 'SM-P', name: 'Tea', listPrice: cny('10.00') },
        },
      )
    ).product.id;
    const warehouseId = (
      await s.run(
        `mutation($i: CreateWarehouseInput!) { createWarehouse(input: $i) { warehouse { id } userErrors { code } } }`,
        {
          i: { code: 'W1', name: 'Main' },
        },
      )
    ).warehouse.id;
    const receive = async (quantity: string) =>
      (
        await s.run(
          `mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { movement { id } userErrors { code } } }`,
          {
            i: { productId, warehouseId, quantity },
          },
        )
      ).movement.id as string;
    const first = await receive('5');
    const from = await s.mark('stockMovements');
    const [m2, m3] = [await receive('3'), await receive('4')];
    const changed = await s.since('stockMovements', from, 'id updatedAt occurredAt quantity');
    expect(changed.map((n) => [n.id, n.quantity])).toEqual([
      [m2, '3'],
      [m3, '4'],
    ]);
    expect(ids(changed)).not.toContain(first);
    // One product's ledger syncs too.
    const own = await syncPass(stack, s.token, 'stockMovements', 'id', from, { args: `productId: "${productId}",` });
    expect(own.nodes.map((n) => n.id)).toEqual([m2, m3]);
  });

  it('auditLog: the entries written since, in the order they were written', async () => {
    const s = await tenantSession();
    await s.customer('A');
    const from = await s.mark('auditLog');
    const b = await s.customer('B');
    const c = await s.customer('C');
    const changed = await s.since('auditLog', from, 'id updatedAt occurredAt field entityIds');
    expect(changed.map((n) => [n.field, n.entityIds])).toEqual([
      ['createCustomer', [b]],
      ['createCustomer', [c]],
    ]);
    for (const entry of changed)
      expect(Date.parse(entry.updatedAt)).toBeGreaterThanOrEqual(Date.parse(entry.occurredAt));
  });
});

describe('syncedUntil', () => {
  it('is null in other orders and directions, and a forged horizon in a cursor is refused', async () => {
    const s = await tenantSession();
    await Promise.all([s.customer('A'), s.customer('B'), s.customer('C')]);
    const page = async (args: string) => {
      const res = await stack.query(s.token, `{ customers(${args}) { pageInfo { endCursor syncedUntil } } }`);
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      return res.data.customers.pageInfo;
    };
    expect((await page('first: 2')).syncedUntil).toBeNull();
    expect((await page('first: 2, orderBy: { field: UPDATED_AT, direction: DESC }')).syncedUntil).toBeNull();
    const first = await page('first: 2, orderBy: { field: UPDATED_AT }');
    expect(Date.parse(first.syncedUntil)).toBeLessThanOrEqual(Date.now());

    const [value, id] = JSON.parse(Buffer.from(first.endCursor, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify([value, id, 'tomorrow'])).toString('base64url');
    const res = await stack.query(
      s.token,
      `{ customers(first: 2, after: "${forged}", orderBy: { field: UPDATED_AT }) { nodes { id } } }`,
    );
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('carries the first page horizon through the pass, and a full page stops at its last row', async () => {
    const s = await tenantSession();
    for (const name of ['A', 'B', 'C', 'D', 'E']) await s.customer(name);
    const pass = await syncPass(stack, s.token, 'customers', 'id updatedAt', null);
    expect(pass.nodes).toHaveLength(5);
    const last = pass.pages.at(-1)!.syncedUntil!;
    for (const [i, p] of pass.pages.entries()) {
      expect(Date.parse(p.syncedUntil!)).toBeLessThanOrEqual(Date.parse(last));
      if (p.hasNextPage)
        expect(Date.parse(p.syncedUntil!)).toBeLessThanOrEqual(Date.parse(pass.nodes[i * 2 + 1].updatedAt));
    }
  });
});
