import type { FinanceSettingsResolvers } from '../generated/resolvers.js';

/** The tenant's settings row. */
export const FinanceSettings: FinanceSettingsResolvers = {
  taxRate: (t) => t.taxRate.replace(/\.?0+$/, ''),
  defaultPaymentTermsDays: (t) => t.paymentTermsDays,
};
