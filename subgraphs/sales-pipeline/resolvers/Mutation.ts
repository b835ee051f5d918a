import { missingCustomer } from '../../../lib/clients/customer-directory.js';
import { missingProduct } from '../../../lib/clients/product-catalogue.js';
import { inTransaction, payload } from '../../../lib/transaction.js';
import { createCampaign } from '../campaigns.js';
import type { MutationResolvers } from '../generated/resolvers.js';
import { convertLead } from '../lead-conversion.js';
import { assignLead, createLead, disqualifyLead, qualifyLead, updateLead } from '../leads.js';
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
  assignLead: async (_, { input }, ctx) =>
    payload('lead', await inTransaction(ctx, (tx, write) => assignLead(tx, write, input))),
  qualifyLead: async (_, { input }, ctx) =>
    payload('lead', await inTransaction(ctx, (tx, write) => qualifyLead(tx, write, input))),
  disqualifyLead: async (_, { input }, ctx) =>
    payload('lead', await inTransaction(ctx, (tx, write) => disqualifyLead(tx, write, input))),
  // Two transactions around a call to the customer subgraph (lead-conversion.ts).
  convertLead: async (_, { input }, ctx) => {
    const { value, userErrors } = await convertLead(ctx, input);
    return {
      lead: value?.lead ?? null,
      customer: value ? { id: value.customerId } : null,
      opportunity: value?.opportunity ?? null,
      userErrors,
    };
  },
  createCampaign: async (_, { input }, ctx) =>
    payload('campaign', await inTransaction(ctx, (tx, write) => createCampaign(tx, write, input))),

  // ---- stages
  createPipelineStage: async (_, { input }, ctx) =>
    payload('stage', await inTransaction(ctx, (tx, write) => createStage(tx, write, input))),
  updatePipelineStage: async (_, { input }, ctx) =>
    payload('stage', await inTransaction(ctx, (tx, write) => updateStageFields(tx, write, input))),
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
  updateOpportunity: async (_, { input }, ctx) =>
    payload('opportunity', await inTransaction(ctx, (tx, write) => updateOpportunity(tx, write, input))),
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
  removeOpportunityLine: async (_, { input }, ctx) =>
    payload('opportunity', await inTransaction(ctx, (tx, write) => removeLine(tx, write, input))),
  moveOpportunityStage: async (_, { input }, ctx) =>
    payload('opportunity', await inTransaction(ctx, (tx, write) => moveStage(tx, write, input))),
  markOpportunityWon: async (_, { input }, ctx) =>
    payload('opportunity', await inTransaction(ctx, (tx, write) => markWon(tx, write, input))),
  markOpportunityLost: async (_, { input }, ctx) =>
    payload('opportunity', await inTransaction(ctx, (tx, write) => markLost(tx, write, input))),

  // ---- quotes
  createQuote: async (_, { input }, ctx) =>
    payload('quote', await inTransaction(ctx, (tx, write) => createQuote(tx, write, input))),
  updateQuoteLine: async (_, { input }, ctx) =>
    payload('quote', await inTransaction(ctx, (tx, write) => updateQuoteLine(tx, write, input))),
  sendQuote: async (_, { input }, ctx) =>
    payload('quote', await inTransaction(ctx, (tx, write) => sendQuote(tx, write, input))),
  acceptQuote: async (_, { input }, ctx) =>
    payload('quote', await inTransaction(ctx, (tx, write) => acceptQuote(tx, write, input))),
  rejectQuote: async (_, { input }, ctx) =>
    payload('quote', await inTransaction(ctx, (tx, write) => rejectQuote(tx, write, input))),
};
