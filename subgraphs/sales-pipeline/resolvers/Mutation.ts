import { missingCustomer } from '../../../lib/clients/customer-directory.js';
import { missingProduct } from '../../../lib/clients/product-catalogue.js';
import { inTransaction } from '../../../lib/transaction.js';
import { createCampaign } from '../campaigns.js';
import { replayDeadLetters, replayEvent } from '../event-log.js';
import type { MutationResolvers } from '../generated/resolvers.js';
import { assignLead, convertLead, createLead, disqualifyLead, qualifyLead, updateLead } from '../leads.js';
import {
  addLine,
  createOpportunity,
  markLost,
  markWon,
  moveStage,
  removeLine,
  updateLine,
  updateOpportunity,
} from '../opportunities.js';
import { acceptQuote, createQuote, rejectQuote, sendQuote, updateQuoteLine } from '../quotes.js';
import { createStage, deleteStage, reorderStages, updateStageFields } from '../stages.js';

/**
 * Each mutation: its domain operation in one transaction, then the payload from what it returned.
 * Calls to other services (lead field definitions, customer and product checks) happen before the
 * transaction opens.
 */
export const Mutation: MutationResolvers = {
  // ---- the event log's admin API (event-log.ts), here until a platform subgraph owns it
  replayEvent: async (_, { input }, ctx) => {
    const { value, userErrors } = await replayEvent(ctx, input);
    return { event: value?.event ?? null, replayed: value?.replayed ?? 0, userErrors };
  },
  replayDeadLetters: async (_, { input }, ctx) => {
    const { value: replayed, userErrors } = await replayDeadLetters(ctx, input);
    return { replayed: replayed ?? 0, userErrors };
  },

  // ---- leads and campaigns
  createLead: async (_, { input }, ctx) => {
    const definitions = await ctx.loaders.leadFieldDefinitions(ctx);
    const { value: lead, userErrors } = await inTransaction(ctx, (tx, write) =>
      createLead(tx, write, input, definitions),
    );
    return { lead, userErrors };
  },
  updateLead: async (_, { input }, ctx) => {
    const definitions = input.customFields != null ? await ctx.loaders.leadFieldDefinitions(ctx) : [];
    const { value: lead, userErrors } = await inTransaction(ctx, (tx, write) =>
      updateLead(tx, write, input, definitions),
    );
    return { lead, userErrors };
  },
  assignLead: async (_, { input }, ctx) => {
    const { value: lead, userErrors } = await inTransaction(ctx, (tx, write) => assignLead(tx, write, input));
    return { lead, userErrors };
  },
  qualifyLead: async (_, { input }, ctx) => {
    const { value: lead, userErrors } = await inTransaction(ctx, (tx, write) => qualifyLead(tx, write, input));
    return { lead, userErrors };
  },
  disqualifyLead: async (_, { input }, ctx) => {
    const { value: lead, userErrors } = await inTransaction(ctx, (tx, write) => disqualifyLead(tx, write, input));
    return { lead, userErrors };
  },
  // Two transactions around a call to the customer subgraph (leads.ts).
  convertLead: async (_, { input }, ctx) => {
    const { value, userErrors } = await convertLead(ctx, input);
    return {
      lead: value?.lead ?? null,
      customer: value ? { id: value.customerId } : null,
      opportunity: value?.opportunity ?? null,
      userErrors,
    };
  },
  createCampaign: async (_, { input }, ctx) => {
    const { value: campaign, userErrors } = await inTransaction(ctx, (tx, write) => createCampaign(tx, write, input));
    return { campaign, userErrors };
  },

  // ---- stages
  createPipelineStage: async (_, { input }, ctx) => {
    const { value: stage, userErrors } = await inTransaction(ctx, (tx, write) => createStage(tx, write, input));
    return { stage, userErrors };
  },
  updatePipelineStage: async (_, { input }, ctx) => {
    const { value: stage, userErrors } = await inTransaction(ctx, (tx, write) => updateStageFields(tx, write, input));
    return { stage, userErrors };
  },
  reorderPipelineStages: async (_, { input }, ctx) => {
    const { value: stages, userErrors } = await inTransaction(ctx, (tx, write) => reorderStages(tx, write, input));
    return { stages: stages ?? [], userErrors };
  },
  deletePipelineStage: async (_, { input }, ctx) => {
    const { value: stages, userErrors } = await inTransaction(ctx, (tx, write) => deleteStage(tx, write, input));
    return { stages: stages ?? [], userErrors };
  },

  // ---- opportunities
  createOpportunity: async (_, { input }, ctx) => {
    const unknownCustomer = await missingCustomer(ctx.customers, ctx, input.customerId, ['input', 'customerId']);
    const { value: opportunity, userErrors } = await inTransaction(ctx, (tx, write) =>
      createOpportunity(tx, write, input, unknownCustomer),
    );
    return { opportunity, userErrors };
  },
  updateOpportunity: async (_, { input }, ctx) => {
    const { value: opportunity, userErrors } = await inTransaction(ctx, (tx, write) =>
      updateOpportunity(tx, write, input),
    );
    return { opportunity, userErrors };
  },
  addOpportunityLine: async (_, { input }, ctx) => {
    const field = ['input', 'line', 'productId'];
    const unknownProduct = await missingProduct(ctx.products, ctx, input.line.productId, field);
    const { value: opportunity, userErrors } = await inTransaction(ctx, (tx, write) =>
      addLine(tx, write, input, unknownProduct),
    );
    return { opportunity, userErrors };
  },
  updateOpportunityLine: async (_, { input }, ctx) => {
    const unknownProduct = await missingProduct(ctx.products, ctx, input.productId, ['input', 'productId']);
    const { value: opportunity, userErrors } = await inTransaction(ctx, (tx, write) =>
      updateLine(tx, write, input, unknownProduct),
    );
    return { opportunity, userErrors };
  },
  removeOpportunityLine: async (_, { input }, ctx) => {
    const { value: opportunity, userErrors } = await inTransaction(ctx, (tx, write) => removeLine(tx, write, input));
    return { opportunity, userErrors };
  },
  moveOpportunityStage: async (_, { input }, ctx) => {
    const { value: opportunity, userErrors } = await inTransaction(ctx, (tx, write) => moveStage(tx, write, input));
    return { opportunity, userErrors };
  },
  markOpportunityWon: async (_, { input }, ctx) => {
    const { value: opportunity, userErrors } = await inTransaction(ctx, (tx, write) => markWon(tx, write, input));
    return { opportunity, userErrors };
  },
  markOpportunityLost: async (_, { input }, ctx) => {
    const { value: opportunity, userErrors } = await inTransaction(ctx, (tx, write) => markLost(tx, write, input));
    return { opportunity, userErrors };
  },

  // ---- quotes
  createQuote: async (_, { input }, ctx) => {
    const { value: quote, userErrors } = await inTransaction(ctx, (tx, write) => createQuote(tx, write, input));
    return { quote, userErrors };
  },
  updateQuoteLine: async (_, { input }, ctx) => {
    const { value: quote, userErrors } = await inTransaction(ctx, (tx, write) => updateQuoteLine(tx, write, input));
    return { quote, userErrors };
  },
  sendQuote: async (_, { input }, ctx) => {
    const { value: quote, userErrors } = await inTransaction(ctx, (tx, write) => sendQuote(tx, write, input));
    return { quote, userErrors };
  },
  acceptQuote: async (_, { input }, ctx) => {
    const { value: quote, userErrors } = await inTransaction(ctx, (tx, write) => acceptQuote(tx, write, input));
    return { quote, userErrors };
  },
  rejectQuote: async (_, { input }, ctx) => {
    const { value: quote, userErrors } = await inTransaction(ctx, (tx, write) => rejectQuote(tx, write, input));
    return { quote, userErrors };
  },
};
