import { FieldCheck } from '../../lib/check.js';
import { todayUtc } from '../../lib/dates.js';
import type { Queryable } from '../../lib/db.js';
import { failOn, notFound, type UserError } from '../../lib/errors.js';
import { isUuid, uuidv7 } from '../../lib/ids.js';
import { dec } from '../../lib/money.js';
import { findOrFail } from '../../lib/transaction.js';
import type { FinanceWrite } from './context.js';
import * as inv from './db/invoice-queries.js';
import * as pay from './db/payment-queries.js';
import { post } from './db/queries.js';
import type { InvoiceRow, PaymentRow } from './db/schema.js';
import { Code, refuse } from './errors.js';
import type { AllocatePaymentInput, AllocationInput, RecordPaymentInput } from './generated/resolvers.js';
import { publishPaid, publishPaymentReceived } from './publish.js';
import { allocateOldestFirst, paymentPostings } from './rules.js';

/** The requested allocations checked against the locked invoices and the payment's free money. */
function checkedAllocations(
  payment: PaymentRow,
  requested: AllocationInput[],
  invoices: Map<string, InvoiceRow>,
  free: string,
) {
  const check = new FieldCheck();
  let total = dec(0);
  const seen = new Set<string>();
  const allocations = requested.map((a, i) => {
    const at = (field: string) => `allocations.${i}.${field}`;
    const invoice = invoices.get(a.invoiceId);
    const amount = check.money(at('amount'), a.amount, { currency: payment.currency });
    if (!invoice || invoice.customerId !== payment.customerId)
      check.errors.push(notFound('Invoice of this customer', check.path(at('invoiceId'))));
    else if (seen.has(invoice.id)) check.add(at('invoiceId'), Code.DUPLICATE, 'Each invoice may appear once');
    else if (invoice.status === 'VOID') check.add(at('invoiceId'), Code.INVOICE_VOID, 'A void invoice cannot be paid');
    else if (invoice.status === 'DRAFT')
      check.add(at('invoiceId'), Code.INVOICE_NOT_ISSUED, 'A draft invoice cannot be paid');
    else if (amount !== undefined && dec(amount).lte(0))
      check.add(at('amount'), Code.OUT_OF_RANGE, 'An allocation must be more than zero');
    else if (amount !== undefined && dec(amount).gt(dec(invoice.total).minus(invoice.amountPaid))) {
      check.add(
        at('amount'),
        Code.OVER_ALLOCATION,
        `The invoice's balance is ${dec(invoice.total).minus(invoice.amountPaid).toFixed(2)}`,
      );
    }
    seen.add(a.invoiceId);
    if (amount) total = total.plus(amount);
    return { invoiceId: a.invoiceId, amount: amount ?? '0' };
  });
  if (total.gt(free))
    check.add('allocations', Code.OVER_ALLOCATION, `Only ${dec(free).toFixed(2)} of the payment is unallocated`);
  check.done();
  return allocations;
}

/**
 * Allocates up to the payment's unallocated money: the given allocations, or the customer's oldest
 * due invoices first. Invoices are locked, so two payments can never over-pay one invoice.
 */
async function allocate(
  tx: Queryable,
  ctx: FinanceWrite,
  payment: PaymentRow,
  requested: AllocationInput[] | null | undefined,
) {
  const free = dec(payment.amount).minus(payment.allocated).toFixed(2);
  let allocations: { invoiceId: string; amount: string }[];
  if (!requested) {
    const open = await inv.lockOpenInvoicesOfCustomer(tx, ctx.tenantId, payment.customerId);
    allocations = allocateOldestFirst(
      free,
      open.map((i) => ({ id: i.id, balance: dec(i.total).minus(i.amountPaid).toFixed(2) })),
    ).allocations;
  } else {
    const ids = requested.map((a) => a.invoiceId);
    const invoices = new Map((await inv.lockInvoices(tx, ctx.tenantId, ids.filter(isUuid))).map((i) => [i.id, i]));
    allocations = checkedAllocations(payment, requested, invoices, free);
  }
  await publishPaid(tx, ctx, payment.receivedOn, await pay.applyAllocations(tx, ctx.tenantId, payment.id, allocations));
}

/**
 * Records money received, allocates it (as given, or oldest due first) and posts it. `unknownCustomer`
 * is the customer check made before the transaction: NOT_FOUND, or nothing.
 */
export async function recordPayment(
  tx: Queryable,
  ctx: FinanceWrite,
  input: RecordPaymentInput,
  unknownCustomer: UserError[],
): Promise<PaymentRow> {
  failOn(unknownCustomer);
  const check = new FieldCheck();
  const amount = check.money('amount', input.amount, { currency: ctx.settings.currency });
  if (amount !== undefined && dec(amount).lte(0))
    check.add('amount.amount', Code.OUT_OF_RANGE, 'A payment must be more than zero');
  if (input.receivedOn > todayUtc())
    check.add('receivedOn', Code.INVALID_DATE, 'A payment cannot be received in the future');
  const reference = check.text('reference', input.reference, { max: 100 });
  check.done();
  const payment = await pay.insertPayment(tx, {
    tenantId: ctx.tenantId,
    id: uuidv7(),
    customerId: input.customerId,
    amount: amount!,
    currency: ctx.settings.currency,
    receivedOn: input.receivedOn,
    method: input.method,
    reference: reference ?? null,
    createdAt: new Date(),
  });
  await publishPaymentReceived(tx, ctx, payment);
  await allocate(tx, ctx, payment, input.allocations);
  await post(
    tx,
    ctx.tenantId,
    { postedOn: input.receivedOn, description: 'Payment received', reference: reference ?? payment.id },
    paymentPostings(payment.amount),
  );
  return (await pay.paymentsByIds(tx, ctx.tenantId, [payment.id]))[0];
}

/** Allocates what is left of a payment. */
export async function allocatePayment(
  tx: Queryable,
  ctx: FinanceWrite,
  input: AllocatePaymentInput,
): Promise<PaymentRow> {
  const payment = await findOrFail(input.paymentId, (id) => pay.lockPayment(tx, ctx.tenantId, id), 'Payment', [
    'input',
    'paymentId',
  ]);
  if (dec(payment.allocated).gte(payment.amount))
    refuse(Code.FULLY_ALLOCATED, ['input', 'paymentId'], 'Nothing of this payment is left to allocate');
  await allocate(tx, ctx, payment, input.allocations);
  return (await pay.paymentsByIds(tx, ctx.tenantId, [payment.id]))[0];
}
