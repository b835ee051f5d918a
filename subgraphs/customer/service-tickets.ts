import type { Queryable } from '../../lib/db.js';
import { failOn } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { findOrFail } from '../../lib/transaction.js';
import type { CustomerWrite } from './context.js';
import { customerForUpdate } from './customers.js';
import * as activity from './db/activity-queries.js';
import { Code, refuse } from './errors.js';
import type {
  OpenServiceTicketInput,
  RecordSatisfactionInput,
  ResolveServiceTicketInput,
  UpdateServiceTicketInput,
} from './generated/resolvers.js';
import { publishTicketResolved } from './publish.js';
import { canMoveTicket, isValidSatisfactionScore, ticketValues, type TicketStatus } from './rules.js';

const ticketForUpdate = (tx: Queryable, ctx: CustomerWrite, id: string, field: string[]) =>
  findOrFail(id, (id) => activity.lockTicket(tx, ctx.tenantId, id), 'Service ticket', field);

export async function openTicket(tx: Queryable, ctx: CustomerWrite, input: OpenServiceTicketInput) {
  const customer = await customerForUpdate(tx, ctx, input.customerId, ['input', 'customerId']);
  const { values, errors } = ticketValues(input, true);
  failOn(errors);
  return activity.insertTicket(tx, {
    priority: 'NORMAL',
    ...values,
    subject: values.subject as string,
    tenantId: ctx.tenantId,
    id: uuidv7(),
    customerId: customer.id,
    status: 'OPEN',
    openedAt: new Date(),
  });
}

export async function updateTicket(tx: Queryable, ctx: CustomerWrite, input: UpdateServiceTicketInput) {
  const current = await ticketForUpdate(tx, ctx, input.id, ['input', 'id']);
  const from = current.status as TicketStatus;
  if (from === 'CLOSED') refuse(Code.TICKET_CLOSED, ['input', 'id'], 'A closed ticket cannot be changed');
  const to = input.status ?? from;
  if (!canMoveTicket(from, to)) {
    refuse(
      Code.INVALID_STATUS_TRANSITION,
      ['input', 'status'],
      `Cannot move a ticket from ${from} to ${to}; use resolveServiceTicket to resolve`,
    );
  }
  const { id: _id, status: _status, ...fields } = input;
  const { values, errors } = ticketValues(fields, false);
  failOn(errors);
  // Reopening a resolved ticket forgets its resolution and the rating that followed it.
  const reopening = from === 'RESOLVED' && (to === 'OPEN' || to === 'IN_PROGRESS');
  const patch = {
    ...values,
    status: to,
    ...(reopening ? { resolvedAt: null, satisfactionScore: null, satisfactionAt: null } : {}),
  };
  return activity.updateTicket(tx, ctx.tenantId, current.id, patch);
}

export async function resolveTicket(tx: Queryable, ctx: CustomerWrite, input: ResolveServiceTicketInput) {
  const current = await ticketForUpdate(tx, ctx, input.id, ['input', 'id']);
  if (current.status !== 'OPEN' && current.status !== 'IN_PROGRESS') {
    refuse(Code.TICKET_NOT_OPEN, ['input', 'id'], `The ticket is ${current.status}, only open tickets can be resolved`);
  }
  const resolved = await activity.updateTicket(tx, ctx.tenantId, current.id, {
    status: 'RESOLVED',
    resolvedAt: new Date(),
  });
  await publishTicketResolved(tx, ctx, resolved);
  return resolved;
}

/** A later rating of the same ticket replaces the earlier one. */
export async function recordSatisfaction(tx: Queryable, ctx: CustomerWrite, input: RecordSatisfactionInput) {
  const current = await ticketForUpdate(tx, ctx, input.ticketId, ['input', 'ticketId']);
  if (!isValidSatisfactionScore(input.score))
    refuse(Code.INVALID_SCORE, ['input', 'score'], 'Score must be an integer from 1 to 5');
  if (!current.resolvedAt) {
    refuse(Code.TICKET_NOT_RESOLVED, ['input', 'ticketId'], 'Satisfaction is recorded after the ticket is resolved');
  }
  return activity.updateTicket(tx, ctx.tenantId, current.id, {
    satisfactionScore: input.score,
    satisfactionAt: new Date(),
  });
}
