import { creditMutations } from '../mutations/credit.js';
import { invoiceMutations } from '../mutations/invoices.js';
import { paymentMutations } from '../mutations/payments.js';

export const Mutation = { ...invoiceMutations, ...paymentMutations, ...creditMutations };
