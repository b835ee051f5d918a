import type { OpportunityLineResolvers } from '../generated/resolvers.js';
import { pricedLineFields } from '../priced-lines.js';

export const OpportunityLine: OpportunityLineResolvers = pricedLineFields;
