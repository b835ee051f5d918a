import { leadMutations } from '../mutations/leads.js';
import { eventMutations } from './Events.js';
import { opportunityMutations } from '../mutations/opportunities.js';
import { quoteMutations } from '../mutations/quotes.js';
import { stageMutations } from '../mutations/stages.js';

export const Mutation = {
  ...leadMutations,
  ...stageMutations,
  ...opportunityMutations,
  ...quoteMutations,
  ...eventMutations,
};
