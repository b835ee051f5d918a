import { recordAfterwards } from '../../../lib/audit.js';
import { inTransaction, payload } from '../../../lib/transaction.js';
import { createApiKey, revokeApiKey } from '../api-keys.js';
import { replayDeadLetters, replayEvent } from '../event-log.js';
import type { MutationResolvers } from '../generated/resolvers.js';

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
};
