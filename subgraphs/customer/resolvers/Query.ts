import { badInput } from '../../../lib/errors.js';
import type { OrderArg } from '../../../lib/keyset.js';
import { orderedConnection } from '../../../lib/list-connection.js';
import { timeKey, type PageArgs } from '../../../lib/pagination.js';
import type { CustomerContext } from '../context.js';
import { countCustomers, customerOrders, getTenant, listCustomers, type CustomerFilter } from '../db/queries.js';
import type { CustomerRow } from '../db/schema.js';

type OrderField = keyof typeof customerOrders;

const customerCursor: Record<OrderField, (row: CustomerRow) => string> = {
  NAME: (c) => c.name,
  CREATED_AT: (c) => timeKey(c.createdAt),
  UPDATED_AT: (c) => timeKey(c.updatedAt),
};

export const Query = {
  tenant: (_: unknown, __: unknown, ctx: CustomerContext) => getTenant(ctx.database.db, ctx.tenantId),

  customer: (_: unknown, args: { id: string }, ctx: CustomerContext) => ctx.loaders.customer.load(args.id),

  customers: async (
    _: unknown,
    args: PageArgs & { filter?: CustomerFilter | null; orderBy?: OrderArg<OrderField> },
    ctx: CustomerContext,
  ) => {
    const below = args.filter?.healthBelow;
    if (below != null && !(Number.isInteger(below) && below >= 0 && below <= 100))
      throw badInput('"filter.healthBelow" must be between 0 and 100', 'filter');
    return orderedConnection(args, ctx, {
      orders: customerOrders,
      fallback: 'NAME',
      cursor: customerCursor,
      list: listCustomers,
      count: countCustomers,
      loader: ctx.loaders.customer,
    });
  },

  customFieldDefinitions: (_: unknown, args: { entity: string }, ctx: CustomerContext) =>
    ctx.loaders.customFieldDefinitions.load(args.entity),
};
