import { expect } from 'vitest';
import { strictClient } from '../support/fulfilment.js';
import { newTenant, type Stack } from '../support/stack.js';

const ERRORS = 'userErrors { code field }';
const cny = (amount: string) => ({ amount, currency: 'CNY' });

const ORDER =
  'id number status total { amount } lines { id product { sku } quantity discountPercent amount { amount } }';
const LINE =
  'description product { id } quantity unitPrice { amount } discountPercent taxRate amount { amount } tax { amount }';
const INVOICE = `id number status issueDate dueDate shipmentId order { id } lines { ${LINE} } subtotal { amount } taxTotal { amount } total { amount currency }`;

/**
 * A tenant with a warehouse, a customer and helpers to sell, ship and read what finance made of
 * it, all through the gateway. `settle()` delivers the events each step published.
 */
export async function lead2cash(stack: Stack, prefix = 'l2c') {
  const tenant = newTenant(prefix);
  const token = await stack.token(tenant);
  const run = strictClient(stack, token);
  const warehouse = (
    await run(`mutation { createWarehouse(input: {code: "MAIN", name: "Main"}) { warehouse { id } ${ERRORS} } }`)
  ).warehouse.id as string;
  const customer = (await run(`mutation { createCustomer(input: {name: "Buyer"}) { customer { id } ${ERRORS} } }`))
    .customer.id as string;

  const scene = {
    tenant,
    token,
    run,
    customer,
    /** A product at `listPrice` costing `unitCost`, with `onHand` received into MAIN. */
    async product(sku: string, name: string, listPrice: string, unitCost: string, onHand = '100'): Promise<string> {
      const input = { sku, name, listPrice: cny(listPrice), unitCost: cny(unitCost) };
      const id = (
        await run(
          `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } ${ERRORS} } }`,
          { input },
        )
      ).product.id;
      await run(
        `mutation($p: ID!, $w: ID!, $q: Decimal!) { receiveStock(input: {productId: $p, warehouseId: $w, quantity: $q}) { ${ERRORS} } }`,
        { p: id, w: warehouse, q: onHand },
      );
      return id;
    },
    async order(lines: { productId: string; quantity: string; discountPercent?: string; unitPrice?: string }[]) {
      const input = {
        customerId: customer,
        lines: lines.map((l) => ({ ...l, unitPrice: l.unitPrice ? cny(l.unitPrice) : undefined })),
      };
      return (
        await run(
          `mutation($input: CreateSalesOrderInput!) { createSalesOrder(input: $input) { order { ${ORDER} } ${ERRORS} } }`,
          { input },
        )
      ).order;
    },
    confirm: async (id: string) =>
      (await run(`mutation($id: ID!) { confirmSalesOrder(input: {id: $id}) { order { status } ${ERRORS} } }`, { id }))
        .order,
    cancel: async (id: string) =>
      (await run(`mutation($id: ID!) { cancelSalesOrder(input: {id: $id}) { order { status } ${ERRORS} } }`, { id }))
        .order,
    /** Picks and ships `lines` ([order line id, quantity]) of an order; returns the shipment. */
    async ship(orderId: string, lines: [string, string][]) {
      const input = { orderId, lines: lines.map(([orderLineId, quantity]) => ({ orderLineId, quantity })) };
      const created = (
        await run(
          `mutation($input: CreateShipmentInput!) { createShipment(input: $input) { shipment { id } ${ERRORS} } }`,
          { input },
        )
      ).shipment;
      return (
        await run(
          `mutation($id: ID!) { markShipmentShipped(input: {id: $id}) { shipment { id number status } ${ERRORS} } }`,
          { id: created.id },
        )
      ).shipment as {
        id: string;
        number: string;
        status: string;
      };
    },
    settle: () => stack.settle(),
    /** The customer's exposure (a decimal string) and invoices, oldest first. */
    async finance() {
      const res = await stack.query(
        token,
        `query($c: ID!) { customer(id: $c) { credit { exposure { amount currency } } receivables { outstanding { amount } } invoices(first: 50) { totalCount nodes { ${INVOICE} } } } }`,
        {
          c: customer,
        },
      );
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      const c = res.data.customer;
      expect(c.credit.exposure.currency).toBe('CNY');
      return {
        exposure: c.credit.exposure.amount as string,
        outstanding: c.receivables.outstanding.amount as string,
        invoices: [...c.invoices.nodes].reverse() as any[],
      };
    },
    async trialBalance() {
      const tb = (await run(
        '{ trialBalance { accounts { code debit { amount } credit { amount } } totalDebit { amount } totalCredit { amount } } }',
      )) as any;
      return {
        accounts: Object.fromEntries(
          tb.accounts.map((a: any) => [a.code, [a.debit.amount, a.credit.amount]]),
        ) as Record<string, [string, string]>,
        totalDebit: tb.totalDebit.amount as string,
        totalCredit: tb.totalCredit.amount as string,
      };
    },
    async journal() {
      const entries = (
        await run(
          '{ journalEntries(first: 100) { nodes { postedOn description reference lines { accountCode debit { amount } credit { amount } } } } }',
        )
      ).nodes as any[];
      return entries.map((e) => ({
        ...e,
        lines: e.lines.map((l: any) => [l.accountCode, l.debit.amount, l.credit.amount]),
      }));
    },
    /** Every delivery to finance of this tenant's events was accepted (none retried or dead-lettered). */
    async deliveriesToFinance() {
      return (
        await stack.database.sql`
        select d.status, e.type from fulfilment.outbox_deliveries d
        join fulfilment.outbox_events e on e.tenant_id = d.tenant_id and e.id = d.event_id
        where d.tenant_id = ${tenant} and d.subscriber = 'finance' order by e.id`
      ).map((r) => `${r.type} ${r.status}`);
    },
  };
  return scene;
}

export type Scene = Awaited<ReturnType<typeof lead2cash>>;
