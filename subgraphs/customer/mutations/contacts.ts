import { notFound } from '../../../lib/errors.js';
import { uuidv7 } from '../../../lib/ids.js';
import { failOn, findOrFail, inTransaction } from '../../../lib/mutation.js';
import type { Queryable } from '../../../lib/db.js';
import type { CustomerContext } from '../context.js';
import * as activity from '../db/activity-queries.js';
import { contactValues, type ContactFields } from '../rules.js';
import { customerForUpdate } from './customers.js';

/** Finds a contact and locks its customer: contact writes of one customer are serialised. */
async function contactForUpdate(tx: Queryable, ctx: CustomerContext, id: string) {
  const found = await findOrFail(
    id,
    async (id) => (await activity.contactsByIds(tx, ctx.tenantId, [id]))[0],
    'Contact',
    ['input', 'id'],
  );
  await customerForUpdate(tx, ctx, found.customerId, ['input', 'id'], { allowArchived: true });
  // Read again under the customer's lock: a concurrent writer may have changed it (isPrimary, or removed it).
  const [contact] = await activity.contactsByIds(tx, ctx.tenantId, [id]);
  if (!contact) failOn([notFound('Contact', ['input', 'id'])]);
  return contact;
}

export const contactMutations = {
  addContact: (_: unknown, { input }: { input: ContactFields & { customerId: string } }, ctx: CustomerContext) =>
    inTransaction(ctx.database, async (tx) => {
      const customer = await customerForUpdate(tx, ctx, input.customerId, ['input', 'customerId']);
      const { values, errors } = contactValues(input, true);
      failOn(errors);
      if (input.isPrimary) await activity.clearPrimaryContact(tx, ctx.tenantId, customer.id);
      const contact = await activity.insertContact(tx, {
        decisionRole: 'OTHER',
        ...values,
        name: values.name as string,
        tenantId: ctx.tenantId,
        id: uuidv7(),
        customerId: customer.id,
        createdAt: new Date(),
      });
      return { contact };
    }),

  updateContact: (_: unknown, { input }: { input: ContactFields & { id: string } }, ctx: CustomerContext) =>
    inTransaction(ctx.database, async (tx) => {
      const current = await contactForUpdate(tx, ctx, input.id);
      const { id: _id, ...fields } = input;
      const { values, errors } = contactValues(fields, false);
      failOn(errors);
      if (input.isPrimary && !current.isPrimary)
        await activity.clearPrimaryContact(tx, ctx.tenantId, current.customerId);
      const contact = Object.keys(values).length
        ? await activity.updateContact(tx, ctx.tenantId, current.id, values)
        : current;
      return { contact };
    }),

  /** Interactions that named the contact keep their history but no longer point at it. */
  removeContact: (_: unknown, { input }: { input: { id: string } }, ctx: CustomerContext) =>
    inTransaction(ctx.database, async (tx) => {
      const current = await contactForUpdate(tx, ctx, input.id);
      await activity.detachContactFromInteractions(tx, ctx.tenantId, current.id);
      await activity.deleteContact(tx, ctx.tenantId, current.id);
      return { removedContactId: current.id };
    }),
};
