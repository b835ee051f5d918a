import { recordAfterwards } from '../../../lib/audit.js';
import { inTransaction, payload } from '../../../lib/transaction.js';
import { createApiKey, revokeApiKey } from '../api-keys.js';
import { replayDeadLetters, replayEvent } from '../event-log.js';
import type { MutationResolvers } from '../generated/resolvers.js';
import { checkWebhookUrl } from '../webhooks/addresses.js';
import { redeliverFailedWebhooks, redeliverWebhook } from '../webhooks/deliveries.js';
import {
  createWebhookSubscription,
  deleteWebhookSubscription,
  rotateWebhookSecret,
  updateWebhookSubscription,
  type UrlVerdict,
} from '../webhooks/subscriptions.js';

/** The URL's verdict, asked before the transaction: resolving its host is network, not SQL. */
const urlVerdict = async (url: string | null | undefined): Promise<UrlVerdict> => {
  if (url == null) return null;
  const checked = await checkWebhookUrl(url.trim());
  return checked instanceof URL ? null : checked;
};

export const Mutation: MutationResolvers = {
  // ---- the event log's admin API (event-log.ts): it changes other subgraphs' outboxes, not ours,
  // so its audit entry is written after the change succeeded (the one entry not atomic with its change)
  replayEvent: async (_, { input }, ctx) => {
    const { value, userErrors } = await replayEvent(ctx, input);
    if (value) await recordAfterwards(ctx, value);
    return { event: value?.event ?? null, replayed: value?.replayed ?? 0, userErrors };
  },
  replayDeadLetters: async (_, { input }, ctx) => {
    const { value: replayed, userErrors } = await replayDeadLetters(ctx, input);
    if (replayed) await recordAfterwards(ctx, replayed);
    return { replayed: replayed ?? 0, userErrors };
  },

  // ---- API keys (api-keys.ts)
  createApiKey: async (_, { input }, ctx) => {
    const { value, userErrors } = await inTransaction(ctx, (tx, write) => createApiKey(tx, write, input));
    return { apiKey: value?.apiKey ?? null, secret: value?.secret ?? null, userErrors };
  },
  revokeApiKey: async (_, { input }, ctx) =>
    payload('apiKey', await inTransaction(ctx, (tx, write) => revokeApiKey(tx, write, input))),

  // ---- webhooks (webhooks/)
  createWebhookSubscription: async (_, { input }, ctx) => {
    const url = await urlVerdict(input.url);
    const { value, userErrors } = await inTransaction(ctx, (tx, write) =>
      createWebhookSubscription(tx, write, input, url, ctx.webhookVault),
    );
    return { webhookSubscription: value?.webhookSubscription ?? null, secret: value?.secret ?? null, userErrors };
  },
  updateWebhookSubscription: async (_, { input }, ctx) => {
    const url = await urlVerdict(input.url);
    return payload(
      'webhookSubscription',
      await inTransaction(ctx, (tx, write) => updateWebhookSubscription(tx, write, input, url)),
    );
  },
  rotateWebhookSecret: async (_, { input }, ctx) => {
    const { value, userErrors } = await inTransaction(ctx, (tx, write) =>
      rotateWebhookSecret(tx, write, input, ctx.webhookVault),
    );
    return { webhookSubscription: value?.webhookSubscription ?? null, secret: value?.secret ?? null, userErrors };
  },
  deleteWebhookSubscription: async (_, { input }, ctx) =>
    payload('deletedId', await inTransaction(ctx, (tx, write) => deleteWebhookSubscription(tx, write, input))),
  redeliverWebhook: async (_, { input }, ctx) =>
    payload('delivery', await inTransaction(ctx, (tx, write) => redeliverWebhook(tx, write, input))),
  redeliverFailedWebhooks: async (_, { input }, ctx) => {
    const { value, userErrors } = await inTransaction(ctx, (tx, write) => redeliverFailedWebhooks(tx, write, input));
    return { redelivered: value ?? 0, userErrors };
  },
};
