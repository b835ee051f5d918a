import { FieldCheck } from '../../lib/check.js';
import type { Queryable } from '../../lib/db.js';
import { failOn, type UserError } from '../../lib/errors.js';
import type { FinanceWrite } from './context.js';
import { setTaxRate as saveTaxRate, upsertAccount } from './db/queries.js';
import type { TenantRow } from './db/schema.js';
import { Code, refuse } from './errors.js';
import type { SetCreditLimitInput, SetPaymentTermsInput, SetTaxRateInput } from './generated/resolvers.js';
import type { Customer } from './mappers.js';

/**
 * A customer's account terms (credit limit, payment terms) and the tenant's tax rate.
 * `unknownCustomer` is the customer check made before the transaction: NOT_FOUND, or nothing.
 */
export async function setCreditLimit(
  tx: Queryable,
  ctx: FinanceWrite,
  input: SetCreditLimitInput,
  unknownCustomer: UserError[],
): Promise<Customer> {
  failOn(unknownCustomer);
  const check = new FieldCheck();
  const limit = input.limit ? check.money('limit', input.limit, { currency: ctx.settings.currency }) : null;
  check.done();
  await upsertAccount(tx, ctx.tenantId, input.customerId, { creditLimit: limit ?? null });
  return { id: input.customerId };
}

export async function setPaymentTerms(
  tx: Queryable,
  ctx: FinanceWrite,
  input: SetPaymentTermsInput,
  unknownCustomer: UserError[],
): Promise<Customer> {
  failOn(unknownCustomer);
  if (!Number.isInteger(input.days) || input.days < 0 || input.days > 365)
    refuse(Code.OUT_OF_RANGE, ['input', 'days'], 'Payment terms are 0 to 365 days');
  await upsertAccount(tx, ctx.tenantId, input.customerId, { paymentTermsDays: input.days });
  return { id: input.customerId };
}

export async function setTaxRate(tx: Queryable, ctx: FinanceWrite, input: SetTaxRateInput): Promise<TenantRow> {
  const check = new FieldCheck();
  const taxRate = check.percent('taxRate', input.taxRate);
  check.done();
  return saveTaxRate(tx, ctx.tenantId, taxRate!);
}
