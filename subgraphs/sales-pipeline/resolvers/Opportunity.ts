import { money, percentOf, trimDecimal } from '../../../lib/money.js';
import type { SalesContext } from '../context.js';
import type { LineRow, OpportunityRow, QuoteLineRow, StageVisitRow } from '../db/schema.js';

const stageOf = async (o: OpportunityRow, ctx: SalesContext) => (await ctx.loaders.stage.load(o.stageId))!;

export const Opportunity = {
  __resolveReference: (ref: { id: string }, ctx: SalesContext) => ctx.loaders.opportunity.load(ref.id),
  customer: (o: OpportunityRow) => ({ __typename: 'Customer', id: o.customerId }),
  stage: (o: OpportunityRow, _: unknown, ctx: SalesContext) => stageOf(o, ctx),
  amount: (o: OpportunityRow) => money(o.amount, o.currency),
  weightedAmount: async (o: OpportunityRow, _: unknown, ctx: SalesContext) =>
    money(percentOf(o.amount, (await stageOf(o, ctx)).probability), o.currency),
  lines: (o: OpportunityRow, _: unknown, ctx: SalesContext) => ctx.loaders.linesOfOpportunity.load(o.id),
  stageHistory: (o: OpportunityRow, _: unknown, ctx: SalesContext) => ctx.loaders.historyOfOpportunity.load(o.id),
  source: (o: OpportunityRow, _: unknown, ctx: SalesContext) => (o.leadId ? ctx.loaders.lead.load(o.leadId) : null),
  quotes: (o: OpportunityRow, _: unknown, ctx: SalesContext) => ctx.loaders.quotesOfOpportunity.load(o.id),
};

/** Lines of opportunities and quotes: their currency is their parent's, which the loader row lacks. */
const lineResolvers = (currencyOf: (line: any, ctx: SalesContext) => Promise<string>) => ({
  product: (line: LineRow | QuoteLineRow) => (line.productId ? { __typename: 'Product', id: line.productId } : null),
  quantity: (line: LineRow | QuoteLineRow) => trimDecimal(line.quantity),
  discountPercent: (line: LineRow | QuoteLineRow) => trimDecimal(line.discountPercent),
  unitPrice: async (line: LineRow | QuoteLineRow, _: unknown, ctx: SalesContext) => ({
    amount: trimDecimal(line.unitPrice, 2),
    currency: await currencyOf(line, ctx),
  }),
  amount: async (line: LineRow | QuoteLineRow, _: unknown, ctx: SalesContext) =>
    money(line.amount, await currencyOf(line, ctx)),
});

export const OpportunityLine = lineResolvers(
  async (line: LineRow, ctx) => (await ctx.loaders.opportunity.load(line.opportunityId))!.currency,
);
export const QuoteLine = lineResolvers(
  async (line: QuoteLineRow, ctx) => (await ctx.loaders.quote.load(line.quoteId))!.currency,
);

export const StageVisit = {
  stage: async (visit: StageVisitRow, _: unknown, ctx: SalesContext) => (await ctx.loaders.stage.load(visit.stageId))!,
};
