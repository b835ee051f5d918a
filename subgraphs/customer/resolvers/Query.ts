import { badInput } from '../../../lib/errors.js';
import { orderFrom, type OrderArg } from '../../../lib/keyset.js';
import { pageWindow, timeKey, toConnection, type PageArgs } from '../../../lib/pagination.js';
import type { CustomerContext } from '../context.js';
import { countCustomers, customerOrders, getTenant, listCustomers, type CustomerFilter } from '../db/queries.js';
import type { CustomerRow } from '../db/schema.js';

type OrderField = keyof typeof customerOrders;

const cursorValue = (row: CustomerRow, field: OrderField) =>
  field === 'NAME' ? row.name : timeKey(field === 'CREATED_AT' ? row.createdAt : row.updatedAt);

export const Query = {
  tenant: (_: unknown, __: unknown, ctx: CustomerContext) => getTenant(ctx.database.db, ctx.tenantId),

  customer: (_: unknown, args: { id: string }, ctx: CustomerContext) => ctx.loaders.customer.load(args.id),

  customers: async (
    _: unknown,
    args: PageArgs & { filter?: CustomerFilter | null; orderBy?: OrderArg<OrderField> },
    ctx: CustomerContext,
  ) => {
    const window = pageWindow(args);
    const { field, order } = orderFrom(customerOrders, args.orderBy, 'NAME');
    const filter = args.filter ?? {};
    const below = filter.healthBelow;
    if (below != null && !(Number.isInteger(below) && below >= 0 && below <= 100)) throw badInput('"filter.healthBelow" must be between 0 and 100', 'filter');
    const rows = await listCustomers(ctx.database.db, ctx.tenantId, filter, order, window);
    for (const row of rows) ctx.loaders.customer.prime(row.id, row);
    return toConnection(rows, window, (r) => ({ value: cursorValue(r, field), id: r.id }), () =>
      countCustomers(ctx.database.db, ctx.tenantId, filter),
    );
  },

  customFieldDefinitions: (_: unknown, args: { entity: string }, ctx: CustomerContext) => ctx.loaders.customFieldDefinitions.load(args.entity),
};
