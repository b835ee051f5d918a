import { customFieldValues, type StoredValue } from '../../../lib/custom-fields.js';
import { pageWindow, timeKey, toConnection, type PageArgs } from '../../../lib/pagination.js';
import type { CustomerContext } from '../context.js';
import type { CustomerRow } from '../db/schema.js';
import { insightFields } from './insights.js';

export const Customer = {
  __resolveReference: (ref: { id: string }, ctx: CustomerContext) => ctx.loaders.customer.load(ref.id),

  address: (c: CustomerRow) => {
    const address = {
      line1: c.addressLine1,
      line2: c.addressLine2,
      city: c.city,
      region: c.region,
      postalCode: c.postalCode,
      country: c.country,
    };
    return Object.values(address).some((v) => v !== null) ? address : null;
  },

  customFields: async (c: CustomerRow, _: unknown, ctx: CustomerContext) =>
    customFieldValues(
      await ctx.loaders.customFieldDefinitions.load('CUSTOMER'),
      c.customFields as Record<string, StoredValue>,
    ),

  contacts: (c: CustomerRow, _: unknown, ctx: CustomerContext) => ctx.loaders.contactsOfCustomer.load(c.id),

  interactions: async (c: CustomerRow, args: PageArgs, ctx: CustomerContext) => {
    const window = pageWindow({ first: args.first, after: args.after });
    const rows = await ctx.loaders.interactionsOfCustomer(window).load(c.id);
    return toConnection(
      rows,
      window,
      (r) => ({ value: timeKey(r.occurredAt), id: r.id }),
      () => ctx.loaders.interactionCount.load(c.id),
    );
  },

  serviceTickets: async (c: CustomerRow, args: PageArgs & { status?: string | null }, ctx: CustomerContext) => {
    const window = pageWindow({ first: args.first, after: args.after });
    const status = args.status ?? null;
    const rows = await ctx.loaders.ticketsOfCustomer({ status, window }).load(c.id);
    return toConnection(
      rows,
      window,
      (r) => ({ value: timeKey(r.openedAt), id: r.id }),
      () => ctx.loaders.ticketCount(status).load(c.id),
    );
  },

  satisfaction: (c: CustomerRow, _: unknown, ctx: CustomerContext) => ctx.loaders.satisfaction.load(c.id),

  ...insightFields,
};
