/**
 * What each GraphQL type's resolvers receive as their parent, where it is not the generated shape:
 * rows as the database returns them, views of rows, connections of rows, and references to
 * entities other subgraphs own. `npm run codegen` maps every type exported here (by name) in
 * generated/resolvers.ts.
 */
import type { Connection } from '../../lib/pagination.js';
import type { CampaignRow, LeadRow, LineRow, OpportunityRow, QuoteRow, StageRow, StageVisitRow } from './db/schema.js';

/** Owned by the customer subgraph: sales adds fields to it by id. */
export type Customer = { id: string };
/** Owned by order-fulfilment: referenced by id. */
export type Product = { id: string };

export type Lead = LeadRow;
export type LeadConnection = Connection<LeadRow>;
export type Campaign = CampaignRow;
export type PipelineStage = StageRow;
export type Opportunity = OpportunityRow;
export type OpportunityConnection = Connection<OpportunityRow>;
export type StageVisit = StageVisitRow;
export type Quote = QuoteRow;

/**
 * A line of an opportunity or of a quote (both tables have the same line columns) with its
 * parent's currency, which the row lacks: Opportunity.lines and Quote.lines add it.
 */
export type PricedLine = Omit<LineRow, 'opportunityId'> & { currency: string };
export type OpportunityLine = PricedLine;
export type QuoteLine = PricedLine;
