import { customFieldValues, type StoredValue } from '../../../lib/custom-fields.js';
import type { LeadResolvers } from '../generated/resolvers.js';

export const Lead: LeadResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.lead.load(ref.id),
  campaign: (lead, _, ctx) => (lead.campaignId ? ctx.loaders.campaign.load(lead.campaignId) : null),
  customFields: async (lead, _, ctx) => {
    const stored = lead.customFields as Record<string, StoredValue>;
    // Leads without values need no definitions (and no call to the customer subgraph).
    if (Object.keys(stored).length === 0) return [];
    return customFieldValues(await ctx.loaders.leadFieldDefinitions(ctx), stored);
  },
  customer: (lead) => (lead.customerId ? { id: lead.customerId } : null),
  opportunity: (lead, _, ctx) => (lead.opportunityId ? ctx.loaders.opportunity.load(lead.opportunityId) : null),
};
