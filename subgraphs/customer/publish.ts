import type { Queryable } from '../../lib/db.js';
import type { CustomerWrite } from './context.js';
import type { ServiceTicketRow } from './db/schema.js';

/** The events the customer subgraph publishes, each in the transaction of the change it reports. */
type Publisher = Pick<CustomerWrite, 'tenantId' | 'outbox'>;

export const publishTicketResolved = (tx: Queryable, ctx: Publisher, ticket: ServiceTicketRow) =>
  ctx.outbox.publish(tx, ctx.tenantId, 'serviceTicket.resolved', {
    ticketId: ticket.id,
    customerId: ticket.customerId,
    resolvedAt: ticket.resolvedAt!.toISOString(),
  });
