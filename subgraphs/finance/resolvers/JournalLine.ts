import { money } from '../../../lib/money.js';
import type { JournalLineResolvers } from '../generated/resolvers.js';
import { ACCOUNTS, type AccountCode } from '../rules.js';

export const JournalLine: JournalLineResolvers = {
  accountName: (l) => ACCOUNTS[l.accountCode as AccountCode],
  debit: async (l, _, ctx) => money(l.debit, (await ctx.loaders.tenant()).currency),
  credit: async (l, _, ctx) => money(l.credit, (await ctx.loaders.tenant()).currency),
};
