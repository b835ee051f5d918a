import type { StageVisitResolvers } from '../generated/resolvers.js';

export const StageVisit: StageVisitResolvers = {
  stage: async (visit, _, ctx) => (await ctx.loaders.stage.load(visit.stageId))!,
};
