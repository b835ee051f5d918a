import { addDays, todayUtc } from '../../../lib/dates.js';
import { badInput } from '../../../lib/errors.js';
import { orderedConnection } from '../../../lib/list-connection.js';
import { money, ratio } from '../../../lib/money.js';
import { pageWindow, timeKey } from '../../../lib/pagination.js';
import { forecast, funnelStages, funnelTotals } from '../db/analytics-queries.js';
import { countLeads, leadOrders, leadsDue, listLeads } from '../db/lead-queries.js';
import {
  countOpportunities,
  listOpportunities,
  opportunitiesDue,
  opportunityOrders,
} from '../db/opportunity-queries.js';
import { campaignsOf, liveStages } from '../db/queries.js';
import type { LeadRow, OpportunityRow } from '../db/schema.js';
import type { QueryResolvers } from '../generated/resolvers.js';

const leadCursor: Record<keyof typeof leadOrders, (l: LeadRow) => string> = {
  CREATED_AT: (l) => timeKey(l.createdAt),
  UPDATED_AT: (l) => timeKey(l.updatedAt),
  NAME: (l) => l.name,
  NEXT_FOLLOW_UP_AT: (l) => (l.nextFollowUpAt ? timeKey(l.nextFollowUpAt) : 'infinity'),
};

const opportunityCursor: Record<keyof typeof opportunityOrders, (o: OpportunityRow) => string> = {
  AMOUNT: (o) => o.amount,
  EXPECTED_CLOSE_DATE: (o) => o.expectedCloseDate ?? 'infinity',
  CREATED_AT: (o) => timeKey(o.createdAt),
  UPDATED_AT: (o) => timeKey(o.updatedAt),
};

export const Query: QueryResolvers = {
  lead: (_, args, ctx) => ctx.loaders.lead.load(args.id),

  leads: (_, args, ctx) =>
    orderedConnection(args, ctx, {
      orders: leadOrders,
      fallback: 'CREATED_AT',
      cursor: leadCursor,
      list: listLeads,
      count: countLeads,
      loader: ctx.loaders.lead,
      sync: { field: 'UPDATED_AT', updatedAt: (l) => l.updatedAt },
    }),

  campaigns: (_, __, ctx) => campaignsOf(ctx.database.db, ctx.tenantId),

  followUpsDue: async (_, args, ctx) => {
    const before = args.before ?? new Date();
    const limit = pageWindow({ first: args.first ?? 50 }).size;
    const [leads, opportunities] = await Promise.all([
      leadsDue(ctx.database.db, ctx.tenantId, before, args.ownerId ?? null, limit),
      opportunitiesDue(ctx.database.db, ctx.tenantId, before, args.ownerId ?? null, limit),
    ]);
    return [
      ...leads.map((lead) => ({ dueAt: lead.nextFollowUpAt!, lead, opportunity: null })),
      ...opportunities.map((opportunity) => ({ dueAt: opportunity.nextFollowUpAt!, lead: null, opportunity })),
    ]
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
      .slice(0, limit);
  },

  pipelineStages: async (_, __, ctx) => liveStages([...(await ctx.loaders.stages()).values()]),

  opportunity: (_, args, ctx) => ctx.loaders.opportunity.load(args.id),

  opportunities: (_, args, ctx) =>
    orderedConnection(args, ctx, {
      orders: opportunityOrders,
      fallback: 'CREATED_AT',
      cursor: opportunityCursor,
      list: listOpportunities,
      count: countOpportunities,
      loader: ctx.loaders.opportunity,
      sync: { field: 'UPDATED_AT', updatedAt: (o) => o.updatedAt },
    }),

  quote: (_, args, ctx) => ctx.loaders.quote.load(args.id),

  salesFunnel: async (_, args, ctx) => {
    const to = args.to ?? todayUtc();
    const from = args.from ?? addDays(to, -365);
    if (from > to) throw badInput('"from" must not be after "to"', 'from');
    const toExclusive = addDays(to, 1);
    const ownerId = args.ownerId ?? null;
    const [rows, totals] = await Promise.all([
      funnelStages(ctx.database.db, ctx.tenantId, from, toExclusive, ownerId),
      funnelTotals(ctx.database.db, ctx.tenantId, from, toExclusive, ownerId),
    ]);
    return {
      from,
      to,
      stages: await Promise.all(
        rows.map(async (r) => ({
          stage: (await ctx.loaders.stage.load(r.stage_id))!,
          entered: r.entered,
          advanced: r.advanced,
          lost: r.lost,
          conversionRate: ratio(r.advanced, r.entered),
          averageDaysInStage: r.average_days === null ? null : Number(r.average_days),
        })),
      ),
      leadToOpportunityRate: ratio(totals.converted, totals.leads),
      winRate: ratio(totals.won, totals.won + totals.lost),
    };
  },

  pipelineForecast: async (_, args, ctx) => {
    const months = args.months ?? 3;
    if (!Number.isInteger(months) || months < 1 || months > 24)
      throw badInput('"months" must be between 1 and 24', 'months');
    const [rows, tenant] = await Promise.all([
      forecast(ctx.database.db, ctx.tenantId, months, todayUtc()),
      ctx.loaders.tenant(),
    ]);
    return rows.map((r) => ({
      month: r.month,
      count: r.count,
      amount: money(r.amount, tenant.currency),
      weightedAmount: money(r.weighted_amount, tenant.currency),
    }));
  },
};
