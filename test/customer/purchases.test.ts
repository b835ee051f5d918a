import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../lib/ids.js';
import { purchases, receivables } from '../../subgraphs/customer/db/schema.js';
import { deliver, envelope } from '../support/events.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';
import { day, insightTenant } from './insight-support.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

describe('purchases derived from events', () => {
  it('dates purchases by first delivery and forecasts the next one from the median interval (30, 40, 50 days: 40)', async () => {
    const { createCustomer, insights, events } = await insightTenant(stack, newTenant());
    const id = await createCustomer('Lakeside Tea');
    expect(await insights(id)).toMatchObject({ lastPurchaseAt: null, purchaseCount: 0, nextPurchaseExpectedAt: null });
    // Delivered out of date order on purpose: the forecast sorts the dates.
    for (const offset of [-60, -130, -100, -10]) await events.delivered(id, day(offset));
    expect(await insights(id)).toMatchObject({
      lastPurchaseAt: day(-10),
      purchaseCount: 4,
      nextPurchaseExpectedAt: day(30),
    });
  });

  it('rounds the median of an even number of intervals half up (30 and 41 days: 36)', async () => {
    const { createCustomer, insights, events } = await insightTenant(stack, newTenant());
    const id = await createCustomer('Even Intervals');
    for (const offset of [-71, -41, 0]) await events.delivered(id, day(offset));
    expect(await insights(id)).toMatchObject({
      lastPurchaseAt: day(0),
      purchaseCount: 3,
      nextPurchaseExpectedAt: day(36),
    });
  });

  it('has no forecast with one purchase', async () => {
    const { createCustomer, insights, events } = await insightTenant(stack, newTenant());
    const id = await createCustomer('One Order');
    await events.delivered(id, day(-3));
    expect(await insights(id)).toMatchObject({
      lastPurchaseAt: day(-3),
      purchaseCount: 1,
      nextPurchaseExpectedAt: null,
    });
  });

  it('changes nothing on a repeated event, and counts an order once however many shipments reach the customer', async () => {
    const tenant = newTenant();
    const { createCustomer, insights, events } = await insightTenant(stack, tenant);
    const id = await createCustomer('Repeat Deliveries');
    const orderId = uuidv7();
    const event = envelope(tenant, 'shipment.delivered', {
      shipmentId: uuidv7(),
      orderId,
      customerId: id,
      deliveredOn: day(-20),
      orderTotal: '250.00',
      currency: 'CNY',
    });
    expect((await deliver(stack, 'customer', event)).body).toEqual({ status: 'applied' });
    expect((await deliver(stack, 'customer', event)).body).toEqual({ status: 'duplicate' });
    // A second shipment of the same order, delivered later, is not a second purchase.
    await events.delivered(id, day(-5), { orderId });
    expect(await insights(id)).toMatchObject({ lastPurchaseAt: day(-20), purchaseCount: 1 });
    // One delivered earlier (its event arriving late) moves the purchase to the first delivery.
    await events.delivered(id, day(-25), { orderId });
    expect(await insights(id)).toMatchObject({ lastPurchaseAt: day(-25), purchaseCount: 1 });
    const rows = await stack.database.db
      .select()
      .from(purchases)
      .where(and(eq(purchases.tenantId, tenant), eq(purchases.customerId, id)));
    expect(rows).toMatchObject([
      { sourceId: orderId, source: 'ORDER', purchasedOn: day(-25), amount: '250.00', currency: 'CNY' },
    ]);
  });

  it('counts an invoice paid without an order as a purchase on the day it was paid', async () => {
    const { createCustomer, insights, events } = await insightTenant(stack, newTenant());
    const id = await createCustomer('Service Contract');
    const invoiceId = await events.issued(id, day(-30));
    expect((await insights(id)).purchaseCount).toBe(0);
    await events.paid(id, invoiceId, day(-12));
    expect(await insights(id)).toMatchObject({ lastPurchaseAt: day(-12), purchaseCount: 1 });
  });

  it('does not count the paid invoice of a delivered order a second time', async () => {
    const { createCustomer, insights, events } = await insightTenant(stack, newTenant());
    const id = await createCustomer('Order And Invoice');
    const orderId = await events.delivered(id, day(-40));
    const invoiceId = await events.issued(id, day(-10), { orderId });
    await events.paid(id, invoiceId, day(-2), { orderId });
    expect(await insights(id)).toMatchObject({ lastPurchaseAt: day(-40), purchaseCount: 1 });
  });

  it('dead-letters events it can never apply: a malformed payload, a customer the tenant does not have', async () => {
    const tenant = newTenant();
    const { createCustomer } = await insightTenant(stack, tenant);
    const id = await createCustomer('Strict');
    const bad = envelope(tenant, 'shipment.delivered', {
      shipmentId: uuidv7(),
      orderId: 'nope',
      customerId: id,
      deliveredOn: '2026-02-30',
      orderTotal: '-1',
      currency: 'CNY',
    });
    const refused = await deliver(stack, 'customer', bad);
    expect(refused.status).toBe(422);
    expect(refused.body.errors![0].extensions.code).toBe('EVENT_REJECTED');
    expect(refused.body.errors![0].message).toMatch(/payload\.orderId.*payload\.deliveredOn.*payload\.orderTotal/);
    const stranger = envelope(tenant, 'invoice.issued', {
      invoiceId: uuidv7(),
      number: 'INV-1',
      customerId: uuidv7(),
      orderId: null,
      total: '1.00',
      currency: 'CNY',
      dueDate: day(0),
    });
    expect((await deliver(stack, 'customer', stranger)).status).toBe(422);
  });
});

