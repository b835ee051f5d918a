import { errorVocabulary } from '../../lib/errors.js';
import { FinanceErrorCode } from './generated/resolvers.js';

/**
 * The codes of this subgraph's userErrors: the shared InputErrorCode and FinanceErrorCode, both
 * declared with their meanings in the SDL (schema/shared.graphql, schema/finance.graphql).
 */
export const { Code, userError, refuse } = errorVocabulary(FinanceErrorCode);
