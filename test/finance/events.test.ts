import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { uuidv7 } from '../../lib/ids.js';
import { dec, percentOf } from '../../lib/money.js';
import { netAmount } from '../../subgraphs/finance/rules.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';
import { deliverToFinance, envelope, orderEvent } from './deliver.js';
import { lead2cash } from './scene.js';

/**
 * Lead to cash as finance sees it: orders confirmed and cancelled in order-fulfilment move the
 * customer's exposure, shipments become issued invoices and cost of goods sold, each exactly once.
 * Numbers are worked out by hand in the comments (tax 13%, terms 30 days, CNY).
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const today = () => new Date().toISOString().slice(0, 10);
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const year = () => today().slice(0, 4);

describe('exposure from salesOrder.confirmed and salesOrder.cancelled', () => {
  it('rises by the order total when the order is confirmed and drops back when it is cancelled', async () => {
    const s = await lead2cash(stack, 'exposure');
    const widget = await s.product('WIDGET', 'Widget', '19.99', '7.00');
    // 3 x 19.99 = 59.97 less 12.5% = 52.47375 -> 52.47
    const order = await s.order([{ productId: widget, quantity: '3', discountPercent: '12.5' }]);
    expect(order.total.amount).toBe('52.47');
    expect((await s.finance()).exposure).toBe('0.00');

    await s.confirm(order.id);
    await s.settle();
    expect(await s.finance()).toMatchObject({ exposure: '52.47', outstanding: '0.00', invoices: [] });

    await s.cancel(order.id);
    await s.settle();
    expect((await s.finance()).exposure).toBe('0.00');
    expect(await s.deliveriesToFinance()).toEqual(['salesOrder.confirmed DELIVERED', 'salesOrder.cancelled DELIVERED']);
  });

  it('a cancellation that arrives before the confirmation keeps the order cancelled', async () => {
    const s = await lead2cash(stack, 'reorder');
    const order = { orderId: uuidv7(), customerId: s.customer, total: '100.00' };
    const other = { orderId: uuidv7(), customerId: s.customer, total: '7.25' };
    expect(await deliverToFinance(stack, orderEvent(s.tenant, 'confirmed', other))).toMatchObject({ status: 200 });

    expect(await deliverToFinance(stack, orderEvent(s.tenant, 'cancelled', order))).toEqual({
      status: 200,
      body: { status: 'applied' },
    });
    expect(await deliverToFinance(stack, orderEvent(s.tenant, 'confirmed', order))).toEqual({
      status: 200,
      body: { status: 'applied' },
    });
    expect((await s.finance()).exposure).toBe('7.25');
    // Confirmed, cancelled, and that confirmation delivered again as another event: still cancelled.
    expect(await deliverToFinance(stack, orderEvent(s.tenant, 'cancelled', other))).toMatchObject({ status: 200 });
    expect(await deliverToFinance(stack, orderEvent(s.tenant, 'confirmed', other))).toMatchObject({ status: 200 });
    expect((await s.finance()).exposure).toBe('0.00');
    const rows = await stack.database
      .sql`select status from finance.order_exposures where tenant_id = ${s.tenant} order by status`;
    expect(rows.map((r) => r.status)).toEqual(['CANCELLED', 'CANCELLED']);
  });

  it('the same event delivered twice, or twice at once, counts once', async () => {
    const s = await lead2cash(stack, 'dupexp');
    const confirmed = orderEvent(s.tenant, 'confirmed', { orderId: uuidv7(), customerId: s.customer, total: '40.00' });
    expect(await deliverToFinance(stack, confirmed)).toEqual({ status: 200, body: { status: 'applied' } });
    expect(await deliverToFinance(stack, confirmed)).toEqual({ status: 200, body: { status: 'duplicate' } });
    expect((await s.finance()).exposure).toBe('40.00');

    const cancelled = orderEvent(s.tenant, 'cancelled', {
      orderId: confirmed.payload.orderId,
      customerId: s.customer,
      total: '40.00',
    });
    const answers = await Promise.all([deliverToFinance(stack, cancelled), deliverToFinance(stack, cancelled)]);
    expect(answers.map((a) => a.body.status).sort()).toEqual(['applied', 'duplicate']);
    expect((await s.finance()).exposure).toBe('0.00');
    const [inbox] = await stack.database
      .sql`select count(*)::int as n from finance.inbox where tenant_id = ${s.tenant}`;
    expect(inbox.n).toBe(2);
  });
});

describe('invoices from shipment.shipped', () => {
  it('bills an order shipped in two parts with exactly two invoices, posts cost of goods sold, never counts exposure twice', async () => {
    const s = await lead2cash(stack, 'ship');
    const widget = await s.product('WIDGET', 'Widget', '19.99', '7.3333');
    const gadget = await s.product('GADGET', 'Gadget', '5.00', '2.10');
    const order = await s.order([
      { productId: widget, quantity: '3', discountPercent: '12.5' },
      { productId: gadget, quantity: '4', unitPrice: '4.50' },
    ]);
    // WIDGET 3 x 19.99 x 87.5% = 52.47375 -> 52.47; GADGET 4 x 4.50 = 18.00; total 70.47
    expect(order.total.amount).toBe('70.47');
    const [wLine, gLine] = order.lines.map((l: { id: string }) => l.id);
    await s.confirm(order.id);
    await s.settle();
    expect((await s.finance()).exposure).toBe('70.47');

    // Shipment 1: 1 WIDGET and the 4 GADGETs.
    //   WIDGET 1 x 19.99 x 87.5% = 17.49125 -> 17.49, tax 17.49 x 13% = 2.2737 -> 2.27
    //   GADGET 4 x 4.50 = 18.00, tax 2.34; subtotal 35.49, tax 4.61, total 40.10
    //   cost 1 x 7.3333 + 4 x 2.10 = 15.7333 -> 15.73
    const first = await s.ship(order.id, [
      [wLine, '1'],
      [gLine, '4'],
    ]);
    await s.settle();
    let seen = await s.finance();
    expect(seen.invoices).toEqual([
      {
        id: expect.any(String),
        number: `INV-${year()}-000001`,
        status: 'OPEN',
        issueDate: today(),
        dueDate: inDays(30),
        shipmentId: first.id,
        order: { id: order.id },
        lines: [
          {
            description: 'WIDGET Widget',
            product: { id: widget },
            quantity: '1',
            unitPrice: { amount: '19.99' },
            discountPercent: '12.5',
            taxRate: '13',
            amount: { amount: '17.49' },
            tax: { amount: '2.27' },
          },
          {
            description: 'GADGET Gadget',
            product: { id: gadget },
            quantity: '4',
            unitPrice: { amount: '4.50' },
            discountPercent: '0',
            taxRate: '13',
            amount: { amount: '18.00' },
            tax: { amount: '2.34' },
          },
        ],
        subtotal: { amount: '35.49' },
        taxTotal: { amount: '4.61' },
        total: { amount: '40.10', currency: 'CNY' },
      },
    ]);
    // Exposure = outstanding 40.10 + unbilled (70.47 - 35.49 billed) 34.98 = 75.08: the shipped part
    // counts once (with its tax), not 40.10 + 70.47 = 110.57.
    expect(seen).toMatchObject({ outstanding: '40.10', exposure: '75.08' });

    // Shipment 2: the other 2 WIDGETs: 2 x 19.99 x 87.5% = 34.9825 -> 34.98, tax 4.5474 -> 4.55, total 39.53;
    // cost 2 x 7.3333 = 14.6666 -> 14.67.
    const second = await s.ship(order.id, [[wLine, '2']]);
    await s.settle();
    seen = await s.finance();
    expect(seen.invoices).toHaveLength(2);
    expect(seen.invoices[1]).toMatchObject({
      number: `INV-${year()}-000002`,
      shipmentId: second.id,
      order: { id: order.id },
      lines: [
        {
          description: 'WIDGET Widget',
          quantity: '2',
          discountPercent: '12.5',
          amount: { amount: '34.98' },
          tax: { amount: '4.55' },
        },
      ],
      subtotal: { amount: '34.98' },
      taxTotal: { amount: '4.55' },
      total: { amount: '39.53', currency: 'CNY' },
    });
    // All shipped: the invoices' subtotals add up to the order total, 35.49 + 34.98 = 70.47; nothing
    // is unbilled and the exposure is what is owed, 40.10 + 39.53 = 79.63.
    expect(seen).toMatchObject({ outstanding: '79.63', exposure: '79.63' });

    expect((await s.journal()).filter((e) => e.description === 'Cost of goods shipped')).toEqual([
      {
        postedOn: today(),
        description: 'Cost of goods shipped',
        reference: first.number,
        lines: [
          ['5000', '15.73', '0.00'],
          ['1200', '0.00', '15.73'],
        ],
      },
      {
        postedOn: today(),
        description: 'Cost of goods shipped',
        reference: second.number,
        lines: [
          ['5000', '14.67', '0.00'],
          ['1200', '0.00', '14.67'],
        ],
      },
    ]);
    // Receivable 79.63 = revenue 70.47 + tax 9.16 (4.61 + 4.55); cost of goods 30.40 out of inventory.
    expect(await s.trialBalance()).toEqual({
      accounts: {
        '1000': ['0.00', '0.00'],
        '1100': ['79.63', '0.00'],
        '1200': ['0.00', '30.40'],
        '2100': ['0.00', '9.16'],
        '4000': ['0.00', '70.47'],
        '5000': ['30.40', '0.00'],
      },
      totalDebit: '110.03',
      totalCredit: '110.03',
    });
    expect(await s.deliveriesToFinance()).toEqual([
      'salesOrder.confirmed DELIVERED',
      'shipment.shipped DELIVERED',
      'shipment.shipped DELIVERED',
    ]);
  });

  it('an order shipped in parts whose per-part rounding would bill more than the order is billed exactly its total', async () => {
    const s = await lead2cash(stack, 'cents');
    const tea = await s.product('TEA', 'Tea', '12.30', '5.00');
    const cup = await s.product('CUP', 'Cup', '10.00', '3.00');
    const order = await s.order([
      { productId: tea, quantity: '4', discountPercent: '12.5' },
      { productId: cup, quantity: '2', unitPrice: '10.005' },
    ]);
    // TEA 4 x 12.30 x 87.5% = 43.05; CUP 2 x 10.005 = 20.01; total 63.06
    expect(order.total.amount).toBe('63.06');
    const [teaLine, cupLine] = order.lines.map((l: { id: string }) => l.id);
    await s.confirm(order.id);
    await s.settle();

    // Shipment 1: 2 TEA, 1 CUP. TEA 2 x 12.30 x 87.5% = 21.525 -> 21.53, tax 2.7989 -> 2.80;
    //   CUP 10.005 -> 10.01, tax 1.3013 -> 1.30; subtotal 31.54, tax 4.10, total 35.64.
    await s.ship(order.id, [
      [teaLine, '2'],
      [cupLine, '1'],
    ]);
    await s.settle();
    let seen = await s.finance();
    expect(
      seen.invoices.map((i) => [
        i.lines.map((l: any) => l.amount.amount),
        i.subtotal.amount,
        i.taxTotal.amount,
        i.total.amount,
      ]),
    ).toEqual([[['21.53', '10.01'], '31.54', '4.10', '35.64']]);
    // Unbilled 63.06 - 31.54 = 31.52 + outstanding 35.64 = 67.16.
    expect(seen).toMatchObject({ outstanding: '35.64', exposure: '67.16' });

    // Shipment 2: the other 2 TEA and 1 CUP. On their own they would round to 21.53 and 10.01 again,
    // 31.54 + 31.54 = 63.08, two cents more than the order. Cumulatively: TEA 43.05 - 21.53 = 21.52,
    // tax 2.7976 -> 2.80; CUP 20.01 - 10.01 = 10.00, tax 1.30; subtotal 31.52, tax 4.10, total 35.62.
    await s.ship(order.id, [
      [teaLine, '2'],
      [cupLine, '1'],
    ]);
    await s.settle();
    seen = await s.finance();
    expect(
      seen.invoices.map((i) => [
        i.lines.map((l: any) => [l.quantity, l.amount.amount, l.tax.amount]),
        i.subtotal.amount,
        i.total.amount,
      ]),
    ).toEqual([
      [
        [
          ['2', '21.53', '2.80'],
          ['1', '10.01', '1.30'],
        ],
        '31.54',
        '35.64',
      ],
      [
        [
          ['2', '21.52', '2.80'],
          ['1', '10.00', '1.30'],
        ],
        '31.52',
        '35.62',
      ],
    ]);
    // The invoices' net sum is the order total exactly (never more); nothing unbilled.
    const billed = seen.invoices.reduce((sum, i) => sum.plus(i.subtotal.amount), dec(0));
    expect(billed.toFixed(2)).toBe(order.total.amount);
    expect(seen).toMatchObject({ outstanding: '71.26', exposure: '71.26' });
    // What order-fulfilment published: each line with what its order line had shipped before.
    const published = await stack.database.sql`
      select payload from fulfilment.outbox_events where tenant_id = ${s.tenant} and type = 'shipment.shipped' order by id`;
    expect(published.map((e) => e.payload.lines.map((l: any) => [l.sku, l.quantity, l.shippedBefore]))).toEqual([
      [
        ['TEA', '2.0000', '0'],
        ['CUP', '1.0000', '0'],
      ],
      [
        ['TEA', '2.0000', '2'],
        ['CUP', '1.0000', '1'],
      ],
    ]);
    const tb = await s.trialBalance();
    expect([tb.accounts['4000'], tb.accounts['2100'], tb.accounts['1100']]).toEqual([
      ['0.00', '63.06'],
      ['0.00', '8.20'],
      ['71.26', '0.00'],
    ]);
  });

  it('invoice_lines.amount and tax compute what netAmount says, whatever was billed before', async () => {
    const tenant = newTenant('netamount');
    const arb = fc.record({
      quantity: fc.integer({ min: 1, max: 10 ** 9 }),
      before: fc.integer({ min: 0, max: 10 ** 9 }),
      price: fc.integer({ min: 0, max: 10 ** 8 }),
      discount: fc.integer({ min: 0, max: 10000 }),
      tax: fc.integer({ min: 0, max: 3000 }),
    });
    const cases = fc.sample(arb, 200).map((c) => ({
      quantity: dec(c.quantity).div(10000).toFixed(4),
      billedBefore: dec(c.before).div(10000).toFixed(4),
      unitPrice: dec(c.price).div(10000).toFixed(4),
      discountPercent: dec(c.discount).div(100).toFixed(2),
      taxRate: dec(c.tax).div(100).toFixed(2),
    }));
    const invoiceId = uuidv7();
    const rows = cases.map((c, i) => ({
      tenant_id: tenant,
      id: uuidv7(),
      invoice_id: invoiceId,
      description: 'x',
      quantity: c.quantity,
      billed_before: c.billedBefore,
      unit_price: c.unitPrice,
      discount_percent: c.discountPercent,
      tax_rate: c.taxRate,
      position: i + 1,
    }));
    const stored = await stack.database.sql`
      insert into finance.invoice_lines ${stack.database.sql(rows)} returning position, amount::text, tax::text`;
    for (const row of stored) {
      const c = cases[row.position - 1];
      const amount = netAmount(c.quantity, c.unitPrice, c.discountPercent, c.billedBefore);
      expect([row.amount, row.tax], JSON.stringify(c)).toEqual([amount, percentOf(amount, c.taxRate)]);
    }
    await stack.database.sql`delete from finance.invoice_lines where tenant_id = ${tenant}`;
  });

  it('a shipment delivered twice, twice at once, or published again under another id bills once', async () => {
    const s = await lead2cash(stack, 'dupship');
    const shipment = (number: string) => ({
      shipmentId: uuidv7(),
      number,
      orderId: uuidv7(),
      orderNumber: 'SO-000009',
      customerId: s.customer,
      currency: 'CNY',
      shippedOn: today(),
      lines: [
        {
          orderLineId: uuidv7(),
          productId: uuidv7(),
          sku: 'W',
          name: 'Widget',
          quantity: '3',
          unitPrice: '10.0000',
          discountPercent: '10.00',
          unitCost: '4.0050',
          shippedBefore: '0',
        },
      ],
    });
    // 3 x 10 x 90% = 27.00, tax 3.51, total 30.51; cost 3 x 4.005 = 12.015 -> 12.02 (half-up)
    const once = envelope(s.tenant, 'shipment.shipped', shipment('SH-000001'));
    expect(await deliverToFinance(stack, once)).toEqual({ status: 200, body: { status: 'applied' } });
    expect(await deliverToFinance(stack, once)).toEqual({ status: 200, body: { status: 'duplicate' } });

    const twice = envelope(s.tenant, 'shipment.shipped', shipment('SH-000002'));
    const answers = await Promise.all([deliverToFinance(stack, twice), deliverToFinance(stack, twice)]);
    expect(answers.map((a) => a.body.status).sort()).toEqual(['applied', 'duplicate']);

    // The same shipment in two different events (a publisher bug): the shipment's invoice guards it.
    const republished = [
      envelope(s.tenant, 'shipment.shipped', twice.payload),
      envelope(s.tenant, 'shipment.shipped', twice.payload),
    ];
    const again = await Promise.all(republished.map((e) => deliverToFinance(stack, e)));
    expect(again.map((a) => a.body.status)).toEqual(['applied', 'applied']);

    const seen = await s.finance();
    expect(seen.invoices.map((i) => [i.number, i.shipmentId, i.total.amount])).toEqual([
      [`INV-${year()}-000001`, once.payload.shipmentId, '30.51'],
      [`INV-${year()}-000002`, twice.payload.shipmentId, '30.51'],
    ]);
    const cogs = (await s.journal()).filter((e) => e.description === 'Cost of goods shipped');
    expect(cogs.map((e) => [e.reference, e.lines])).toEqual([
      [
        'SH-000001',
        [
          ['5000', '12.02', '0.00'],
          ['1200', '0.00', '12.02'],
        ],
      ],
      [
        'SH-000002',
        [
          ['5000', '12.02', '0.00'],
          ['1200', '0.00', '12.02'],
        ],
      ],
    ]);
    const tb = await s.trialBalance();
    expect([tb.totalDebit, tb.totalCredit]).toEqual(['85.06', '85.06']); // 2 x 30.51 + 2 x 12.02
  });

  it("bills a shipment that arrives before its order's confirmation once; free goods post their cost and no invoice", async () => {
    const s = await lead2cash(stack, 'early');
    const orderId = uuidv7();
    const line = {
      orderLineId: uuidv7(),
      productId: uuidv7(),
      sku: 'G',
      name: 'Gizmo',
      quantity: '2',
      unitPrice: '50',
      discountPercent: '0',
      unitCost: '0',
      shippedBefore: '0',
    };
    const base = {
      number: 'SH-000001',
      orderId,
      orderNumber: 'SO-000001',
      customerId: s.customer,
      currency: 'CNY',
      shippedOn: inDays(-1),
    };
    // 2 x 50 = 100.00 + 13.00; no cost, so no cost entry.
    expect(
      await deliverToFinance(
        stack,
        envelope(s.tenant, 'shipment.shipped', { ...base, shipmentId: uuidv7(), lines: [line] }),
      ),
    ).toMatchObject({ status: 200 });
    expect(await s.finance()).toMatchObject({ exposure: '113.00', outstanding: '113.00' });
    // The order (of 300.00) confirmed after: unbilled 300 - 100 = 200 -> exposure 313.00.
    expect(
      await deliverToFinance(
        stack,
        orderEvent(s.tenant, 'confirmed', { orderId, customerId: s.customer, total: '300.00' }),
      ),
    ).toMatchObject({ status: 200 });
    let seen = await s.finance();
    expect(seen).toMatchObject({ exposure: '313.00', outstanding: '113.00' });
    expect(seen.invoices.map((i) => [i.issueDate, i.dueDate, i.order.id])).toEqual([[inDays(-1), inDays(29), orderId]]);

    // Given away (100% off): nothing to bill, but the goods' cost leaves inventory.
    const free = { ...line, discountPercent: '100', unitCost: '1.25' };
    expect(
      await deliverToFinance(
        stack,
        envelope(s.tenant, 'shipment.shipped', { ...base, number: 'SH-000002', shipmentId: uuidv7(), lines: [free] }),
      ),
    ).toMatchObject({ status: 200 });
    seen = await s.finance();
    expect(seen.invoices).toHaveLength(1);
    expect(seen.exposure).toBe('313.00');
    expect((await s.journal()).map((e) => [e.description, e.reference])).toEqual([
      ['Invoice issued', `INV-${inDays(-1).slice(0, 4)}-000001`],
      ['Cost of goods shipped', 'SH-000002'],
    ]);
  });
});
