import { FieldCheck } from '../../lib/check.js';
import type { Queryable } from '../../lib/db.js';
import { failOn, notFound } from '../../lib/errors.js';
import { isUuid, uuidv7 } from '../../lib/ids.js';
import type { CustomerWrite } from './context.js';
import { customerForUpdate } from './customers.js';
import * as activity from './db/activity-queries.js';
import type { LogInteractionInput } from './generated/resolvers.js';

/** Records a call, e-mail, meeting or note with a customer (and, optionally, one of its contacts), authored by the caller. */
export async function logInteraction(tx: Queryable, ctx: CustomerWrite, input: LogInteractionInput) {
  const customer = await customerForUpdate(tx, ctx, input.customerId, ['input', 'customerId']);
  const check = new FieldCheck();
  const summary = check.text('summary', input.summary, { max: 10000, required: true });
  check.done();
  if (input.contactId) {
    const [contact] = isUuid(input.contactId) ? await activity.contactsByIds(tx, ctx.tenantId, [input.contactId]) : [];
    if (!contact || contact.customerId !== customer.id)
      failOn([notFound('Contact of this customer', ['input', 'contactId'])]);
  }
  return activity.insertInteraction(tx, {
    tenantId: ctx.tenantId,
    id: uuidv7(),
    customerId: customer.id,
    kind: input.kind,
    occurredAt: input.occurredAt ?? new Date(),
    summary: summary!,
    authorId: ctx.userId,
    contactId: input.contactId ?? null,
  });
}
