import { notFound, userError } from '../../../lib/errors.js';
import { isUuid, uuidv7 } from '../../../lib/ids.js';
import { failOn, findOrFail, inTransaction } from '../../../lib/mutation.js';
import { InputCheck } from '../../../lib/validate.js';
import type { Queryable } from '../../../lib/db.js';
import type { CustomerContext } from '../context.js';
import * as activity from '../db/activity-queries.js';
import {
  canMoveTicket,
  isValidSatisfactionScore,
  ticketValues,
  type TicketFields,
  type TicketStatus,
} from '../rules.js';
import { customerForUpdate } from './customers.js';

async function ticketForUpdate(tx: Queryable, ctx: CustomerContext, id: string, field: string[]) {
  const ticket = await findOrFail(id, (id) => activity.lockTicket(tx, ctx.tenantId, id), 'Service ticket', field);
  return ticket;
}

export const activityMutations = {
  logInteraction: (
    _: unknown,
    {
      input,
    }: {
      input: { customerId: string; kind: string; occurredAt?: Date | null; summary: string; contactId?: string | null };
    },
    ctx: CustomerContext,
  ) =>
    inTransaction(ctx.database, async (tx) => {
      const customer = await customerForUpdate(tx, ctx, input.customerId, ['input', 'customerId']);
      const check = new InputCheck();
      const summary = check.text('summary', input.summary, { max: 10000, required: true });
      failOn(check.errors);
      if (input.contactId) {
        const [contact] = isUuid(input.contactId)
          ? await activity.contactsByIds(tx, ctx.tenantId, [input.contactId])
          : [];
        if (!contact || contact.customerId !== customer.id)
          failOn([notFound('Contact of this customer', ['input', 'contactId'])]);
      }
      const interaction = await activity.insertInteraction(tx, {
        tenantId: ctx.tenantId,
        id: uuidv7(),
        customerId: customer.id,
        kind: input.kind,
        occurredAt: input.occurredAt ?? new Date(),
        summary: summary!,
        authorId: ctx.userId,
        contactId: input.contactId ?? null,
      });
      return { interaction };
    }),

  openServiceTicket: (_: unknown, { input }: { input: TicketFields & { customerId: string } }, ctx: CustomerContext) =>
    inTransaction(ctx.database, async (tx) => {
      const customer = await customerForUpdate(tx, ctx, input.customerId, ['input', 'customerId']);
      const { values, errors } = ticketValues(input, true);
      failOn(errors);
      const serviceTicket = await activity.insertTicket(tx, {
        priority: 'NORMAL',
        ...values,
        subject: values.subject as string,
        tenantId: ctx.tenantId,
        id: uuidv7(),
        customerId: customer.id,
        status: 'OPEN',
        openedAt: new Date(),
      });
      return { serviceTicket };
    }),

  updateServiceTicket: (
    _: unknown,
    { input }: { input: TicketFields & { id: string; status?: TicketStatus | null } },
    ctx: CustomerContext,
  ) =>
    inTransaction(ctx.database, async (tx) => {
      const current = await ticketForUpdate(tx, ctx, input.id, ['input', 'id']);
      const from = current.status as TicketStatus;
      if (from === 'CLOSED') failOn([userError('TICKET_CLOSED', ['input', 'id'], 'A closed ticket cannot be changed')]);
      const to = input.status ?? from;
      if (!canMoveTicket(from, to)) {
        failOn([
          userError(
            'INVALID_STATUS_TRANSITION',
            ['input', 'status'],
            `Cannot move a ticket from ${from} to ${to}; use resolveServiceTicket to resolve`,
          ),
        ]);
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
      return { serviceTicket: await activity.updateTicket(tx, ctx.tenantId, current.id, patch) };
    }),

  resolveServiceTicket: (_: unknown, { input }: { input: { id: string } }, ctx: CustomerContext) =>
    inTransaction(ctx.database, async (tx) => {
      const current = await ticketForUpdate(tx, ctx, input.id, ['input', 'id']);
      if (current.status !== 'OPEN' && current.status !== 'IN_PROGRESS') {
        failOn([
          userError(
            'TICKET_NOT_OPEN',
            ['input', 'id'],
            `The ticket is ${current.status}, only open tickets can be resolved`,
          ),
        ]);
      }
      const resolved = await activity.updateTicket(tx, ctx.tenantId, current.id, {
        status: 'RESOLVED',
        resolvedAt: new Date(),
      });
      await ctx.outbox.publish(tx, ctx.tenantId, 'serviceTicket.resolved', {
        ticketId: resolved.id,
        customerId: resolved.customerId,
        resolvedAt: resolved.resolvedAt!.toISOString(),
      });
      return { serviceTicket: resolved };
    }),

  /** A later rating of the same ticket replaces the earlier one. */
  recordSatisfaction: (_: unknown, { input }: { input: { ticketId: string; score: number } }, ctx: CustomerContext) =>
    inTransaction(ctx.database, async (tx) => {
      const current = await ticketForUpdate(tx, ctx, input.ticketId, ['input', 'ticketId']);
      if (!isValidSatisfactionScore(input.score))
        failOn([userError('INVALID_SCORE', ['input', 'score'], 'Score must be an integer from 1 to 5')]);
      if (!current.resolvedAt)
        failOn([
          userError(
            'TICKET_NOT_RESOLVED',
            ['input', 'ticketId'],
            'Satisfaction is recorded after the ticket is resolved',
          ),
        ]);
      const serviceTicket = await activity.updateTicket(tx, ctx.tenantId, current.id, {
        satisfactionScore: input.score,
        satisfactionAt: new Date(),
      });
      return { serviceTicket };
    }),
};
