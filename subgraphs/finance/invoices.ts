import { FieldCheck } from '../../lib/check.js';
import { addDays, todayUtc } from '../../lib/dates.js';
import type { Queryable } from '../../lib/db.js';
import { failOn, notFound, type UserError } from '../../lib/errors.js';
import { isUuid, uuidv7 } from '../../lib/ids.js';
import { dec, MAX_AMOUNT } from '../../lib/money.js';
import { findOrFail } from '../../lib/transaction.js';
import type { FinanceWrite } from './context.js';
import { isKnownOrder } from './db/exposure-queries.js';
import * as inv from './db/invoice-queries.js';
import { accountsOf, nextInvoiceNumber, post } from './db/queries.js';
import type { InvoiceRow } from './db/schema.js';
import { Code, refuse } from './errors.js';
import type {
  CreateInvoiceInput,
  InvoiceLineInput,
  IssueInvoiceInput,
  VoidInvoiceInput,
} from './generated/resolvers.js';
import { publishIssued, publishVoided } from './publish.js';
import { formatInvoiceNumber, invoicePostings, reversal, shipmentInvoiceLines, type ShippedLine } from './rules.js';

const invoiceForUpdate = (tx: Queryable, ctx: FinanceWrite, id: string): Promise<InvoiceRow> =>
  findOrFail(id, async (id) => (await inv.lockInvoices(tx, ctx.tenantId, [id]))[0], 'Invoice', ['input', 'id']);

