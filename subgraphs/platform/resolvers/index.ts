import type { Resolvers } from '../generated/resolvers.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';

/** The platform subgraph's resolver map: one file per GraphQL type. */
export const resolvers: Resolvers = { Query, Mutation };
