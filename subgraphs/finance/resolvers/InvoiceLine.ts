import { money, trimDecimal } from '../../../lib/money.js';
import type { InvoiceLineResolvers } from '../generated/resolvers.js';

/** A line of an invoice, with its invoice's currency (mappers.ts). */
export const InvoiceLine: InvoiceLineResolvers = {
  product: (l) => (l.productId ? { id: l.productId } : null),
  quantity: (l) => trimDecimal(l.quantity),
  unitPrice: (l) => ({ amount: trimDecimal(l.unitPrice, 2), currency: l.currency }),
  discountPercent: (l) => trimDecimal(l.discountPercent),
  taxRate: (l) => trimDecimal(l.taxRate),
  amount: (l) => money(l.amount, l.currency),
  tax: (l) => money(l.tax, l.currency),
};
