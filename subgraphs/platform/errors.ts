import { errorVocabulary } from '../../lib/errors.js';
import { PlatformErrorCode } from './generated/resolvers.js';

/**
 * The codes of this subgraph's userErrors: the shared InputErrorCode and PlatformErrorCode, both
 * declared with their meanings in the SDL (schema/shared.graphql, schema/platform.graphql).
 */
export const { Code, userError, refuse } = errorVocabulary(PlatformErrorCode);
