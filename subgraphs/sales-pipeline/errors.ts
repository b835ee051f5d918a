import { errorVocabulary } from '../../lib/errors.js';
import { SalesErrorCode } from './generated/resolvers.js';

/**
 * The codes of this subgraph's userErrors: the shared InputErrorCode and SalesErrorCode, both
 * declared with their meanings in the SDL (schema/shared.graphql, schema/sales-pipeline.graphql).
 */
export const { Code, userError, refuse } = errorVocabulary(SalesErrorCode);
