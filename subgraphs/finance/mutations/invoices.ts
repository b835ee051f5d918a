import { addDays, todayUtc } from '../../../lib/dates.js';
import type { Queryable } from '../../../lib/db.js';
import { notFound, userError, type UserError } from '../../../lib/errors.js';
import { isUuid, uuidv7 } from '../../../lib/ids.js';
import { checkDecimal, checkMoney, dec, MAX_AMOUNT, MAX_QUANTITY, type MoneyInput } from '../../../lib/money.js';
import { failOn, findOrFail, inTransaction } from '../../../lib/mutation.js';
import { InputCheck } from '../../../lib/validate.js';
import { missingCustomer } from '../../../lib/customer-directory.js';
import type { FinanceContext } from '../context.js';
import { publishIssued, publishVoided } from '../publish.js';
import { isKnownOrder } from '../db/exposure-queries.js';
import * as inv from '../db/invoice-queries.js';
import { accountsOf, nextInvoiceNumber, post } from '../db/queries.js';
import type { InvoiceRow } from '../db/schema.js';
import { formatInvoiceNumber, invoicePostings, reversal } from '../rules.js';

interface LineInput {
  description: string;
  productId?: string | null;
  quantity: string;
  unitPrice: MoneyInput;
  discountPercent?: string | null;
  taxRate?: string | null;
}

const invoiceForUpdate = (tx: Queryable, ctx: FinanceContext, id: string): Promise<InvoiceRow> =>
  findOrFail(id, async (id) => (await inv.lockInvoices(tx, ctx.tenantId, [id]))[0], 'Invoice', ['input', 'id']);

function invoiceLines(lines: LineInput[], currency: string, defaultTaxRate: string) {
  const errors: UserError[] = [];
  if (lines.length === 0) errors.push(userError('NO_LINES', ['input', 'lines'], 'An invoice needs at least one line'));
  if (lines.length > 200) errors.push(userError('TOO_MANY_LINES', ['input', 'lines'], 'At most 200 lines'));
  const values = lines.map((line, i) => {
    const field = ['input', 'lines', String(i)];
    const check = new InputCheck(field);
    const description = check.text('description', line.description, { max: 500, required: true });
    errors.push(...check.errors);
    if (line.productId && !isUuid(line.productId)) errors.push(notFound('Product', [...field, 'productId']));
    const quantity = checkDecimal(
      line.quantity,
      { field: [...field, 'quantity'], min: '0', exclusiveMin: true, max: MAX_QUANTITY, scale: 4 },
      errors,
    );
    const unitPrice = checkMoney(line.unitPrice, { currency, field: [...field, 'unitPrice'], scale: 4 }, errors);
    const discountPercent = checkDecimal(
      line.discountPercent ?? '0',
      { field: [...field, 'discountPercent'], min: '0', max: '100', scale: 2 },
      errors,
    );
    const taxRate = checkDecimal(
      line.taxRate ?? defaultTaxRate,
      { field: [...field, 'taxRate'], min: '0', max: '100', scale: 2 },
      errors,
    );
    if (quantity && unitPrice && dec(quantity).times(unitPrice).gt(MAX_AMOUNT))
      errors.push(
        userError('OUT_OF_RANGE', [...field, 'quantity'], `quantity x unit price must be at most ${MAX_AMOUNT}`),
      );
    return {
      description: description!,
      productId: line.productId ?? null,
      quantity: quantity!,
      unitPrice: unitPrice!,
      discountPercent: discountPercent!,
      taxRate: taxRate!,
      position: i + 1,
    };
  });
  failOn(errors);
  return values;
}

/**
 * Issues a draft in the caller's transaction (issueInvoice, and the shipment flow's invoices):
 * number without gaps, due date from the customer's terms, balanced postings.
 */
export async function issue(tx: Queryable, ctx: FinanceContext, invoice: InvoiceRow, issueDate: string) {
  if (dec(invoice.total).lte(0))
    failOn([userError('ZERO_TOTAL', ['input', 'id'], 'An invoice must total more than zero to be issued')]);
  const year = Number(issueDate.slice(0, 4));
  const [account] = await accountsOf(tx, ctx.tenantId, [invoice.customerId]);
  const tenant = await ctx.loaders.tenant();
  const dueDate = addDays(issueDate, account?.paymentTermsDays ?? tenant.paymentTermsDays);
  const number = await nextInvoiceNumber(tx, ctx.tenantId, year);
  const issued = await inv.updateInvoice(tx, ctx.tenantId, invoice.id, {
    status: 'OPEN',
    year,
    number,
    issueDate,
    dueDate,
    issuedAt: new Date(),
  });
  await post(
    tx,
    ctx.tenantId,
    { postedOn: issueDate, description: 'Invoice issued', reference: formatInvoiceNumber(year, number) },
    invoicePostings(issued.total, issued.subtotal, issued.taxTotal),
  );
  await publishIssued(tx, ctx, issued);
  return issued;
}

