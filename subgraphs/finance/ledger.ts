import { dec, money } from '../../lib/money.js';
import type { FinanceContext } from './context.js';
import { accountTotals } from './db/ledger-queries.js';
import type { TrialBalance } from './generated/resolvers.js';
import { ACCOUNTS, sumOf, type AccountCode } from './rules.js';

/** Query.trialBalance: debit, credit and balance per account of everything posted up to `asOf`. */
export async function trialBalance(ctx: FinanceContext, asOf: string): Promise<TrialBalance> {
  const [totals, tenant] = await Promise.all([
    accountTotals(ctx.database.db, ctx.tenantId, asOf),
    ctx.loaders.tenant(),
  ]);
  const accounts = (Object.keys(ACCOUNTS) as AccountCode[]).map((code) => {
    const t = totals.find((r) => r.account_code === code);
    const debit = dec(t?.debit ?? '0');
    const credit = dec(t?.credit ?? '0');
    return {
      code,
      name: ACCOUNTS[code],
      debit: money(debit.toFixed(2), tenant.currency),
      credit: money(credit.toFixed(2), tenant.currency),
      balance: money(debit.minus(credit).toFixed(2), tenant.currency),
    };
  });
  const [totalDebit, totalCredit] = [sumOf(totals, (r) => r.debit), sumOf(totals, (r) => r.credit)];
  return {
    asOf,
    accounts,
    totalDebit: money(totalDebit, tenant.currency),
    totalCredit: money(totalCredit, tenant.currency),
  };
}
