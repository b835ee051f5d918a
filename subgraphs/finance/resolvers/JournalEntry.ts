import type { JournalEntryResolvers } from '../generated/resolvers.js';

export const JournalEntry: JournalEntryResolvers = {
  lines: (e, _, ctx) => ctx.loaders.linesOfEntry.load(e.id),
};