/**
 * A sales order finance knows (its confirmation, cancellation or credit reservation) is billed from
 * its shipments: a manual invoice on top would bill it twice.
 */
async function refuseOrderBilledOnShipment(tx: Queryable, ctx: FinanceContext, orderId: string, field: string[]) {
  if (await isKnownOrder(tx, ctx.tenantId, orderId)) {
    failOn([
      userError(
        'ORDER_BILLED_ON_SHIPMENT',
        field,
        'Invoices for sales orders are issued automatically when their goods ship; this order cannot be invoiced by hand',
      ),
    ]);
  }
}

export const invoiceMutations = {
  createInvoice: (
    _: unknown,
    { input }: { input: { customerId: string; orderId?: string | null; lines: LineInput[] } },
    ctx: FinanceContext,
  ) =>
    missingCustomer(ctx.customers, ctx, input.customerId, ['input', 'customerId']).then((missing) =>
      inTransaction(ctx.database, async (tx) => {
        failOn(missing);
        if (input.orderId && !isUuid(input.orderId)) failOn([notFound('Sales order', ['input', 'orderId'])]);
        if (input.orderId) await refuseOrderBilledOnShipment(tx, ctx, input.orderId, ['input', 'orderId']);
        const tenant = await ctx.loaders.tenant();
        const lines = invoiceLines(input.lines, tenant.currency, tenant.taxRate);
        const id = uuidv7();
        await inv.insertInvoice(tx, {
          tenantId: ctx.tenantId,
          id,
          customerId: input.customerId,
          orderId: input.orderId ?? null,
          status: 'DRAFT',
          currency: tenant.currency,
          createdAt: new Date(),
        });
        await inv.insertLines(
          tx,
          lines.map((l) => ({ ...l, tenantId: ctx.tenantId, id: uuidv7(), invoiceId: id })),
        );
        return { invoice: await inv.updateInvoice(tx, ctx.tenantId, id) };
      }),
    ),

  issueInvoice: (_: unknown, { input }: { input: { id: string; issueDate?: string | null } }, ctx: FinanceContext) =>
    inTransaction(ctx.database, async (tx) => {
      const invoice = await invoiceForUpdate(tx, ctx, input.id);
      if (invoice.status !== 'DRAFT')
        failOn([
          userError('INVALID_STATUS', ['input', 'id'], `The invoice is ${invoice.status}; only drafts are issued`),
        ]);
      if (input.issueDate && input.issueDate > todayUtc())
        failOn([userError('INVALID_DATE', ['input', 'issueDate'], 'An invoice cannot be issued in the future')]);
      // Checked again here: the order may have become known (confirmed) since the draft was made.
      if (invoice.orderId) await refuseOrderBilledOnShipment(tx, ctx, invoice.orderId, ['input', 'id']);
      return { invoice: await issue(tx, ctx, invoice, input.issueDate ?? todayUtc()) };
    }),

  voidInvoice: (_: unknown, { input }: { input: { id: string; reason?: string | null } }, ctx: FinanceContext) =>
    inTransaction(ctx.database, async (tx) => {
      const invoice = await invoiceForUpdate(tx, ctx, input.id);
      if (invoice.status === 'DRAFT' || invoice.status === 'VOID') {
        failOn([
          userError(
            'INVALID_STATUS',
            ['input', 'id'],
            `The invoice is ${invoice.status}; only issued invoices are voided`,
          ),
        ]);
      }
      if (dec(invoice.amountPaid).gt(0))
        failOn([userError('INVOICE_HAS_PAYMENTS', ['input', 'id'], 'An invoice with payments cannot be voided')]);
      const check = new InputCheck();
      const reason = check.text('reason', input.reason, { max: 200 });
      failOn(check.errors);
      // An issued invoice's totals never change, so its postings are recomputed, not read back.
      const reference = formatInvoiceNumber(invoice.year!, invoice.number!);
      const original = invoicePostings(invoice.total, invoice.subtotal, invoice.taxTotal);
      await post(
        tx,
        ctx.tenantId,
        { postedOn: todayUtc(), description: `Invoice voided${reason ? `: ${reason}` : ''}`, reference },
        reversal(original),
      );
      await publishVoided(tx, ctx, invoice);
      return {
        invoice: await inv.updateInvoice(tx, ctx.tenantId, invoice.id, { status: 'VOID', voidedAt: new Date() }),
      };
    }),
};
