import { todayUtc } from '../../../lib/dates.js';
import { money } from '../../../lib/money.js';
import { documentNumber } from '../../../lib/numbers.js';
import type { SalesContext } from '../context.js';
import type { QuoteRow } from '../db/schema.js';
import type { QuoteResolvers } from '../generated/resolvers.js';
import { priced } from '../priced-lines.js';
import { quoteStatus, quoteTotals } from '../rules.js';

/** Subtotal, total and discount of a quote, from its lines (loaded once per request, however many are selected). */
const totalsOf = async (quote: QuoteRow, ctx: SalesContext) =>
  quoteTotals(await ctx.loaders.linesOfQuote.load(quote.id));

export const Quote: QuoteResolvers = {
  number: (quote) => documentNumber('Q', quote.number),
  status: (quote) => quoteStatus(quote, todayUtc()),
  opportunity: async (quote, _, ctx) => (await ctx.loaders.opportunity.load(quote.opportunityId))!,
  lines: async (quote, _, ctx) => priced(await ctx.loaders.linesOfQuote.load(quote.id), quote.currency),
  subtotal: async (quote, _, ctx) => money((await totalsOf(quote, ctx)).subtotal, quote.currency),
  discountTotal: async (quote, _, ctx) => money((await totalsOf(quote, ctx)).discount, quote.currency),
  total: async (quote, _, ctx) => money((await totalsOf(quote, ctx)).total, quote.currency),
};
