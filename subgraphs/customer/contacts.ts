import type { Queryable } from '../../lib/db.js';
import { failOn, notFound } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { findOrFail } from '../../lib/transaction.js';
import type { CustomerWrite } from './context.js';
import { customerForUpdate } from './customers.js';
import * as activity from './db/activity-queries.js';
import type { AddContactInput, RemoveContactInput, UpdateContactInput } from './generated/resolvers.js';
import { contactValues } from './rules.js';

/** Finds a contact and locks its customer: contact writes of one customer are serialised. */
async function contactForUpdate(tx: Queryable, ctx: CustomerWrite, id: string) {
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

export async function addContact(tx: Queryable, ctx: CustomerWrite, input: AddContactInput) {
  const customer = await customerForUpdate(tx, ctx, input.customerId, ['input', 'customerId']);
  const { values, errors } = contactValues(input, true);
  failOn(errors);
  if (input.isPrimary) await activity.clearPrimaryContact(tx, ctx.tenantId, customer.id);
  return activity.insertContact(tx, {
    decisionRole: 'OTHER',
    ...values,
    name: values.name as string,
    tenantId: ctx.tenantId,
    id: uuidv7(),
    customerId: customer.id,
    createdAt: new Date(),
  });
}

export async function updateContact(tx: Queryable, ctx: CustomerWrite, input: UpdateContactInput) {
  const current = await contactForUpdate(tx, ctx, input.id);
  const { id: _id, ...fields } = input;
  const { values, errors } = contactValues(fields, false);
  failOn(errors);
  if (input.isPrimary && !current.isPrimary) await activity.clearPrimaryContact(tx, ctx.tenantId, current.customerId);
  return Object.keys(values).length ? activity.updateContact(tx, ctx.tenantId, current.id, values) : current;
}

/** Interactions that named the contact keep their history but no longer point at it; returns its id. */
export async function removeContact(tx: Queryable, ctx: CustomerWrite, input: RemoveContactInput) {
  const current = await contactForUpdate(tx, ctx, input.id);
  await activity.detachContactFromInteractions(tx, ctx.tenantId, current.id);
  await activity.deleteContact(tx, ctx.tenantId, current.id);
  return current.id;
}
