import type { Resolvers } from '../generated/resolvers.js';
import { Campaign } from './Campaign.js';
import { Customer } from './Customer.js';
import { Lead } from './Lead.js';
import { Mutation } from './Mutation.js';
import { Opportunity } from './Opportunity.js';
import { OpportunityLine } from './OpportunityLine.js';
import { Query } from './Query.js';
import { Quote } from './Quote.js';
import { QuoteLine } from './QuoteLine.js';
import { StageVisit } from './StageVisit.js';

/** The sales-pipeline subgraph's resolver map: one file per GraphQL type. */
export const resolvers: Resolvers = {
  Query,
  Mutation,
  Customer,
  Lead,
  Campaign,
  Opportunity,
  OpportunityLine,
  QuoteLine,
  StageVisit,
  Quote,
};
