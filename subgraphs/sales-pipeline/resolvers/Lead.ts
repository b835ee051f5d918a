import { customFieldValues, type CustomFieldDefinition, type StoredValue } from '../../../lib/custom-fields.js';
import type { SalesContext } from '../context.js';
import type { CampaignRow, LeadRow } from '../db/schema.js';
import { money } from '../../../lib/money.js';

const definitions = new WeakMap<SalesContext, Promise<CustomFieldDefinition[]>>();

/** The tenant's LEAD field definitions, asked of the customer subgraph once per request. */
export function leadDefinitions(ctx: SalesContext): Promise<CustomFieldDefinition[]> {
  let defs = definitions.get(ctx);
  if (!defs) definitions.set(ctx, (defs = ctx.customers.leadFieldDefinitions(ctx)));
  return defs;
}

export const Lead = {
  __resolveReference: (ref: { id: string }, ctx: SalesContext) => ctx.loaders.lead.load(ref.id),
  campaign: (lead: LeadRow, _: unknown, ctx: SalesContext) =>
    lead.campaignId ? ctx.loaders.campaign.load(lead.campaignId) : null,
  customFields: async (lead: LeadRow, _: unknown, ctx: SalesContext) => {
    const stored = lead.customFields as Record<string, StoredValue>;
    // Leads without values need no definitions (and no call to the customer subgraph).
    if (Object.keys(stored).length === 0) return [];
    return customFieldValues(await leadDefinitions(ctx), stored);
  },
  customer: (lead: LeadRow) => (lead.customerId ? { __typename: 'Customer', id: lead.customerId } : null),
  opportunity: (lead: LeadRow, _: unknown, ctx: SalesContext) =>
    lead.opportunityId ? ctx.loaders.opportunity.load(lead.opportunityId) : null,
};

export const Campaign = {
  spend: async (campaign: CampaignRow, _: unknown, ctx: SalesContext) =>
    money(campaign.spend, (await ctx.loaders.tenant()).currency),
};
