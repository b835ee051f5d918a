import { customerDirectoryAt } from '../../lib/clients/customer-directory.js';
import { financeCreditAt } from '../../lib/clients/finance-credit.js';
import type { Peers } from '../../lib/peers.js';
import type { Database } from '../../lib/db.js';
import { createSubgraph } from '../../lib/subgraph.js';
import { provisionTenant } from './db/queries.js';
import { createLoaders } from './loaders.js';
import { consumes, outbox } from './events.js';
import { Mutation } from './resolvers/Mutation.js';
import { Product, ReplenishmentRequest, StockLevel, StockMovement } from './resolvers/Product.js';
import { Query } from './resolvers/Query.js';
import { Customer, Opportunity, SalesOrder, SalesOrderLine, Shipment, ShipmentLine } from './resolvers/SalesOrder.js';

/**
 * The order-fulfilment subgraph (ERP operations): products, warehouses, the stock ledger, sales
 * orders and their allocation, shipments, replenishment. It checks customer ids with the customer
 * subgraph and credit with the finance subgraph, over signed internal calls.
 */
export function buildFulfilmentSubgraph(database: Database, peers: Peers) {
  return createSubgraph({
    name: 'order-fulfilment',
    resolvers: {
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
    },
    database,
    createLoaders,
    provisionTenant,
    outbox,
    consumes,
    services: {
      customers: customerDirectoryAt({ customerUrl: peers.url('customer'), signingSecret: peers.signingSecret }),
      credit: financeCreditAt({ financeUrl: peers.url('finance'), signingSecret: peers.signingSecret }),
    },
  });
}
