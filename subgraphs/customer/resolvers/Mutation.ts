import { inTransaction } from '../../../lib/transaction.js';
import { addContact, removeContact, updateContact } from '../contacts.js';
import { defineCustomField } from '../custom-fields.js';
import { archiveCustomer, createCustomer, retag, updateCustomerFields } from '../customers.js';
import type { MutationResolvers } from '../generated/resolvers.js';
import { logInteraction } from '../interactions.js';
import { openTicket, recordSatisfaction, resolveTicket, updateTicket } from '../service-tickets.js';

/** Each mutation: its domain operation in one transaction, then the payload from what it returned. */
export const Mutation: MutationResolvers = {
  createCustomer: async (_, { input }, ctx) => {
    const { value: customer, userErrors } = await inTransaction(ctx, (tx, write) => createCustomer(tx, write, input));
    return { customer, userErrors };
  },
  updateCustomer: async (_, { input }, ctx) => {
    const { value: customer, userErrors } = await inTransaction(ctx, (tx, write) =>
      updateCustomerFields(tx, write, input),
    );
    return { customer, userErrors };
  },
  archiveCustomer: async (_, { input }, ctx) => {
    const { value: customer, userErrors } = await inTransaction(ctx, (tx, write) => archiveCustomer(tx, write, input));
    return { customer, userErrors };
  },
  tagCustomers: async (_, { input }, ctx) => {
    const { value: customers, userErrors } = await inTransaction(ctx, (tx, write) => retag(tx, write, input, 'add'));
    return { customers: customers ?? [], userErrors };
  },
  untagCustomers: async (_, { input }, ctx) => {
    const { value: customers, userErrors } = await inTransaction(ctx, (tx, write) => retag(tx, write, input, 'remove'));
    return { customers: customers ?? [], userErrors };
  },
  addContact: async (_, { input }, ctx) => {
    const { value: contact, userErrors } = await inTransaction(ctx, (tx, write) => addContact(tx, write, input));
    return { contact, userErrors };
  },
  updateContact: async (_, { input }, ctx) => {
    const { value: contact, userErrors } = await inTransaction(ctx, (tx, write) => updateContact(tx, write, input));
    return { contact, userErrors };
  },
  removeContact: async (_, { input }, ctx) => {
    const { value: removedContactId, userErrors } = await inTransaction(ctx, (tx, write) =>
      removeContact(tx, write, input),
    );
    return { removedContactId, userErrors };
  },
  logInteraction: async (_, { input }, ctx) => {
    const { value: interaction, userErrors } = await inTransaction(ctx, (tx, write) =>
      logInteraction(tx, write, input),
    );
    return { interaction, userErrors };
  },
  openServiceTicket: async (_, { input }, ctx) => {
    const { value: serviceTicket, userErrors } = await inTransaction(ctx, (tx, write) => openTicket(tx, write, input));
    return { serviceTicket, userErrors };
  },
  updateServiceTicket: async (_, { input }, ctx) => {
    const { value: serviceTicket, userErrors } = await inTransaction(ctx, (tx, write) =>
      updateTicket(tx, write, input),
    );
    return { serviceTicket, userErrors };
  },
  resolveServiceTicket: async (_, { input }, ctx) => {
    const { value: serviceTicket, userErrors } = await inTransaction(ctx, (tx, write) =>
      resolveTicket(tx, write, input),
    );
    return { serviceTicket, userErrors };
  },
  recordSatisfaction: async (_, { input }, ctx) => {
    const { value: serviceTicket, userErrors } = await inTransaction(ctx, (tx, write) =>
      recordSatisfaction(tx, write, input),
    );
    return { serviceTicket, userErrors };
  },
  defineCustomField: async (_, { input }, ctx) => {
    const { value: definition, userErrors } = await inTransaction(ctx, (tx, write) =>
      defineCustomField(tx, write, input),
    );
    return { definition, userErrors };
  },
};
