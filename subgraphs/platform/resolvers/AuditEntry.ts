import type { AuditEntryResolvers } from '../generated/resolvers.js';

export const AuditEntry: AuditEntryResolvers = {
  // Entries never change: their updatedAt is when they were written to the log.
  updatedAt: (e) => e.recordedAt,
};
