import { inTransaction, payload } from '../../../lib/transaction.js';
import { addContact, removeContact, updateContact } from '../contacts.js';
import { defineCustomField } from '../custom-fields.js';
import { archiveCustomer, createCustomer, retag, updateCustomerFields } from '../customers.js';
import type { MutationResolvers } from '../generated/resolvers.js';
import { logInteraction } from '../interactions.js';
import { openTicket, recordSatisfaction, resolveTicket, updateTicket } from '../service-tickets.js';

/** Each mutation: its domain operation in one transaction, then the payload from what it returned. */
export const Mutation: MutationResolvers = {
  createCustomer: async (_, { input }, ctx) =>
    payload('customer', await inTransaction(ctx, (tx, write) => createCustomer(tx, write, input))),
  updateCustomer: async (_, { input }, ctx) =>
    payload('customer', await inTransaction(ctx, (tx, write) => updateCustomerFields(tx, write, input))),
  archiveCustomer: async (_, { input }, ctx) =>
    payload('customer', await inTransaction(ctx, (tx, write) => archiveCustomer(tx, write, input))),
  tagCustomers: async (_, { input }, ctx) => {
    const { value: customers, userErrors } = await inTransaction(ctx, (tx, write) => retag(tx, write, input, 'add'));
    return { customers: customers ?? [], userErrors };
  },
  untagCustomers: async (_, { input }, ctx) => {
    const { value: customers, userErrors } = await inTransaction(ctx, (tx, write) => retag(tx, write, input, 'remove'));
    return { customers: customers ?? [], userErrors };
  },
  addContact: async (_, { input }, ctx) =>
    payload('contact', await inTransaction(ctx, (tx, write) => addContact(tx, write, input))),
  updateContact: async (_, { input }, ctx) =>
    payload('contact', await inTransaction(ctx, (tx, write) => updateContact(tx, write, input))),
  removeContact: async (_, { input }, ctx) =>
    payload('removedContactId', await inTransaction(ctx, (tx, write) => removeContact(tx, write, input))),
  logInteraction: async (_, { input }, ctx) =>
    payload('interaction', await inTransaction(ctx, (tx, write) => logInteraction(tx, write, input))),
  openServiceTicket: async (_, { input }, ctx) =>
    payload('serviceTicket', await inTransaction(ctx, (tx, write) => openTicket(tx, write, input))),
  updateServiceTicket: async (_, { input }, ctx) =>
    payload('serviceTicket', await inTransaction(ctx, (tx, write) => updateTicket(tx, write, input))),
  resolveServiceTicket: async (_, { input }, ctx) =>
    payload('serviceTicket', await inTransaction(ctx, (tx, write) => resolveTicket(tx, write, input))),
  recordSatisfaction: async (_, { input }, ctx) =>
    payload('serviceTicket', await inTransaction(ctx, (tx, write) => recordSatisfaction(tx, write, input))),
  defineCustomField: async (_, { input }, ctx) =>
    payload('definition', await inTransaction(ctx, (tx, write) => defineCustomField(tx, write, input))),
};
