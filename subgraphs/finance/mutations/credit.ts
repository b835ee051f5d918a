import { GraphQLError } from 'graphql';
import { badInput, forbidden, userError } from '../../../lib/errors.js';
import { isUuid } from '../../../lib/ids.js';
import { checkDecimal, checkMoney, money, type MoneyInput } from '../../../lib/money.js';
import { failOn, inTransaction } from '../../../lib/mutation.js';
import { missingCustomer } from '../../../lib/customer-directory.js';
import type { FinanceContext } from '../context.js';
import { reserveCredit } from '../credit.js';
import { setTaxRate, upsertAccount } from '../db/queries.js';

const customerRef = (customerId: string) => ({ customer: { __typename: 'Customer', id: customerId } });

export const creditMutations = {
  setCreditLimit: (
    _: unknown,
    { input }: { input: { customerId: string; limit?: MoneyInput | null } },
    ctx: FinanceContext,
  ) =>
    missingCustomer(ctx.customers, ctx, input.customerId, ['input', 'customerId']).then((missing) =>
      inTransaction(ctx.database, async (tx) => {
        failOn(missing);
        const tenant = await ctx.loaders.tenant();
        const errors: Parameters<typeof failOn>[0] = [];
        const limit = input.limit
          ? checkMoney(input.limit, { currency: tenant.currency, field: ['input', 'limit'] }, errors)
          : null;
        failOn(errors);
        await upsertAccount(tx, ctx.tenantId, input.customerId, { creditLimit: limit });
        return customerRef(input.customerId);
      }),
    ),

  setPaymentTerms: (_: unknown, { input }: { input: { customerId: string; days: number } }, ctx: FinanceContext) =>
    missingCustomer(ctx.customers, ctx, input.customerId, ['input', 'customerId']).then((missing) =>
      inTransaction(ctx.database, async (tx) => {
        failOn(missing);
        if (!Number.isInteger(input.days) || input.days < 0 || input.days > 365)
          failOn([userError('OUT_OF_RANGE', ['input', 'days'], 'Payment terms are 0 to 365 days')]);
        await upsertAccount(tx, ctx.tenantId, input.customerId, { paymentTermsDays: input.days });
        return customerRef(input.customerId);
      }),
    ),

  setTaxRate: (_: unknown, { input }: { input: { taxRate: string } }, ctx: FinanceContext) =>
    inTransaction(ctx.database, async (tx) => {
      const errors: Parameters<typeof failOn>[0] = [];
      const taxRate = checkDecimal(
        input.taxRate,
        { field: ['input', 'taxRate'], min: '0', max: '100', scale: 2 },
        errors,
      );
      failOn(errors);
      return { settings: await setTaxRate(tx, ctx.tenantId, taxRate!) };
    }),

  /**
   * Internal (order-fulfilment's signed call while it confirms an order). Faults, not user errors:
   * the caller is a service. The customer is checked before the transaction, so that no lock
   * waits on another service.
   */
  reserveCredit: async (
    _: unknown,
    { input }: { input: { orderId: string; customerId: string; amount: MoneyInput; override?: boolean | null } },
    ctx: FinanceContext,
  ) => {
    const tenant = await ctx.loaders.tenant();
    const errors: Parameters<typeof failOn>[0] = [];
    const amount = checkMoney(input.amount, { currency: tenant.currency, field: ['input', 'amount'] }, errors);
    if (errors.length) throw badInput(errors[0].message, 'input.amount');
    if (!isUuid(input.orderId)) throw badInput('orderId must be a UUID', 'input.orderId');
    // order-fulfilment decides whether its user may override and grants the call the scope; an override without it is a fault.
    if (input.override && !ctx.scopes.has('finance:credit-override'))
      throw forbidden('Overriding a credit hold needs the finance:credit-override scope');
    const known =
      isUuid(input.customerId) && (await ctx.customers.existing(ctx, [input.customerId])).has(input.customerId);
    if (!known) throw new GraphQLError('Customer not found', { extensions: { code: 'NOT_FOUND' } });
    const request = {
      orderId: input.orderId,
      customerId: input.customerId,
      amount: amount!,
      override: input.override ?? false,
    };
    // reserveCredit has no user errors to roll back with: the whole result comes back (inTransaction for its deadlock retries).
    const { credit, ...result } = (await inTransaction(ctx.database, (tx) =>
      reserveCredit(tx, ctx, request),
    )) as Awaited<ReturnType<typeof reserveCredit>>;
    return {
      allowed: result.allowed,
      reserved: result.reserved,
      reason: result.reason,
      exposure: money(credit.exposure, tenant.currency),
      limit: credit.limit === null ? null : money(credit.limit, tenant.currency),
      reservedUntil: result.reservedUntil,
    };
  },
};
