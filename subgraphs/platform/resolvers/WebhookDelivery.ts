import type { WebhookDeliveryResolvers } from '../generated/resolvers.js';

export const WebhookDelivery: WebhookDeliveryResolvers = {
  attemptLog: (delivery, _, ctx) => ctx.loaders.webhookAttempts.load(delivery.id),
};
