import type { Resolvers } from '../generated/resolvers.js';
import { AuditEntry } from './AuditEntry.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';
import { WebhookDelivery } from './WebhookDelivery.js';

/** The platform subgraph's resolver map: one file per GraphQL type. */
export const resolvers: Resolvers = { Query, Mutation, AuditEntry, WebhookDelivery };
