import { userError } from '../../../lib/errors.js';
import { checkDecimal, checkMoney, type MoneyInput } from '../../../lib/money.js';
import { failOn, inTransaction } from '../../../lib/mutation.js';
import { missingCustomer } from '../../../lib/customer-directory.js';
import type { FinanceContext } from '../context.js';
import { setTaxRate, upsertAccount } from '../db/queries.js';

const customerRef = (customerId: string) => ({ customer: { __typename: 'Customer', id: customerId } });

export const creditMutations = {
  setCreditLimit: (_: unknown, { input }: { input: { customerId: string; limit?: MoneyInput | null } }, ctx: FinanceContext) =>
    missingCustomer(ctx.customers, ctx, input.customerId, ['input', 'customerId']).then((missing) => inTransaction(ctx.database, async (tx) => {
      failOn(missing);
      const tenant = await ctx.loaders.tenant();
      const errors: Parameters<typeof failOn>[0] = [];
      const limit = input.limit ? checkMoney(input.limit, { currency: tenant.currency, field: ['input', 'limit'] }, errors) : null;
      failOn(errors);
      await upsertAccount(tx, ctx.tenantId, input.customerId, { creditLimit: limit });
      return customerRef(input.customerId);
    })),

  setPaymentTerms: (_: unknown, { input }: { input: { customerId: string; days: number } }, ctx: FinanceContext) =>
    missingCustomer(ctx.customers, ctx, input.customerId, ['input', 'customerId']).then((missing) => inTransaction(ctx.database, async (tx) => {
      failOn(missing);
      if (!Number.isInteger(input.days) || input.days < 0 || input.days > 365) failOn([userError('OUT_OF_RANGE', ['input', 'days'], 'Payment terms are 0 to 365 days')]);
      await upsertAccount(tx, ctx.tenantId, input.customerId, { paymentTermsDays: input.days });
      return customerRef(input.customerId);
    })),

  setTaxRate: (_: unknown, { input }: { input: { taxRate: string } }, ctx: FinanceContext) =>
    inTransaction(ctx.database, async (tx) => {
      const errors: Parameters<typeof failOn>[0] = [];
      const taxRate = checkDecimal(input.taxRate, { field: ['input', 'taxRate'], min: '0', max: '100', scale: 2 }, errors);
      failOn(errors);
      return { settings: await setTaxRate(tx, ctx.tenantId, taxRate!) };
    }),
};
