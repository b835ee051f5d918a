import { pageWindow, timeKey, toConnection } from '../../../lib/pagination.js';
import { countApiKeys, countAuditEntries, listApiKeys, listAuditEntries } from '../db/queries.js';
import { eventPage } from '../event-log.js';
import type { QueryResolvers } from '../generated/resolvers.js';

export const Query: QueryResolvers = {
  events: (_, args, ctx) => eventPage(ctx, args),

  apiKeys: async (_, args, ctx) => {
    const window = pageWindow(args);
    const rows = await listApiKeys(ctx.database.db, ctx.tenantId, window);
    return toConnection(
      rows,
      window,
      (k) => ({ value: timeKey(k.createdAt), id: k.id }),
      () => countApiKeys(ctx.database.db, ctx.tenantId),
    );
  },

  auditLog: async (_, args, ctx) => {
    const window = pageWindow(args);
    const filter = args.filter ?? {};
    const rows = await listAuditEntries(ctx.database.db, ctx.tenantId, filter, window);
    return toConnection(
      rows,
      window,
      (e) => ({ value: timeKey(e.occurredAt), id: e.id }),
      () => countAuditEntries(ctx.database.db, ctx.tenantId, filter),
    );
  },
};
