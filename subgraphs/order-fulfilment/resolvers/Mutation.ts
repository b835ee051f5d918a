import { catalogueMutations } from '../mutations/catalogue.js';
import { orderMutations } from '../mutations/orders.js';
import { replenishmentMutations } from '../mutations/replenishment.js';
import { shipmentMutations } from '../mutations/shipments.js';

export const Mutation = { ...catalogueMutations, ...orderMutations, ...shipmentMutations, ...replenishmentMutations };
