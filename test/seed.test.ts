import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedDemo } from '../scripts/seed.js';
import { expectLedgerConsistent } from './support/fulfilment.js';
import { newTenant, startStack, type Stack } from './support/stack.js';

/** The demo data is what a newcomer sees first: it must load, once, and read well through the graph. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

describe('demo seed', () => {
  it('seeds a tenant once, with customers, leads, campaigns, deals at every stage and quotes', async () => {
    const tenant = newTenant('demo');
    expect(await seedDemo(inject('databaseUrl'), tenant)).toBe(true);
    expect(await seedDemo(inject('databaseUrl'), tenant)).toBe(false);
    const token = await stack.token(tenant);
    const res = await stack.query(
      token,
      `{ customers { totalCount } leads { totalCount nodes { status } } campaigns { name spend { amount } }
         opportunities(first: 100) { totalCount nodes { status stage { name } stageHistory { enteredAt } quotes { number status total { amount } } } }
         pipelineForecast(months: 3) { count }
         salesFunnel { stages { entered } winRate }
         warehouses { code } products(first: 50) { totalCount nodes { sku availableQuantity } }
         salesOrders(first: 50) { nodes { status lines { backorderedQuantity } shipments { status } } }
         replenishmentRequests { totalCount }
         receivablesAgeing { outstanding { amount } total { current { amount } days1To30 { amount } days31To60 { amount } days61To90 { amount } over90 { amount } } customers { customer { id } } }
         trialBalance { totalDebit { amount } totalCredit { amount } }
         payments { totalCount nodes { unallocated { amount } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const data = res.data;
    expect(data.customers.totalCount).toBeGreaterThanOrEqual(10);
    expect(new Set(data.leads.nodes.map((l: any) => l.status))).toEqual(
      new Set(['NEW', 'CONTACTED', 'QUALIFIED', 'DISQUALIFIED', 'CONVERTED']),
    );
    expect(data.campaigns).toHaveLength(3);
    const stagesReached = new Set(data.opportunities.nodes.map((o: any) => o.stage.name));
    expect(stagesReached).toEqual(
      new Set(['Qualification', 'Needs analysis', 'Proposal', 'Negotiation', 'Won', 'Lost']),
    );
    const quotes = data.opportunities.nodes.flatMap((o: any) => o.quotes);
    expect(quotes.map((q: any) => q.number).sort()).toEqual(['Q-000001', 'Q-000002']);
    expect(data.salesFunnel.winRate).toBeGreaterThan(0);
    expect(data.salesFunnel.stages[0].entered).toBeGreaterThan(0);
    expect(data.warehouses.map((w: any) => w.code)).toEqual(['GZ', 'SH']);
    expect(data.products.totalCount).toBe(6);
    expect(new Set(data.salesOrders.nodes.map((o: any) => o.status))).toEqual(
      new Set(['DRAFT', 'CONFIRMED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'CANCELLED']),
    );
    expect(data.salesOrders.nodes.some((o: any) => o.lines.some((l: any) => l.backorderedQuantity !== '0'))).toBe(true);
    expect(data.replenishmentRequests.totalCount).toBe(1);
    await expectLedgerConsistent(stack, tenant);
    const buckets = data.receivablesAgeing.total;
    for (const bucket of ['current', 'days1To30', 'days31To60', 'days61To90', 'over90'])
      expect(buckets[bucket].amount, bucket).not.toBe('0.00');
    expect(data.trialBalance.totalDebit).toEqual(data.trialBalance.totalCredit);
    expect(data.payments.nodes.some((p: any) => p.unallocated.amount !== '0.00')).toBe(true);
    const credit = await stack.query(
      token,
      '{ customers(first: 20, orderBy: {field: CREATED_AT}) { nodes { credit { status } } } }',
    );
    expect(new Set(credit.data.customers.nodes.map((c: any) => c.credit.status))).toEqual(
      new Set(['OK', 'WARNING', 'HOLD']),
    );

    // The history's events reach the other domains: purchases, overdue invoices and health.
    await stack.settle();
    const derived = await stack.query(
      token,
      `query($today: Date) { due: customers(filter: {repurchaseDueBefore: $today}) { totalCount nodes { purchaseCount lastPurchaseAt nextPurchaseExpectedAt } }
         customers(first: 20) { nodes { purchaseCount healthScore } }
         salesOrders(first: 50) { nodes { status total { amount } } }
         events(first: 100) { totalCount nodes { type state } } }`,
      { today: new Date().toISOString().slice(0, 10) },
    );
    expect(derived.errors).toBeUndefined();
    expect(derived.data.due.totalCount).toBeGreaterThanOrEqual(1);
    expect(derived.data.due.nodes[0].purchaseCount).toBeGreaterThanOrEqual(2);
    expect(derived.data.customers.nodes.filter((c: any) => c.purchaseCount > 0).length).toBeGreaterThanOrEqual(3);
    expect(new Set(derived.data.customers.nodes.map((c: any) => c.healthScore)).size).toBeGreaterThanOrEqual(3);
    expect(derived.data.salesOrders.nodes.every((o: any) => o.total.amount !== '0.00')).toBe(true);
    expect(derived.data.events.nodes.filter((e: any) => e.state !== 'DELIVERED')).toEqual([]);
    expect(new Set(derived.data.events.nodes.map((e: any) => e.type))).toEqual(
      new Set(['salesOrder.confirmed', 'shipment.delivered', 'invoice.issued', 'invoice.paid']),
    );
  });
});
