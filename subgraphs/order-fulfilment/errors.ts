import { errorVocabulary } from '../../lib/errors.js';
import { FulfilmentErrorCode } from './generated/resolvers.js';

/**
 * The codes of this subgraph's userErrors: the shared InputErrorCode and FulfilmentErrorCode, both
 * declared with their meanings in the SDL (schema/shared.graphql, schema/order-fulfilment.graphql).
 */
export const { Code, userError, refuse } = errorVocabulary(FulfilmentErrorCode);
