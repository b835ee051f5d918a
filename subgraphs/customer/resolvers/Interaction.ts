import type { InteractionResolvers } from '../generated/resolvers.js';

export const Interaction: InteractionResolvers = {
  contact: (i, _, ctx) => (i.contactId ? ctx.loaders.contact.load(i.contactId) : null),
};
