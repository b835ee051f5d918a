import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../lib/dates.js';
import { serviceTickets } from '../../subgraphs/customer/db/schema.js';
import { customerOps } from '../support/customer-ops.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';
import { day, insightTenant } from './insight-support.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const factor = (name: string, weight: number, value: number, detail: string) => ({ name, weight, value, detail });

/** Opens a ticket and takes it to `status`, rating it when a score is given. */
async function ticket(
  ops: ReturnType<typeof customerOps>,
  customerId: string,
  status: 'OPEN' | 'IN_PROGRESS' | 'RESOLVED' | 'CLOSED',
  score?: number,
) {
  const { serviceTicket } = await ops.openServiceTicket({ customerId, subject: `A ${status} ticket` });
  if (status === 'IN_PROGRESS' || status === 'CLOSED') await ops.updateServiceTicket({ id: serviceTicket.id, status });
  if (status === 'RESOLVED') await ops.resolveServiceTicket(serviceTicket.id);
  if (score !== undefined) expect((await ops.recordSatisfaction(serviceTicket.id, score)).userErrors).toEqual([]);
  return serviceTicket.id as string;
}

describe('Customer.healthScore and healthFactors', () => {
  it('scores a brand-new customer 43: no purchases, nothing overdue, no tickets, no ratings', async () => {
    const { createCustomer, insights } = await insightTenant(stack, newTenant());
    const id = await createCustomer('Brand New');
    expect(await insights(id)).toEqual({
      lastPurchaseAt: null,
      purchaseCount: 0,
      nextPurchaseExpectedAt: null,
      healthScore: 43,
      healthFactors: [
        factor('RECENCY', 30, 0, 'No purchase yet'),
        factor('FREQUENCY', 20, 0, '0 purchases in the last 365 days'),
        factor('OVERDUE_RECEIVABLES', 25, 100, 'No overdue invoices'),
        factor('OPEN_TICKETS', 10, 100, '0 open service tickets'),
        factor('SATISFACTION', 15, 50, 'No satisfaction ratings in the last 365 days (neutral)'),
      ],
    });
  });

  it('computes every factor of a customer with overdue invoices, open tickets, ratings and purchases', async () => {
    const tenant = newTenant();
    const { token, createCustomer, insights, events } = await insightTenant(stack, tenant);
    const ops = customerOps(stack, token);
    const id = await createCustomer('Mixed Signals');
    // Purchases 45, 100 and 400 days ago: 2 in the last 365 days.
    await events.delivered(id, day(-45));
    const olderOrder = await events.delivered(id, day(-100));
    await events.delivered(id, day(-400));
    // Open and past due: 30 and 10 days. Not counted: paid, void, not yet due.
    await events.issued(id, day(-30));
    await events.issued(id, day(-10));
    await events.paid(id, await events.issued(id, day(-80), { orderId: olderOrder }), day(-1), { orderId: olderOrder });
    await events.voided(id, await events.issued(id, day(-70)));
    await events.issued(id, day(5));
    // Tickets: 2 open (OPEN, IN_PROGRESS); ratings 4 and 5 this year, a 1 rated 400 days ago.
    await ticket(ops, id, 'OPEN');
    await ticket(ops, id, 'IN_PROGRESS');
    await ticket(ops, id, 'CLOSED');
    await ticket(ops, id, 'RESOLVED', 4);
    await ticket(ops, id, 'RESOLVED', 5);
    const old = await ticket(ops, id, 'RESOLVED', 1);
    await stack.database.db
      .update(serviceTickets)
      .set({ satisfactionAt: new Date(Date.now() - 400 * DAY_MS) })
      .where(and(eq(serviceTickets.tenantId, tenant), eq(serviceTickets.id, old)));

    expect(await insights(id)).toEqual({
      lastPurchaseAt: day(-45),
      purchaseCount: 3,
      nextPurchaseExpectedAt: day(-45 + 178), // intervals 300 and 55 days: median 177.5, rounded up
      // round((30 x 96 + 20 x 33 + 25 x 67 + 10 x 50 + 15 x 88) / 100) = round(70.35)
      healthScore: 70,
      healthFactors: [
        factor('RECENCY', 30, 96, 'Last purchase 45 days ago'), // (365 - 45) x 100 / 335 = 95.52
        factor('FREQUENCY', 20, 33, '2 purchases in the last 365 days'), // 2 x 100 / 6 = 33.33
        factor('OVERDUE_RECEIVABLES', 25, 67, '2 overdue invoices, the oldest 30 days past due'), // 100 - 30 x 100 / 90 = 66.67
        factor('OPEN_TICKETS', 10, 50, '2 open service tickets'),
        factor('SATISFACTION', 15, 88, 'Average 4.50 over 2 ratings in the last 365 days'), // (4.5 - 1) x 25 = 87.5
      ],
    });
  });

  it('scores 100 when everything is perfect', async () => {
    const { token, createCustomer, insights, events } = await insightTenant(stack, newTenant());
    const id = await createCustomer('Perfect Partner');
    for (const offset of [-1, -8, -15, -22, -29, -36]) await events.delivered(id, day(offset));
    await events.paid(id, await events.issued(id, day(-20)), day(-25)); // paid before it was due (and a 7th purchase)
    await ticket(customerOps(stack, token), id, 'RESOLVED', 5);
    const result = await insights(id);
    expect(result.healthScore).toBe(100);
    expect(result.healthFactors.map((f: any) => [f.name, f.value])).toEqual([
      ['RECENCY', 100],
      ['FREQUENCY', 100],
      ['OVERDUE_RECEIVABLES', 100],
      ['OPEN_TICKETS', 100],
      ['SATISFACTION', 100],
    ]);
    expect(result.healthFactors[1].detail).toBe('7 purchases in the last 365 days');
  });

  it('counts a rating from today - 364 but not one from the day before', async () => {
    const tenant = newTenant();
    const { token, createCustomer, insights } = await insightTenant(stack, tenant);
    const ops = customerOps(stack, token);
    const id = await createCustomer('Window Edges');
    const inside = await ticket(ops, id, 'RESOLVED', 5);
    const outside = await ticket(ops, id, 'RESOLVED', 1);
    const startOfWindow = Date.parse(`${day(-364)}T00:00:00Z`);
    const rated = (ticketId: string, at: number) =>
      stack.database.db
        .update(serviceTickets)
        .set({ satisfactionAt: new Date(at) })
        .where(and(eq(serviceTickets.tenantId, tenant), eq(serviceTickets.id, ticketId)));
    await rated(inside, startOfWindow);
    await rated(outside, startOfWindow - 1);
    const satisfaction = (await insights(id)).healthFactors[4];
    expect(satisfaction).toEqual(factor('SATISFACTION', 15, 100, 'Average 5.00 over 1 rating in the last 365 days'));
  });
});
