import type { Queryable } from '../../lib/db.js';
import type { CustomerWrite } from './context.js';
import type { CustomerRow, ServiceTicketRow } from './db/schema.js';

/** The events the customer subgraph publishes, each in the transaction of the change it reports. */
type Publisher = Pick<CustomerWrite, 'tenantId' | 'outbox'>;

export const publishTicketResolved = (tx: Queryable, ctx: Publisher, ticket: ServiceTicketRow) =>
  ctx.outbox.publish(tx, ctx.tenantId, 'serviceTicket.resolved', {
    ticketId: ticket.id,
    customerId: ticket.customerId,
    resolvedAt: ticket.resolvedAt!.toISOString(),
  });

const customerFacts = (customer: CustomerRow) => ({
  customerId: customer.id,
  name: customer.name,
  kind: customer.kind,
  ownerId: customer.ownerId,
  archived: customer.archivedAt !== null,
  createdAt: customer.createdAt.toISOString(),
  updatedAt: customer.updatedAt.toISOString(),
});

export const publishCustomerCreated = (tx: Queryable, ctx: Publisher, customer: CustomerRow) =>
  ctx.outbox.publish(tx, ctx.tenantId, 'customer.created', customerFacts(customer));

/** customer.updated for each customer a change touched, as it is after the change. */
export const publishCustomersUpdated = (tx: Queryable, ctx: Publisher, customers: CustomerRow[]) =>
  ctx.outbox.publishMany(tx, ctx.tenantId, 'customer.updated', customers.map(customerFacts));
