import { todayUtc } from '../../../lib/dates.js';
import type { Queryable } from '../../../lib/db.js';
import { notFound, userError, type UserError } from '../../../lib/errors.js';
import { isUuid, uuidv7 } from '../../../lib/ids.js';
import { checkMoney, dec, type MoneyInput } from '../../../lib/money.js';
import { failOn, findOrFail, inTransaction } from '../../../lib/mutation.js';
import { InputCheck } from '../../../lib/validate.js';
import { missingCustomer } from '../../../lib/customer-directory.js';
import type { FinanceContext } from '../context.js';
import * as inv from '../db/invoice-queries.js';
import * as pay from '../db/payment-queries.js';
import { post } from '../db/queries.js';
import type { PaymentRow } from '../db/schema.js';
import { allocateOldestFirst, paymentPostings } from '../rules.js';
import { publishPaid } from '../publish.js';

type AllocationInput = { invoiceId: string; amount: MoneyInput };

/**
 * Allocates up to the payment's unallocated money: the given allocations, or the customer's oldest
 * due invoices first. Invoices are locked, so two payments can never over-pay one invoice.
 */
async function allocate(
  tx: Queryable,
  ctx: FinanceContext,
  payment: PaymentRow,
  requested: AllocationInput[] | null | undefined,
) {
  const free = dec(payment.amount).minus(payment.allocated);
  if (!requested) {
    const open = await inv.lockOpenInvoicesOfCustomer(tx, ctx.tenantId, payment.customerId);
    const plan = allocateOldestFirst(
      free.toFixed(2),
      open.map((i) => ({ id: i.id, balance: dec(i.total).minus(i.amountPaid).toFixed(2) })),
    );
    await publishPaid(
      tx,
      ctx,
      payment.receivedOn,
      await pay.applyAllocations(tx, ctx.tenantId, payment.id, plan.allocations),
    );
    return;
  }
  const errors: UserError[] = [];
  const ids = requested.map((a) => a.invoiceId);
  const invoices = new Map((await inv.lockInvoices(tx, ctx.tenantId, ids.filter(isUuid))).map((i) => [i.id, i]));
  let total = dec(0);
  const seen = new Set<string>();
  const allocations = requested.map((a, i) => {
    const field = ['input', 'allocations', String(i)];
    const invoice = invoices.get(a.invoiceId);
    const amount = checkMoney(a.amount, { currency: payment.currency, field: [...field, 'amount'] }, errors);
    if (!invoice || invoice.customerId !== payment.customerId)
      errors.push(notFound('Invoice of this customer', [...field, 'invoiceId']));
    else if (seen.has(invoice.id))
      errors.push(userError('DUPLICATE_INVOICE', [...field, 'invoiceId'], 'Each invoice may appear once'));
    else if (invoice.status === 'VOID')
      errors.push(userError('INVOICE_VOID', [...field, 'invoiceId'], 'A void invoice cannot be paid'));
    else if (invoice.status === 'DRAFT')
      errors.push(userError('INVOICE_NOT_ISSUED', [...field, 'invoiceId'], 'A draft invoice cannot be paid'));
    else if (amount !== null && dec(amount).lte(0))
      errors.push(userError('OUT_OF_RANGE', [...field, 'amount'], 'An allocation must be more than zero'));
    else if (amount !== null && dec(amount).gt(dec(invoice.total).minus(invoice.amountPaid))) {
      errors.push(
        userError(
          'OVER_ALLOCATION',
          [...field, 'amount'],
          `The invoice's balance is ${dec(invoice.total).minus(invoice.amountPaid).toFixed(2)}`,
        ),
      );
    }
    seen.add(a.invoiceId);
    if (amount) total = total.plus(amount);
    return { invoiceId: a.invoiceId, amount: amount ?? '0' };
  });
  if (total.gt(free))
    errors.push(
      userError('OVER_ALLOCATION', ['input', 'allocations'], `Only ${free.toFixed(2)} of the payment is unallocated`),
    );
  failOn(errors);
  await publishPaid(tx, ctx, payment.receivedOn, await pay.applyAllocations(tx, ctx.tenantId, payment.id, allocations));
}

export const paymentMutations = {
  recordPayment: (
    _: unknown,
    {
      input,
    }: {
      input: {
        customerId: string;
        amount: MoneyInput;
        receivedOn: string;
        method: string;
        reference?: string | null;
        allocations?: AllocationInput[] | null;
      };
    },
    ctx: FinanceContext,
  ) =>
    missingCustomer(ctx.customers, ctx, input.customerId, ['input', 'customerId']).then((missing) =>
      inTransaction(ctx.database, async (tx) => {
        failOn(missing);
        const tenant = await ctx.loaders.tenant();
        const errors: UserError[] = [];
        const amount = checkMoney(input.amount, { currency: tenant.currency, field: ['input', 'amount'] }, errors);
        if (amount !== null && dec(amount).lte(0))
          errors.push(userError('OUT_OF_RANGE', ['input', 'amount', 'amount'], 'A payment must be more than zero'));
        if (input.receivedOn > todayUtc())
          errors.push(userError('INVALID_DATE', ['input', 'receivedOn'], 'A payment cannot be received in the future'));
        const check = new InputCheck();
        const reference = check.text('reference', input.reference, { max: 100 });
        failOn([...errors, ...check.errors]);
        const payment = await pay.insertPayment(tx, {
          tenantId: ctx.tenantId,
          id: uuidv7(),
          customerId: input.customerId,
          amount: amount!,
          currency: tenant.currency,
          receivedOn: input.receivedOn,
          method: input.method,
          reference: reference ?? null,
          createdAt: new Date(),
        });
        await allocate(tx, ctx, payment, input.allocations);
        await post(
          tx,
          ctx.tenantId,
          { postedOn: input.receivedOn, description: 'Payment received', reference: reference ?? payment.id },
          paymentPostings(payment.amount),
        );
        return { payment: (await pay.paymentsByIds(tx, ctx.tenantId, [payment.id]))[0] };
      }),
    ),

  allocatePayment: (
    _: unknown,
    { input }: { input: { paymentId: string; allocations?: AllocationInput[] | null } },
    ctx: FinanceContext,
  ) =>
    inTransaction(ctx.database, async (tx) => {
      const payment = await findOrFail(input.paymentId, (id) => pay.lockPayment(tx, ctx.tenantId, id), 'Payment', [
        'input',
        'paymentId',
      ]);
      if (dec(payment.allocated).gte(payment.amount))
        failOn([userError('FULLY_ALLOCATED', ['input', 'paymentId'], 'Nothing of this payment is left to allocate')]);
      await allocate(tx, ctx, payment, input.allocations);
      return { payment: (await pay.paymentsByIds(tx, ctx.tenantId, [payment.id]))[0] };
    }),
};
