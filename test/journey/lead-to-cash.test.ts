import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, envelope } from '../support/events.js';
import { expectLedgerConsistent, strictClient } from '../support/fulfilment.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';
import { addDays, todayUtc } from '../../lib/dates.js';
import { uuidv7 } from '../../lib/ids.js';

/**
 * The product's reason to exist, through the gateway over HTTP with every relay running: a lead
 * becomes a customer, a won deal becomes an order, the order is credit-checked, reserved, shipped
 * in two parts, invoiced per part, paid, and the customer's health and repurchase date follow.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const ERRORS = 'userErrors { code field message }';
const cny = (amount: string) => ({ amount, currency: 'CNY' });

describe('lead to cash', () => {
  it('carries a lead to a paid order and a healthier customer, every number checked', async () => {
    const tenant = newTenant('l2c');
    const token = await stack.token(tenant, undefined, { userId: 'rep-li' });
    const run = strictClient(stack, token);
    /** Waits for every event the last mutations caused to be applied. */
    const settled = () => stack.settle();
    const today = todayUtc();

    // The catalogue and stock.
    const warehouse = (
      await run(`mutation { createWarehouse(input: {code: "MAIN", name: "Main"}) { warehouse { id } ${ERRORS} } }`)
    ).warehouse.id;
    const product = async (sku: string, list: string, cost: string, onHand: string) => {
      const id = (
        await run(`mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id } ${ERRORS} } }`, {
          i: {
            sku,
            name: sku === 'KILN' ? 'Electric kiln' : 'Celadon glaze',
            listPrice: cny(list),
            unitCost: cny(cost),
          },
        })
      ).product.id;
      await run(
        `mutation($p: ID!, $w: ID!, $q: Decimal!) { receiveStock(input: {productId: $p, warehouseId: $w, quantity: $q}) { ${ERRORS} } }`,
        { p: id, w: warehouse, q: onHand },
      );
      return id as string;
    };
    const kiln = await product('KILN', '5000', '3000.00', '5');
    const glaze = await product('GLAZE', '20', '8.00', '100');

    // Lead -> qualified -> converted: a customer and an opportunity.
    const { lead } = await run(
      `mutation { createLead(input: {name: "Wang Fang", company: "Fang Ceramics", email: "wang@fang.cn"}) { lead { id } ${ERRORS} } }`,
    );
    await run(`mutation($id: ID!) { qualifyLead(input: {id: $id}) { lead { status } ${ERRORS} } }`, { id: lead.id });
    const converted = await run(
      `mutation($id: ID!) { convertLead(input: {leadId: $id, opportunity: {title: "Studio fit-out"}}) { customer { id name } opportunity { id } ${ERRORS} } }`,
      { id: lead.id },
    );
    const customer = converted.customer.id as string;
    const opportunity = converted.opportunity.id as string;
    expect(converted.customer.name).toBe('Fang Ceramics');

    // The customer bought once before, 30 days ago (history arriving as an event, as it would from an import).
    const history = envelope(tenant, 'shipment.delivered', {
      shipmentId: uuidv7(),
      orderId: uuidv7(),
      customerId: customer,
      deliveredOn: addDays(today, -30),
      orderTotal: '1000.00',
      currency: 'CNY',
    });
    expect((await deliver(stack, 'customer', history)).body.status).toBe('applied');

    // Opportunity lines: 2 x 4800.00 at 5% off = 9120.00; 30 x 19.99 = 599.70.
    for (const line of [
      { productId: kiln, quantity: '2', unitPrice: cny('4800.00'), discountPercent: '5' },
      { productId: glaze, quantity: '30', unitPrice: cny('19.99') },
    ]) {
      await run(
        `mutation($id: ID!, $l: OpportunityLineInput!) { addOpportunityLine(input: {opportunityId: $id, line: $l}) { opportunity { amount { amount } } ${ERRORS} } }`,
        { id: opportunity, l: line },
      );
    }
    await run(`mutation($id: ID!) { markOpportunityWon(input: {id: $id}) { opportunity { status } ${ERRORS} } }`, {
      id: opportunity,
    });
    await settled();

    // Won -> a DRAFT order with the deal's lines, linked both ways.
    const won = await run(
      `query($id: ID!) { opportunity(id: $id) { status amount { amount } salesOrder { id number status total { amount } opportunity { id }
      lines { id product { sku } quantity unitPrice { amount } discountPercent amount { amount } } } } }`,
      { id: opportunity },
    );
    expect(won).toMatchObject({ status: 'WON', amount: { amount: '9719.70' } });
    const order = won.salesOrder;
    expect(order).toMatchObject({ status: 'DRAFT', total: { amount: '9719.70' }, opportunity: { id: opportunity } });
    expect(
      order.lines.map((l: any) => [l.product.sku, l.quantity, l.unitPrice.amount, l.discountPercent, l.amount.amount]),
    ).toEqual([
      ['KILN', '2', '4800.00', '5', '9120.00'],
      ['GLAZE', '30', '19.99', '0', '599.70'],
    ]);
    const [kilnLine, glazeLine] = order.lines.map((l: any) => l.id);

    // Credit: a 5,000 limit refuses the order and reserves nothing; 10,000 allows it.
    const confirm = `mutation($id: ID!) { confirmSalesOrder(input: {id: $id}) { order { status promisedDate } ${ERRORS} } }`;
    const setLimit = `mutation($c: ID!, $l: MoneyInput) { setCreditLimit(input: {customerId: $c, limit: $l}) { customer { id } ${ERRORS} } }`;
    await run(setLimit, { c: customer, l: cny('5000.00') });
    const refused = (await stack.query(token, confirm, { id: order.id })).data.confirmSalesOrder;
    expect(refused.userErrors).toMatchObject([{ code: 'CREDIT_LIMIT_EXCEEDED', field: ['input', 'id'] }]);
    const stockOf = async () =>
      (
        await stack.query(
          token,
          `query($k: ID!, $g: ID!) { k: product(id: $k) { availableQuantity } g: product(id: $g) { availableQuantity } }`,
          { k: kiln, g: glaze },
        )
      ).data;
    expect(await stockOf()).toEqual({ k: { availableQuantity: '5' }, g: { availableQuantity: '100' } });
    await run(setLimit, { c: customer, l: cny('10000.00') });
    expect((await run(confirm, { id: order.id })).order).toEqual({ status: 'CONFIRMED', promisedDate: today });
    expect(await stockOf()).toEqual({ k: { availableQuantity: '3' }, g: { availableQuantity: '70' } });
    await settled();

    const credit = async () =>
      (
        await run(
          `query($c: ID!) { customer(id: $c) { credit { limit { amount } exposure { amount } available { amount } status } } }`,
          { c: customer },
        )
      ).credit;
    expect(await credit()).toEqual({
      limit: { amount: '10000.00' },
      exposure: { amount: '9719.70' },
      available: { amount: '280.30' },
      status: 'WARNING',
    });

    // Shipped in two parts: two invoices for exactly what shipped, cost of goods at unit cost.
    const shipPart = async (orderLineId: string, quantity: string) => {
      const { shipment } = await run(
        `mutation($i: CreateShipmentInput!) { createShipment(input: $i) { shipment { id } ${ERRORS} } }`,
        { i: { orderId: order.id, lines: [{ orderLineId, quantity }] } },
      );
      await run(`mutation($id: ID!) { markShipmentShipped(input: {id: $id}) { shipment { status } ${ERRORS} } }`, {
        id: shipment.id,
      });
      await settled();
      return shipment.id as string;
    };
    const invoices = async () =>
      (
        await run(
          `query($c: ID!) { customer(id: $c) { invoices(first: 10) { nodes { number status issueDate dueDate subtotal { amount } taxTotal { amount } total { amount } balance { amount } order { id }
        lines { description quantity unitPrice { amount } discountPercent amount { amount } } } } } }`,
          { c: customer },
        )
      ).invoices.nodes.reverse();

    const first = await shipPart(kilnLine, '2');
    // 9120.00 net + 13% tax 1185.60 = 10305.60; 599.70 of the order is still to bill.
    expect(await invoices()).toMatchObject([
      {
        status: 'OPEN',
        issueDate: today,
        dueDate: addDays(today, 30),
        subtotal: { amount: '9120.00' },
        taxTotal: { amount: '1185.60' },
        total: { amount: '10305.60' },
        order: { id: order.id },
        lines: [
          {
            description: 'KILN Electric kiln',
            quantity: '2',
            unitPrice: { amount: '4800.00' },
            discountPercent: '5',
            amount: { amount: '9120.00' },
          },
        ],
      },
    ]);
    expect((await credit()).exposure).toEqual({ amount: '10905.30' });

    const second = await shipPart(glazeLine, '30');
    // 599.70 + tax 77.961 -> 77.96 = 677.66.
    const both = await invoices();
    expect(both.map((i: any) => [i.subtotal.amount, i.taxTotal.amount, i.total.amount])).toEqual([
      ['9120.00', '1185.60', '10305.60'],
      ['599.70', '77.96', '677.66'],
    ]);
    expect(both[1].number).toBe(`INV-${today.slice(0, 4)}-000002`);
    expect((await credit()).exposure).toEqual({ amount: '10983.26' });
    expect((await run(`query($id: ID!) { salesOrder(id: $id) { status } }`, { id: order.id })).status).toBe('SHIPPED');

    const ledger = await run(
      `{ trialBalance { totalDebit { amount } totalCredit { amount } accounts { code debit { amount } credit { amount } } } }`,
    );
    expect(ledger.totalDebit).toEqual(ledger.totalCredit);
    const account = (code: string) => ledger.accounts.find((a: any) => a.code === code);
    expect(account('1100')).toMatchObject({ debit: { amount: '10983.26' } });
    expect(account('4000')).toMatchObject({ credit: { amount: '9719.70' } });
    expect(account('2100')).toMatchObject({ credit: { amount: '1263.56' } });
    // 2 x 3000.00 + 30 x 8.00
    expect(account('5000')).toMatchObject({ debit: { amount: '6240.00' } });
    expect(account('1200')).toMatchObject({ credit: { amount: '6240.00' } });

    // Delivered, then paid in full: both invoices PAID, nothing owed.
    for (const id of [first, second])
      await run(`mutation($id: ID!) { markShipmentDelivered(input: {id: $id}) { shipment { status } ${ERRORS} } }`, {
        id,
      });
    await run(
      `mutation($c: ID!, $d: Date!) { recordPayment(input: {customerId: $c, amount: {amount: "10983.26", currency: "CNY"}, receivedOn: $d, method: BANK_TRANSFER}) { payment { id } ${ERRORS} } }`,
      { c: customer, d: today },
    );
    await settled();
    expect((await invoices()).map((i: any) => [i.status, i.balance.amount])).toEqual([
      ['PAID', '0.00'],
      ['PAID', '0.00'],
    ]);
    expect(await credit()).toMatchObject({
      exposure: { amount: '0.00' },
      available: { amount: '10000.00' },
      status: 'OK',
    });

    // The customer side: two purchases 30 days apart -> next one expected in 30 days.
    const profile = await run(
      `query($c: ID!) { customer(id: $c) { lastPurchaseAt purchaseCount nextPurchaseExpectedAt healthScore healthFactors { name weight value } } }`,
      { c: customer },
    );
    expect(profile).toMatchObject({
      lastPurchaseAt: today,
      purchaseCount: 2,
      nextPurchaseExpectedAt: addDays(today, 30),
    });
    // RECENCY 100 x 30, FREQUENCY 2 of 6 -> 33 x 20, no overdue 100 x 25, no open tickets 100 x 10, no ratings 50 x 15 -> 79.1
    expect(profile.healthFactors).toEqual([
      { name: 'RECENCY', weight: 30, value: 100 },
      { name: 'FREQUENCY', weight: 20, value: 33 },
      { name: 'OVERDUE_RECEIVABLES', weight: 25, value: 100 },
      { name: 'OPEN_TICKETS', weight: 10, value: 100 },
      { name: 'SATISFACTION', weight: 15, value: 50 },
    ]);
    expect(profile.healthScore).toBe(79);

    // Every step left its event, each applied by its subscribers; nothing pending or dead.
    const admin = await stack.token(tenant, ['admin']);
    const log = (await stack.query(admin, `{ events(first: 50) { totalCount nodes { type state } } }`)).data.events;
    const count = (type: string) => log.nodes.filter((e: any) => e.type === type).length;
    expect(
      Object.fromEntries(
        [
          'lead.converted',
          'opportunity.won',
          'salesOrder.confirmed',
          'shipment.shipped',
          'invoice.issued',
          'shipment.delivered',
          'invoice.paid',
        ].map((t) => [t, count(t)]),
      ),
    ).toEqual({
      'lead.converted': 1,
      'opportunity.won': 1,
      'salesOrder.confirmed': 1,
      'shipment.shipped': 2,
      'invoice.issued': 2,
      'shipment.delivered': 2,
      'invoice.paid': 2,
    });
    expect(log.nodes.filter((e: any) => e.state !== 'DELIVERED' && e.state !== 'PUBLISHED')).toEqual([]);
    await expectLedgerConsistent(stack, tenant);
  });
});
