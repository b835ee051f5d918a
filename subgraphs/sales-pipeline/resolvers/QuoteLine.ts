import type { QuoteLineResolvers } from '../generated/resolvers.js';
import { pricedLineFields } from '../priced-lines.js';

/** A quote's line reads like an opportunity's. */
export const QuoteLine: QuoteLineResolvers = pricedLineFields;
