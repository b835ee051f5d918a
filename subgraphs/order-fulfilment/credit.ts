import type { BaseContext } from '../../lib/context.js';
import { DependencyUnavailable, internalClient } from '../../lib/internal-client.js';

export type CreditVerdict = { allowed: true } | { allowed: false; reason: string } | { unavailable: true };

/**
 * Asks the finance subgraph, with a signed synchronous call on behalf of the caller, whether an
 * order amount fits the customer's credit. Any failure to get an answer is "unavailable": the
 * caller must then not confirm (fail safe).
 */
export function creditChecker(opts: { financeUrl: string; signingSecret: string }) {
  const call = internalClient({ url: opts.financeUrl, signingSecret: opts.signingSecret, audience: 'finance', timeoutMs: 3000 });
  return async (ctx: BaseContext, customerId: string, amount: { amount: string; currency: string }): Promise<CreditVerdict> => {
    try {
      const data = await call<{ creditCheck: { allowed: boolean; reason: string | null } }>(
        ctx,
        ['finance:read'],
        'query CreditCheck($c: ID!, $a: MoneyInput!) { creditCheck(customerId: $c, amount: $a) { allowed reason } }',
        { c: customerId, a: amount },
      );
      return data.creditCheck.allowed ? { allowed: true } : { allowed: false, reason: data.creditCheck.reason ?? 'Over the credit limit' };
    } catch (error) {
      if (error instanceof DependencyUnavailable) return { unavailable: true };
      ctx.log.warn({ err: error }, 'credit check failed');
      return { unavailable: true };
    }
  };
}

export type CreditChecker = ReturnType<typeof creditChecker>;