describe('receivables mirrored from invoice events', () => {
  const mirror = (tenant: string, invoiceId: string) =>
    stack.database.db
      .select()
      .from(receivables)
      .where(and(eq(receivables.tenantId, tenant), eq(receivables.invoiceId, invoiceId)));
  const overdueFactor = async (insights: (id: string) => Promise<any>, id: string) =>
    (await insights(id)).healthFactors.find((f: any) => f.name === 'OVERDUE_RECEIVABLES');

  it('keeps an invoice paid when invoice.paid arrives before invoice.issued', async () => {
    const tenant = newTenant();
    const { createCustomer, insights, events } = await insightTenant(stack, tenant);
    const id = await createCustomer('Early Payer');
    const invoiceId = uuidv7();
    await events.paid(id, invoiceId, day(-3));
    await events.issued(id, day(-20), { invoiceId });
    expect(await mirror(tenant, invoiceId)).toMatchObject([
      { status: 'PAID', dueDate: day(-20), paidOn: day(-3), total: '113.00' },
    ]);
    expect(await overdueFactor(insights, id)).toEqual({
      name: 'OVERDUE_RECEIVABLES',
      weight: 25,
      value: 100,
      detail: 'No overdue invoices',
    });
  });

  it('keeps an invoice void whatever order the events come in, and counts an issued one past due', async () => {
    const tenant = newTenant();
    const { createCustomer, insights, events } = await insightTenant(stack, tenant);
    const id = await createCustomer('Voids');
    const voidedFirst = uuidv7();
    await events.voided(id, voidedFirst);
    await events.issued(id, day(-60), { invoiceId: voidedFirst });
    const voidedLater = await events.issued(id, day(-50));
    await events.voided(id, voidedLater);
    expect(await mirror(tenant, voidedFirst)).toMatchObject([{ status: 'VOID', dueDate: day(-60) }]);
    expect(await overdueFactor(insights, id)).toMatchObject({ value: 100 });
    await events.issued(id, day(-45));
    expect(await overdueFactor(insights, id)).toEqual({
      name: 'OVERDUE_RECEIVABLES',
      weight: 25,
      value: 50,
      detail: '1 overdue invoice, the oldest 45 days past due',
    });
  });
});
