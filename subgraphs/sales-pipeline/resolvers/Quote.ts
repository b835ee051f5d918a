import { todayUtc } from '../../../lib/dates.js';
import { dec, money } from '../../../lib/money.js';
import type { SalesContext } from '../context.js';
import type { QuoteRow } from '../db/schema.js';
import { formatQuoteNumber, quoteStatus } from '../rules.js';

const computed = new WeakMap<QuoteRow, Promise<{ subtotal: string; total: string; discount: string }>>();

/** Subtotal, total and discount of a quote, summed once however many of them are selected. */
function totals(quote: QuoteRow, ctx: SalesContext) {
  let result = computed.get(quote);
  if (!result) {
    result = ctx.loaders.linesOfQuote.load(quote.id).then((lines) => {
      const subtotal = lines.reduce((sum, l) => sum.plus(l.grossAmount), dec(0));
      const total = lines.reduce((sum, l) => sum.plus(l.amount), dec(0));
      return { subtotal: subtotal.toFixed(2), total: total.toFixed(2), discount: subtotal.minus(total).toFixed(2) };
    });
    computed.set(quote, result);
  }
  return result;
}

export const Quote = {
  number: (quote: QuoteRow) => formatQuoteNumber(quote.number),
  status: (quote: QuoteRow) => quoteStatus(quote, todayUtc()),
  opportunity: async (quote: QuoteRow, _: unknown, ctx: SalesContext) =>
    (await ctx.loaders.opportunity.load(quote.opportunityId))!,
  lines: (quote: QuoteRow, _: unknown, ctx: SalesContext) => ctx.loaders.linesOfQuote.load(quote.id),
  subtotal: async (quote: QuoteRow, _: unknown, ctx: SalesContext) =>
    money((await totals(quote, ctx)).subtotal, quote.currency),
  discountTotal: async (quote: QuoteRow, _: unknown, ctx: SalesContext) =>
    money((await totals(quote, ctx)).discount, quote.currency),
  total: async (quote: QuoteRow, _: unknown, ctx: SalesContext) =>
    money((await totals(quote, ctx)).total, quote.currency),
};
