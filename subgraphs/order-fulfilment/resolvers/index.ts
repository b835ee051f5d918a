import type { Resolvers } from '../generated/resolvers.js';
import { Customer } from './Customer.js';
import { Mutation } from './Mutation.js';
import { Opportunity } from './Opportunity.js';
import { Product } from './Product.js';
import { Query } from './Query.js';
import { ReplenishmentRequest } from './ReplenishmentRequest.js';
import { SalesOrder } from './SalesOrder.js';
import { SalesOrderLine } from './SalesOrderLine.js';
import { Shipment } from './Shipment.js';
import { ShipmentLine } from './ShipmentLine.js';
import { StockLevel } from './StockLevel.js';
import { StockMovement } from './StockMovement.js';

/** The order-fulfilment subgraph's resolver map: one file per GraphQL type. */
export const resolvers: Resolvers = {
  Query,
  Mutation,
  Product,
  StockLevel,
  StockMovement,
  ReplenishmentRequest,
  SalesOrder,
  SalesOrderLine,
  Shipment,
  ShipmentLine,
  Customer,
  Opportunity,
};
