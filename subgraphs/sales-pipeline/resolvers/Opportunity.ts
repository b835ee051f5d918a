import { money, percentOf } from '../../../lib/money.js';
import type { SalesContext } from '../context.js';
import type { OpportunityRow } from '../db/schema.js';
import type { OpportunityResolvers } from '../generated/resolvers.js';
import { priced } from '../priced-lines.js';

const stageOf = async (o: OpportunityRow, ctx: SalesContext) => (await ctx.loaders.stage.load(o.stageId))!;

export const Opportunity: OpportunityResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.opportunity.load(ref.id),
  customer: (o) => ({ id: o.customerId }),
  stage: (o, _, ctx) => stageOf(o, ctx),
  amount: (o) => money(o.amount, o.currency),
  weightedAmount: async (o, _, ctx) => money(percentOf(o.amount, (await stageOf(o, ctx)).probability), o.currency),
  lines: async (o, _, ctx) => priced(await ctx.loaders.linesOfOpportunity.load(o.id), o.currency),
  stageHistory: (o, _, ctx) => ctx.loaders.historyOfOpportunity.load(o.id),
  source: (o, _, ctx) => (o.leadId ? ctx.loaders.lead.load(o.leadId) : null),
  quotes: (o, _, ctx) => ctx.loaders.quotesOfOpportunity.load(o.id),
};
