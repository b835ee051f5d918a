/**
 * What each GraphQL type's resolvers receive as their parent, where it is not the generated shape:
 * rows as the database returns them, views of rows, connections of rows, and the entities other
 * subgraphs own (just their id). `npm run codegen` maps every type exported here (by name) in
 * generated/resolvers.ts.
 */
import type { Connection } from '../../lib/pagination.js';
import type {
  MovementRow,
  OrderLineRow,
  OrderRow,
  ProductRow,
  ReplenishmentRow,
  ShipmentLineRow,
  ShipmentRow,
  StockLevelRow,
  WarehouseRow,
} from './db/schema.js';

/** Entities of the customer and sales-pipeline subgraphs that order-fulfilment adds fields to. */
export type Customer = { id: string };
export type Opportunity = { id: string };

export type Product = ProductRow;
export type ProductConnection = Connection<ProductRow>;
export type Warehouse = WarehouseRow;
export type StockLevel = StockLevelRow;
export type StockMovement = MovementRow;
export type StockMovementConnection = Connection<MovementRow>;

export type SalesOrder = OrderRow;
export type SalesOrderConnection = Connection<OrderRow>;
/** An order line seen through its order: amounts in the order's currency, backorders only while it waits for stock. */
export type SalesOrderLine = OrderLineRow & { currency: string; backorderable: boolean };

export type Shipment = ShipmentRow;
export type ShipmentLine = ShipmentLineRow;

export type ReplenishmentRequest = ReplenishmentRow;
export type ReplenishmentConnection = Connection<ReplenishmentRow>;
