import type { Resolvers } from '../generated/resolvers.js';
import { Customer } from './Customer.js';
import { Interaction } from './Interaction.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';

/** The customer subgraph's resolver map: one file per GraphQL type. */
export const resolvers: Resolvers = { Query, Mutation, Customer, Interaction };
