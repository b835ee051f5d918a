import { money } from '../../../lib/money.js';
import type { CampaignResolvers } from '../generated/resolvers.js';

export const Campaign: CampaignResolvers = {
  spend: async (campaign, _, ctx) => money(campaign.spend, (await ctx.loaders.tenant()).currency),
};
