import { missingCustomer } from '../../../lib/clients/customer-directory.js';
import { inTransaction, payload } from '../../../lib/transaction.js';
import { setCreditLimit, setPaymentTerms, setTaxRate } from '../accounts.js';
import { reservationOf, reserveCredit } from '../credit.js';
import type { MutationResolvers } from '../generated/resolvers.js';
import { createInvoice, issueInvoice, voidInvoice } from '../invoices.js';
import { allocatePayment, recordPayment } from '../payments.js';

/**
 * Each mutation: its domain operation in one transaction, then the payload from what it returned.
 * Customer ids are checked with the customer subgraph first: no transaction waits on another service.
 */
export const Mutation: MutationResolvers = {
  createInvoice: async (_, { input }, ctx) => {
    const unknown = await missingCustomer(ctx.customers, ctx, input.customerId, ['input', 'customerId']);
    const { value: invoice, userErrors } = await inTransaction(ctx, (tx, write) =>
      createInvoice(tx, write, input, unknown),
    );
    return { invoice, userErrors };
  },
  issueInvoice: async (_, { input }, ctx) =>
    payload('invoice', await inTransaction(ctx, (tx, write) => issueInvoice(tx, write, input))),
  voidInvoice: async (_, { input }, ctx) =>
    payload('invoice', await inTransaction(ctx, (tx, write) => voidInvoice(tx, write, input))),
  recordPayment: async (_, { input }, ctx) => {
    const unknown = await missingCustomer(ctx.customers, ctx, input.customerId, ['input', 'customerId']);
    const { value: payment, userErrors } = await inTransaction(ctx, (tx, write) =>
      recordPayment(tx, write, input, unknown),
    );
    return { payment, userErrors };
  },
  allocatePayment: async (_, { input }, ctx) =>
    payload('payment', await inTransaction(ctx, (tx, write) => allocatePayment(tx, write, input))),
  setCreditLimit: async (_, { input }, ctx) => {
    const unknown = await missingCustomer(ctx.customers, ctx, input.customerId, ['input', 'customerId']);
    const { value: customer, userErrors } = await inTransaction(ctx, (tx, write) =>
      setCreditLimit(tx, write, input, unknown),
    );
    return { customer, userErrors };
  },
  setPaymentTerms: async (_, { input }, ctx) => {
    const unknown = await missingCustomer(ctx.customers, ctx, input.customerId, ['input', 'customerId']);
    const { value: customer, userErrors } = await inTransaction(ctx, (tx, write) =>
      setPaymentTerms(tx, write, input, unknown),
    );
    return { customer, userErrors };
  },
  setTaxRate: async (_, { input }, ctx) =>
    payload('settings', await inTransaction(ctx, (tx, write) => setTaxRate(tx, write, input))),

  /**
   * Internal (order-fulfilment's signed call while it confirms an order): faults, not user errors,
   * as the caller is a service. Its input is checked (and its customer asked for) before the
   * transaction; the transaction has no user errors, inTransaction is there for deadlock retries.
   */
  reserveCredit: async (_, { input }, ctx) => {
    const request = await reservationOf(ctx, input);
    const { value: reservation } = await inTransaction(ctx, (tx, write) => reserveCredit(tx, write, request));
    if (!reservation) throw new Error('reserveCredit has no user errors');
    return reservation;
  },
};
