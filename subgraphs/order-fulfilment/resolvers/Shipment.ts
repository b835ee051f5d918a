import { documentNumber } from '../../../lib/numbers.js';
import type { ShipmentResolvers } from '../generated/resolvers.js';

export const Shipment: ShipmentResolvers = {
  number: (s) => documentNumber('SH', s.number),
  order: async (s, _, ctx) => (await ctx.loaders.order.load(s.orderId))!,
  warehouse: async (s, _, ctx) => (await ctx.loaders.warehouse.load(s.warehouseId))!,
  lines: (s, _, ctx) => ctx.loaders.linesOfShipment.load(s.id),
};