/** Manual lines checked into column values (tax at the tenant's rate unless given); every problem at once. */
function invoiceLines(lines: InvoiceLineInput[], currency: string, defaultTaxRate: string) {
  const check = new FieldCheck();
  if (lines.length === 0) check.add('lines', Code.NO_LINES, 'An invoice needs at least one line');
  else check.count('lines', lines, { max: 200, what: 'line' });
  const values = lines.map((line, i) => {
    const at = (field: string) => `lines.${i}.${field}`;
    const description = check.text(at('description'), line.description, {
      max: 500,
      required: true,
      label: 'description',
    });
    if (line.productId && !isUuid(line.productId)) check.errors.push(notFound('Product', check.path(at('productId'))));
    const quantity = check.quantity(at('quantity'), line.quantity);
    const unitPrice = check.money(at('unitPrice'), line.unitPrice, { currency, scale: 4 });
    const discountPercent = check.percent(at('discountPercent'), line.discountPercent ?? '0');
    const taxRate = check.percent(at('taxRate'), line.taxRate ?? defaultTaxRate);
    if (quantity && unitPrice && dec(quantity).times(unitPrice).gt(MAX_AMOUNT))
      check.add(at('quantity'), Code.OUT_OF_RANGE, `quantity x unit price must be at most ${MAX_AMOUNT}`);
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
  check.done();
  return values;
}

/**
 * Issues a draft in the caller's transaction (issueInvoice, and the shipment flow's invoices):
 * number without gaps, due date from the customer's terms, balanced postings.
 */
async function issue(tx: Queryable, ctx: FinanceWrite, invoice: InvoiceRow, issueDate: string) {
  if (dec(invoice.total).lte(0))
    refuse(Code.ZERO_TOTAL, ['input', 'id'], 'An invoice must total more than zero to be issued');
  const year = Number(issueDate.slice(0, 4));
  const [account] = await accountsOf(tx, ctx.tenantId, [invoice.customerId]);
  const dueDate = addDays(issueDate, account?.paymentTermsDays ?? ctx.settings.paymentTermsDays);
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
async function refuseOrderBilledOnShipment(tx: Queryable, ctx: FinanceWrite, orderId: string, field: string[]) {
  if (await isKnownOrder(tx, ctx.tenantId, orderId)) {
    refuse(
      Code.ORDER_BILLED_ON_SHIPMENT,
      field,
      'Invoices for sales orders are issued automatically when their goods ship; this order cannot be invoiced by hand',
    );
  }
}

/**
 * A DRAFT invoice with manual lines. `unknownCustomer` is the customer check made before the
 * transaction (the customer subgraph is asked, no transaction waits on it): NOT_FOUND, or nothing.
 */
export async function createInvoice(
  tx: Queryable,
  ctx: FinanceWrite,
  input: CreateInvoiceInput,
  unknownCustomer: UserError[],
): Promise<InvoiceRow> {
  failOn(unknownCustomer);
  if (input.orderId && !isUuid(input.orderId)) failOn([notFound('Sales order', ['input', 'orderId'])]);
  if (input.orderId) await refuseOrderBilledOnShipment(tx, ctx, input.orderId, ['input', 'orderId']);
  const lines = invoiceLines(input.lines, ctx.settings.currency, ctx.settings.taxRate);
  const id = uuidv7();
  await inv.insertInvoice(tx, {
    tenantId: ctx.tenantId,
    id,
    customerId: input.customerId,
    orderId: input.orderId ?? null,
    status: 'DRAFT',
    currency: ctx.settings.currency,
    createdAt: new Date(),
  });
  await inv.insertLines(
    tx,
    lines.map((l) => ({ ...l, tenantId: ctx.tenantId, id: uuidv7(), invoiceId: id })),
  );
  return inv.updateInvoice(tx, ctx.tenantId, id);
}

export async function issueInvoice(tx: Queryable, ctx: FinanceWrite, input: IssueInvoiceInput): Promise<InvoiceRow> {
  const invoice = await invoiceForUpdate(tx, ctx, input.id);
  if (invoice.status !== 'DRAFT')
    refuse(Code.INVALID_STATUS, ['input', 'id'], `The invoice is ${invoice.status}; only drafts are issued`);
  if (input.issueDate && input.issueDate > todayUtc())
    refuse(Code.INVALID_DATE, ['input', 'issueDate'], 'An invoice cannot be issued in the future');
  // Checked again here: the order may have become known (confirmed) since the draft was made.
  if (invoice.orderId) await refuseOrderBilledOnShipment(tx, ctx, invoice.orderId, ['input', 'id']);
  return issue(tx, ctx, invoice, input.issueDate ?? todayUtc());
}

/** Voids an issued invoice without payments, posting the exact reversal of its issue. */
export async function voidInvoice(tx: Queryable, ctx: FinanceWrite, input: VoidInvoiceInput): Promise<InvoiceRow> {
  const invoice = await invoiceForUpdate(tx, ctx, input.id);
  if (invoice.status === 'DRAFT' || invoice.status === 'VOID')
    refuse(Code.INVALID_STATUS, ['input', 'id'], `The invoice is ${invoice.status}; only issued invoices are voided`);
  if (dec(invoice.amountPaid).gt(0))
    refuse(Code.INVOICE_HAS_PAYMENTS, ['input', 'id'], 'An invoice with payments cannot be voided');
  const check = new FieldCheck();
  const reason = check.text('reason', input.reason, { max: 200 });
  check.done();
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
  return inv.updateInvoice(tx, ctx.tenantId, invoice.id, { status: 'VOID', voidedAt: new Date() });
}

/** What finance bills of a shipment (its shipment.shipped, checked). */
export interface ShipmentToBill {
  shipmentId: string;
  orderId: string;
  customerId: string;
  shippedOn: string;
  lines: ShippedLine[];
}

/**
 * The shipment's invoice, issued on the day it shipped; null when the shipment already has one
 * (published twice under different event ids: billed once all the same).
 */
export async function invoiceShipment(
  tx: Queryable,
  ctx: FinanceWrite,
  shipment: ShipmentToBill,
): Promise<InvoiceRow | null> {
  const id = uuidv7();
  const draft = await inv.insertShipmentInvoice(tx, {
    tenantId: ctx.tenantId,
    id,
    customerId: shipment.customerId,
    orderId: shipment.orderId,
    shipmentId: shipment.shipmentId,
    status: 'DRAFT',
    currency: ctx.settings.currency,
    createdAt: new Date(),
  });
  if (!draft) return null;
  await inv.insertLines(
    tx,
    shipmentInvoiceLines(shipment.lines, ctx.settings.taxRate).map((l) => ({
      ...l,
      tenantId: ctx.tenantId,
      id: uuidv7(),
      invoiceId: id,
    })),
  );
  return issue(tx, ctx, await inv.updateInvoice(tx, ctx.tenantId, id), shipment.shippedOn);
}
