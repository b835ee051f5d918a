import Big from 'big.js';
import { dec } from '../../lib/money.js';
import { documentNumber } from '../../lib/numbers.js';

/** The chart of accounts the journal posts to. */
export const ACCOUNTS = {
  '1000': 'Cash and bank',
  '1100': 'Accounts receivable',
  '1200': 'Inventory',
  '2100': 'Tax payable',
  '4000': 'Revenue',
  '5000': 'Cost of goods sold',
} as const;

export type AccountCode = keyof typeof ACCOUNTS;

export interface Posting {
  account: AccountCode;
  debit?: string;
  credit?: string;
}

/** Issuing an invoice: Dr receivable total / Cr revenue subtotal / Cr tax payable tax. */
export const invoicePostings = (total: string, subtotal: string, tax: string): Posting[] =>
  [
    { account: '1100', debit: total },
    { account: '4000', credit: subtotal },
    { account: '2100', credit: tax },
  ].filter((p) => !dec(p.debit ?? p.credit ?? '0').eq(0)) as Posting[];

/** Money received: Dr cash / Cr receivable (unallocated money is a credit on the customer's account). */
export const paymentPostings = (amount: string): Posting[] => [
  { account: '1000', debit: amount },
  { account: '1100', credit: amount },
];

/** Goods leaving the warehouse: Dr cost of goods sold / Cr inventory, at their cost. */
export const costOfGoodsPostings = (cost: string): Posting[] => [
  { account: '5000', debit: cost },
  { account: '1200', credit: cost },
];

/** Σ quantity x unit cost of shipped lines, rounded half-up to the cent once (not per line). */
export const costOfGoods = (lines: { quantity: string; unitCost: string }[]): string =>
  lines
    .reduce((sum, l) => sum.plus(dec(l.quantity).times(l.unitCost)), dec(0))
    .round(2, Big.roundHalfUp)
    .toFixed(2);

/** quantity x unit price x (100 - discount) / 100, rounded half-up to the cent (an order line's amount). */
const rounded = (quantity: Big, unitPrice: string, discountPercent: string) =>
  quantity.times(unitPrice).times(dec(100).minus(discountPercent)).div(100).round(2, Big.roundHalfUp);

/**
 * A line's net amount, as the invoice_lines.amount column computes it (so that callers can know
 * it before inserting): quantity x unit price x (100 - discount) / 100, rounded half-up to the cent.
 * A part of an order line after `billedBefore` of it bills the rounded amount of everything billed
 * up to and including it less the rounded amount billed before it, so that the parts add up
 * exactly to the rounded amount of the whole (and never to more).
 */
export const netAmount = (quantity: string, unitPrice: string, discountPercent: string, billedBefore = '0'): string =>
  rounded(dec(billedBefore).plus(quantity), unitPrice, discountPercent)
    .minus(rounded(dec(billedBefore), unitPrice, discountPercent))
    .toFixed(2);

export interface ShippedLine {
  productId: string;
  sku: string;
  name: string;
  quantity: string;
  unitPrice: string;
  discountPercent: string;
  /** How much of the order line earlier shipments took. */
  shippedBefore: string;
}

/**
 * One invoice line per shipped line: exactly the shipped quantity at the order line's price and
 * discount, billed after what earlier shipments of the order line billed.
 */
export const shipmentInvoiceLines = (lines: ShippedLine[], taxRate: string) =>
  lines.map((l, i) => ({
    description: `${l.sku} ${l.name}`,
    productId: l.productId,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    discountPercent: l.discountPercent,
    billedBefore: l.shippedBefore,
    taxRate,
    position: i + 1,
  }));

/** The exact reversal of some postings. */
export const reversal = (postings: Posting[]): Posting[] =>
  postings.map((p) => ({ account: p.account, debit: p.credit, credit: p.debit }));

export function isBalanced(postings: Posting[]): boolean {
  const debit = postings.reduce((s, p) => s.plus(p.debit ?? 0), dec(0));
  const credit = postings.reduce((s, p) => s.plus(p.credit ?? 0), dec(0));
  return debit.eq(credit);
}

/** The sum of some amounts (missing ones count as zero), to the cent. */
export const sumOf = <Row>(rows: Row[], amount: (row: Row) => string | null | undefined): string =>
  rows.reduce((sum, r) => sum.plus(amount(r) ?? '0'), dec(0)).toFixed(2);

/**
 * Oldest due first: pays each open invoice (in the given order) as far as the money goes.
 * Returns the allocations and what is left unallocated.
 */
export function allocateOldestFirst(amount: string, open: { id: string; balance: string }[]) {
  let left = dec(amount);
  const allocations: { invoiceId: string; amount: string }[] = [];
  for (const invoice of open) {
    if (left.lte(0)) break;
    const take = left.lt(invoice.balance) ? left : dec(invoice.balance);
    if (take.gt(0)) allocations.push({ invoiceId: invoice.id, amount: take.toFixed(2) });
    left = left.minus(take);
  }
  return { allocations, unallocated: left.toFixed(2) };
}

export type CreditStatus = 'OK' | 'WARNING' | 'HOLD';

/**
 * Without a limit a customer is never held. With one: HOLD above the limit or with anything more
 * than 90 days past due, WARNING above 80% of it.
 */
export function creditStatus(limit: string | null, exposure: string, oldestOverdueDays: number): CreditStatus {
  if (limit === null) return 'OK';
  if (dec(exposure).gt(limit) || oldestOverdueDays > 90) return 'HOLD';
  if (dec(exposure).gt(dec(limit).times('0.8'))) return 'WARNING';
  return 'OK';
}

/** Can `amount` more go on the customer's account? */
export function checkCredit(limit: string | null, exposure: string, amount: string, oldestOverdueDays: number) {
  if (limit === null) return { allowed: true, reason: null };
  if (oldestOverdueDays > 90) return { allowed: false, reason: `An invoice is ${oldestOverdueDays} days past due` };
  const after = dec(exposure).plus(amount);
  if (after.gt(limit))
    return {
      allowed: false,
      reason: `Exposure would be ${after.toFixed(2)}, above the credit limit of ${dec(limit).toFixed(2)}`,
    };
  return { allowed: true, reason: null };
}

/** INV-2026-000045: numbered per tenant and year. */
export const formatInvoiceNumber = (year: number, n: number) => documentNumber(`INV-${year}`, n);

/** "INV-2026-000045" (any case, padding optional) -> its year and number; anything else -> null. */
export function parseInvoiceNumber(text: string): { year: number; number: number } | null {
  const match = text
    .trim()
    .toUpperCase()
    .match(/^INV-(\d{4})-(\d{1,9})$/);
  return match ? { year: Number(match[1]), number: Number(match[2]) } : null;
}
