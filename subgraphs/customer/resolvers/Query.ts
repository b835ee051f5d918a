import { badInput } from '../../../lib/errors.js';
import { orderedConnection } from '../../../lib/list-connection.js';
import { timeKey } from '../../../lib/pagination.js';
import { countCustomers, customerOrders, listCustomers } from '../db/queries.js';
import type { CustomerRow } from '../db/schema.js';
import type { QueryResolvers } from '../generated/resolvers.js';

const customerCursor: Record<keyof typeof customerOrders, (row: CustomerRow) => string> = {
  NAME: (c) => c.name,
  CREATED_AT: (c) => timeKey(c.createdAt),
  UPDATED_AT: (c) => timeKey(c.updatedAt),
};

export const Query: QueryResolvers = {
  tenant: (_, __, ctx) => ctx.loaders.tenant(),

  customer: (_, args, ctx) => ctx.loaders.customer.load(args.id),

  customers: (_, args, ctx) => {
    const below = args.filter?.healthBelow;
    if (below != null && !(Number.isInteger(below) && below >= 0 && below <= 100)) {
      throw badInput('"filter.healthBelow" must be between 0 and 100', 'filter');
    }
    return orderedConnection(args, ctx, {
      orders: customerOrders,
      fallback: 'NAME',
      cursor: customerCursor,
      list: listCustomers,
      count: countCustomers,
      loader: ctx.loaders.customer,
      sync: { field: 'UPDATED_AT', updatedAt: (c) => c.updatedAt },
    });
  },

  customFieldDefinitions: (_, args, ctx) => ctx.loaders.customFieldDefinitions.load(args.entity),
};
