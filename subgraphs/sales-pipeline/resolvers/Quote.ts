import { todayUtc } from '../../../lib/dates.js';
import { dec, money } from '../../../lib/money.js';
import type { SalesContext } from '../context.js';
import type { QuoteRow } from '../db/schema.js';
import { formatQuoteNumber, quoteStatus } from '../rules.js';

async function totals(quote: QuoteRow, ctx: SalesContext) {
  const lines = await ctx.loaders.linesOfQuote.load(quote.id);
  const subtotal = lines.reduce((sum, l) => sum.plus(l.grossAmount), dec(0));
  const total = lines.reduce((sum, l) => sum.plus(l.amount), dec(0));
  return { subtotal: subtotal.toFixed(2), total: total.toFixed(2), discount: subtotal.minus(total).toFixed(2) };
}

export const Quote = {
  number: (quote: QuoteRow) => formatQuoteNumber(quote.number),
  status: (quote: QuoteRow) => quoteStatus(quote, todayUtc()),
  opportunity: async (quote: QuoteRow, _: unknown, ctx: SalesContext) => (await ctx.loaders.opportunity.load(quote.opportunityId))!,
  lines: (quote: QuoteRow, _: unknown, ctx: SalesContext) => ctx.loaders.linesOfQuote.load(quote.id),
  subtotal: async (quote: QuoteRow, _: unknown, ctx: SalesContext) => money((await totals(quote, ctx)).subtotal, quote.currency),
  discountTotal: async (quote: QuoteRow, _: unknown, ctx: SalesContext) => money((await totals(quote, ctx)).discount, quote.currency),
  total: async (quote: QuoteRow, _: unknown, ctx: SalesContext) => money((await totals(quote, ctx)).total, quote.currency),
};
