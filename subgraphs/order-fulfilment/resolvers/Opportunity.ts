import type { OpportunityResolvers } from '../generated/resolvers.js';

/** The opportunity side of the link (sales-pipeline owns Opportunity): its order, one query per batch. */
export const Opportunity: OpportunityResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  salesOrder: (o, _, ctx) => ctx.loaders.orderOfOpportunity.load(o.id),
};
