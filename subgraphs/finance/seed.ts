import { DAY_MS as DAY } from '../../lib/dates.js';
import { addDays } from '../../lib/dates.js';
import type { Queryable } from '../../lib/db.js';
import { uuidv7 } from '../../lib/ids.js';
import * as inv from './db/invoice-queries.js';
import * as pay from './db/payment-queries.js';
import { nextInvoiceNumber, post, provisionTenant, upsertAccount } from './db/queries.js';
import { outbox } from './events.js';
import { publishIssued, publishPaid } from './publish.js';
import { formatInvoiceNumber, invoicePostings, paymentPostings } from './rules.js';

/**
 * The demo tenant's receivables: invoices in every ageing bucket (issued through the same numbering,
 * postings and events as the API), payments (one partly unallocated), and credit limits with
 * customers comfortably within, near and over them.
 */
export async function seedFinance(tx: Queryable, tenantId: string, customerIds: string[], now = Date.now()) {
  await provisionTenant(tx, tenantId);
  const day = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString().slice(0, 10);
  // [customer, issued days ago, lines [description, quantity, unit price]]
  const specs: [number, number, [string, string, string][]][] = [
    [
      0,
      10,
      [
        ['Oolong tea, 250 g tin', '40', '89.00'],
        ['Glass kettle, 1 l', '2', '199.00'],
      ],
    ],
    [0, 45, [['Pu-erh cake, 357 g', '12', '268.00']]],
    [1, 75, [['Silk scarf, 90 cm', '25', '320.00']]],
    [1, 20, [['Ceramic tea set, 6 cups', '6', '459.00']]],
    [3, 130, [['Pallet racking bay, 3 m', '4', '2150.00']]],
    [4, 100, [['Ceramic tea set, 6 cups', '10', '459.00']]],
    [
      6,
      62,
      [
        ['Glass kettle, 1 l', '15', '199.00'],
        ['Oolong tea, 250 g tin', '30', '89.00'],
      ],
    ],
    [8, 3, [['Silk scarf, 90 cm', '40', '320.00']]],
    [2, 50, [['Oolong tea, 250 g tin', '20', '89.00']]],
  ];
  const invoiceIds: string[] = [];
  for (const [customer, daysAgo, lines] of specs) {
    const id = uuidv7(now - daysAgo * DAY);
    invoiceIds.push(id);
    const issueDate = day(daysAgo);
    await inv.insertInvoice(tx, {
      tenantId,
      id,
      customerId: customerIds[customer],
      status: 'DRAFT',
      currency: 'CNY',
      createdAt: new Date(now - daysAgo * DAY),
    });
    await inv.insertLines(
      tx,
      lines.map(([description, quantity, unitPrice], i) => ({
        tenantId,
        id: uuidv7(),
        invoiceId: id,
        description,
        quantity,
        unitPrice,
        taxRate: '13',
        position: i + 1,
      })),
    );
    const year = Number(issueDate.slice(0, 4));
    const number = await nextInvoiceNumber(tx, tenantId, year);
    const issued = await inv.updateInvoice(tx, tenantId, id, {
      status: 'OPEN',
      year,
      number,
      issueDate,
      dueDate: addDays(issueDate, 30),
      issuedAt: new Date(now - daysAgo * DAY),
    });
    await post(
      tx,
      tenantId,
      { postedOn: issueDate, description: 'Invoice issued', reference: formatInvoiceNumber(year, number) },
      invoicePostings(issued.total, issued.subtotal, issued.taxTotal),
    );
    await publishIssued(tx, { tenantId, outbox }, issued);
  }
  // Payments: one pays the oldest of customer 0's invoices in full, one part of customer 1's, one leaves money unallocated.
  const payments: [number, string, number, string, [number, string][]][] = [
    [0, '3634.08', 40, 'BANK_TRANSFER', [[1, '3634.08']]],
    [1, '5000.00', 50, 'ALIPAY', [[2, '5000.00']]],
    [8, '20000.00', 1, 'WECHAT_PAY', [[7, '14464.00']]],
  ];
  for (const [customer, amount, daysAgo, method, allocations] of payments) {
    const payment = await pay.insertPayment(tx, {
      tenantId,
      id: uuidv7(now - daysAgo * DAY),
      customerId: customerIds[customer],
      amount,
      currency: 'CNY',
      receivedOn: day(daysAgo),
      method,
      reference: `Remittance ${daysAgo}`,
      createdAt: new Date(now - daysAgo * DAY),
    });
    const paidOff = await pay.applyAllocations(
      tx,
      tenantId,
      payment.id,
      allocations.map(([index, part]) => ({ invoiceId: invoiceIds[index], amount: part })),
    );
    await publishPaid(tx, { tenantId, outbox }, payment.receivedOn, paidOff);
    await post(
      tx,
      tenantId,
      { postedOn: day(daysAgo), description: 'Payment received', reference: payment.reference },
      paymentPostings(amount),
    );
  }
  // Credit limits: within (0), near (1: WARNING), over and long overdue (3: HOLD); 6 has none.
  for (const [customer, limit] of [
    [0, '50000.00'],
    [1, '8500.00'],
    [3, '5000.00'],
    [4, '20000.00'],
  ] as const) {
    await upsertAccount(tx, tenantId, customerIds[customer], { creditLimit: limit });
  }
  await upsertAccount(tx, tenantId, customerIds[6], { paymentTermsDays: 45 });
}
