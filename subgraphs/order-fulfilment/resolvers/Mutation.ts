import { missingCustomer } from '../../../lib/clients/customer-directory.js';
import { inTransaction, payload } from '../../../lib/transaction.js';
import { createProduct, createWarehouse, updateProductFields } from '../catalogue.js';
import type { MutationResolvers } from '../generated/resolvers.js';
import { confirmOrder, reserveCreditFor } from '../order-confirmation.js';
import { cancelOrder, createOrder, setOrderPriority, updateDraft } from '../orders.js';
import { cancelRequest, completeRequest, createRequest } from '../replenishment.js';
import { createShipment, markDelivered, markShipped } from '../shipments.js';
import { adjustStock, receiveStock } from '../stock-changes.js';

/**
 * Each mutation: its domain operation in one transaction, then the payload from what it returned.
 * Calls to other services (the customer directory, finance's credit) are made before the
 * transaction opens: no transaction waits on another service.
 */
export const Mutation: MutationResolvers = {
  createProduct: async (_, { input }, ctx) =>
    payload('product', await inTransaction(ctx, (tx, write) => createProduct(tx, write, input))),
  updateProduct: async (_, { input }, ctx) =>
    payload('product', await inTransaction(ctx, (tx, write) => updateProductFields(tx, write, input))),
  createWarehouse: async (_, { input }, ctx) =>
    payload('warehouse', await inTransaction(ctx, (tx, write) => createWarehouse(tx, write, input))),
  receiveStock: async (_, { input }, ctx) => {
    const { value, userErrors } = await inTransaction(ctx, (tx, write) => receiveStock(tx, write, input));
    return { product: value?.product ?? null, movement: value?.movement ?? null, userErrors };
  },
  adjustStock: async (_, { input }, ctx) => {
    const { value, userErrors } = await inTransaction(ctx, (tx, write) => adjustStock(tx, write, input));
    return { product: value?.product ?? null, movement: value?.movement ?? null, userErrors };
  },

  createSalesOrder: async (_, { input }, ctx) => {
    const customerErrors = await missingCustomer(ctx.customers, ctx, input.customerId, ['input', 'customerId']);
    const { value: order, userErrors } = await inTransaction(ctx, (tx, write) =>
      createOrder(tx, write, input, customerErrors),
    );
    return { order, userErrors };
  },
  updateSalesOrder: async (_, { input }, ctx) =>
    payload('order', await inTransaction(ctx, (tx, write) => updateDraft(tx, write, input))),
  confirmSalesOrder: async (_, { input }, ctx) => {
    const credit = await reserveCreditFor(ctx, input);
    const { value: order, userErrors } = await inTransaction(ctx, (tx, write) =>
      confirmOrder(tx, write, input, credit),
    );
    return { order, userErrors };
  },
  cancelSalesOrder: async (_, { input }, ctx) =>
    payload('order', await inTransaction(ctx, (tx, write) => cancelOrder(tx, write, input))),
  setSalesOrderPriority: async (_, { input }, ctx) =>
    payload('order', await inTransaction(ctx, (tx, write) => setOrderPriority(tx, write, input))),

  createShipment: async (_, { input }, ctx) =>
    payload('shipment', await inTransaction(ctx, (tx, write) => createShipment(tx, write, input))),
  markShipmentShipped: async (_, { input }, ctx) =>
    payload('shipment', await inTransaction(ctx, (tx, write) => markShipped(tx, write, input))),
  markShipmentDelivered: async (_, { input }, ctx) =>
    payload('shipment', await inTransaction(ctx, (tx, write) => markDelivered(tx, write, input))),

  createReplenishmentRequest: async (_, { input }, ctx) =>
    payload('request', await inTransaction(ctx, (tx, write) => createRequest(tx, write, input))),
  completeReplenishment: async (_, { input }, ctx) =>
    payload('request', await inTransaction(ctx, (tx, write) => completeRequest(tx, write, input))),
  cancelReplenishment: async (_, { input }, ctx) =>
    payload('request', await inTransaction(ctx, (tx, write) => cancelRequest(tx, write, input))),
};
