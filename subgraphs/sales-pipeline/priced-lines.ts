import { money, trimDecimal } from '../../lib/money.js';
import type { OpportunityLineResolvers } from './generated/resolvers.js';
import type { PricedLine } from './mappers.js';

/** A document's line rows with the document's currency: what OpportunityLine and QuoteLine resolve. */
export const priced = <Line extends Omit<PricedLine, 'currency'>>(lines: Line[], currency: string) =>
  lines.map((line) => ({ ...line, currency }));

/**
 * The fields of a line, an opportunity's and a quote's alike (resolvers/OpportunityLine.ts and
 * QuoteLine.ts): decimals without padding, amounts in the line's currency.
 */
export const pricedLineFields: OpportunityLineResolvers = {
  product: (line) => (line.productId ? { id: line.productId } : null),
  quantity: (line) => trimDecimal(line.quantity),
  discountPercent: (line) => trimDecimal(line.discountPercent),
  unitPrice: (line) => ({ amount: trimDecimal(line.unitPrice, 2), currency: line.currency }),
  amount: (line) => money(line.amount, line.currency),
};
