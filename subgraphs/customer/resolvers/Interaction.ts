import type { CustomerContext } from '../context.js';
import type { InteractionRow } from '../db/schema.js';

export const Interaction = {
  contact: (i: InteractionRow, _: unknown, ctx: CustomerContext) =>
    i.contactId ? ctx.loaders.contact.load(i.contactId) : null,
};
