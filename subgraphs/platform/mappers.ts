/**
 * What each GraphQL type's resolvers receive as their parent, where it is not the generated shape.
 * `npm run codegen` maps every type exported here (by name) in generated/resolvers.ts.
 */
import type { ListedEvent } from '../../lib/events/admin.js';
import type { Connection } from '../../lib/pagination.js';
import type {
  ApiKeyRow,
  AuditEntryRow,
  WebhookAttemptRow,
  WebhookDeliveryRow,
  WebhookSubscriptionRow,
} from './db/schema.js';

export type Event = ListedEvent;
export type EventDelivery = ListedEvent['deliveries'][number];
export type EventConnection = Connection<ListedEvent>;
export type ApiKey = ApiKeyRow;
export type ApiKeyConnection = Connection<ApiKeyRow>;
export type AuditEntry = AuditEntryRow;
export type AuditEntryConnection = Connection<AuditEntryRow>;
export type WebhookSubscription = WebhookSubscriptionRow;
export type WebhookSubscriptionConnection = Connection<WebhookSubscriptionRow>;
export type WebhookDelivery = WebhookDeliveryRow;
export type WebhookDeliveryConnection = Connection<WebhookDeliveryRow>;
export type WebhookAttempt = WebhookAttemptRow;
