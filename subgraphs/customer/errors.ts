import { errorVocabulary } from '../../lib/errors.js';
import { CustomerErrorCode } from './generated/resolvers.js';

/**
 * The codes of this subgraph's userErrors: the shared InputErrorCode and CustomerErrorCode, both
 * declared with their meanings in the SDL (schema/shared.graphql, schema/customer.graphql).
 */
export const { Code, userError, refuse } = errorVocabulary(CustomerErrorCode);
