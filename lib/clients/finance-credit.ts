import { GraphQLError } from 'graphql';
import type { BaseContext } from '../context.js';
import { DependencyUnavailable, internalClient } from './internal-client.js';

export type CreditVerdict =
  | { reserved: true; overridden: boolean; reason: string | null }
  | { reserved: false; reason: string }
  | { unknownCustomer: true }
  | { unavailable: true };

export interface CreditRequest {
  orderId: string;
  customerId: string;
  amount: { amount: string; currency: string };
  /** Reserve even past the limit: only when the caller asked for it and may override credit holds. */
  override: boolean;
}

/** What order-fulfilment sends finance (validated against finance's SDL by a test). */
export const RESERVE_CREDIT = `mutation ReserveCredit($input: ReserveCreditInput!) {
  reserveCredit(input: $input) { allowed reserved reason }
}`;

/**
 * Reserves an order's amount against the customer's credit in finance, with a signed synchronous
 * call on behalf of the caller. Finance decides one order of a customer at a time and counts the
 * reservation at once, so orders confirmed back to back (before any salesOrder.confirmed is
 * delivered) cannot together pass the limit. A confirmation that fails after reserving leaves the
 * reservation to expire. Any failure to get an answer is "unavailable": the caller must then not
 * confirm (fail safe); an unknown customer is told apart, as it is not worth retrying.
 */
export function financeCreditAt(opts: { financeUrl: string; signingSecret: string }) {
  const call = internalClient({ url: opts.financeUrl, signingSecret: opts.signingSecret, audience: 'finance' });
  return {
    async reserveCredit(ctx: BaseContext, request: CreditRequest): Promise<CreditVerdict> {
      // The call carries just what it needs: writing the reservation, and the override only when granted.
      const scopes = request.override ? ['finance:write', 'finance:credit-override'] : ['finance:write'];
      try {
        const data = await call<{ reserveCredit: { allowed: boolean; reserved: boolean; reason: string | null } }>(
          ctx,
          scopes,
          RESERVE_CREDIT,
          { input: request },
        );
        const { allowed, reserved, reason } = data.reserveCredit;
        return reserved
          ? { reserved: true, overridden: !allowed, reason }
          : { reserved: false, reason: reason ?? 'Over the credit limit' };
      } catch (error) {
        if (error instanceof GraphQLError && error.extensions.code === 'NOT_FOUND') return { unknownCustomer: true };
        if (!(error instanceof DependencyUnavailable)) ctx.log.warn({ err: error }, 'credit reservation failed');
        return { unavailable: true };
      }
    },
  };
}

export type FinanceCredit = ReturnType<typeof financeCreditAt>;
