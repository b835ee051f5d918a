import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../lib/db.js';
import { uuidv7 } from '../../lib/ids.js';
import { customers, purchases, receivables, serviceTickets } from '../../subgraphs/customer/db/schema.js';
import { startStack, statementsForList, type Stack } from '../support/stack.js';
import { day, INSIGHT_FIELDS } from './insight-support.js';

/** `n` customers, each with three purchases, an overdue invoice, an open and a rated ticket, written straight to the tables. */
async function seed(database: Database, tenantId: string, n: number) {
  const now = Date.now();
  const rows = Array.from({ length: n }, (_, i) => ({
    tenantId,
    id: uuidv7(now + i),
    name: `Customer ${String(i).padStart(3, '0')}`,
    kind: 'COMPANY',
    createdAt: new Date(now + i),
    updatedAt: new Date(now + i),
  }));
  await database.db.insert(customers).values(rows);
  await database.db.insert(purchases).values(
    rows.flatMap((c) =>
      [-70, -40, -10].map((offset) => ({
        tenantId,
        sourceId: uuidv7(),
        source: 'ORDER',
        customerId: c.id,
        purchasedOn: day(offset),
        amount: '100.00',
        currency: 'CNY',
      })),
    ),
  );
  await database.db.insert(receivables).values(
    rows.map((c) => ({
      tenantId,
      invoiceId: uuidv7(),
      customerId: c.id,
      status: 'OPEN',
      total: '113.00',
      currency: 'CNY',
      dueDate: day(-9),
    })),
  );
  await database.db.insert(serviceTickets).values(
    rows.flatMap((c) => [
      {
        tenantId,
        id: uuidv7(),
        customerId: c.id,
        subject: 'Open',
        status: 'OPEN',
        priority: 'NORMAL',
        openedAt: new Date(),
      },
      {
        tenantId,
        id: uuidv7(),
        customerId: c.id,
        subject: 'Rated',
        status: 'RESOLVED',
        priority: 'NORMAL',
        openedAt: new Date(),
        resolvedAt: new Date(),
        satisfactionScore: 4,
        satisfactionAt: new Date(),
      },
    ]),
  );
}

describe('customer intelligence in lists', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  const LIST = `{ customers(first: 100, filter: {healthBelow: 100, lastPurchaseBefore: "${day(1)}"}) { totalCount nodes { id ${INSIGHT_FIELDS} } } }`;

  const list = async (n: number) => {
    const counted = await statementsForList(stack, (tenantId, count) => seed(stack.database, tenantId, count), LIST, n);
    expect(counted.result.data.customers.nodes).toHaveLength(n);
    return counted;
  };

  it('loads every derived field of 10 or 50 customers in the same number of statements', async () => {
    const ten = await list(10);
    const fifty = await list(50);
    // Intervals 30, 30: next purchase in 20 days. Recency 100, frequency 50, overdue 90, tickets 75, satisfaction 75: 81.25.
    expect(fifty.result.data.customers.nodes[49]).toMatchObject({
      lastPurchaseAt: day(-10),
      purchaseCount: 3,
      nextPurchaseExpectedAt: day(20),
      healthScore: 81,
    });
    expect(fifty.statements.length, fifty.statements.join('\n')).toBe(ten.statements.length);
    // the filtered page, its count, the insights of the page
    expect(fifty.statements.length, fifty.statements.join('\n')).toBe(3);
  });
});
