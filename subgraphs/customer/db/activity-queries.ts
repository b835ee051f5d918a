import { and, count, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Queryable } from '../../../lib/db.js';
import { anyOf } from '../../../lib/sql.js';
import type { ChildList } from '../../../lib/list-connection.js';
import { timeKey } from '../../../lib/pagination.js';
import {
  contacts,
  interactions,
  serviceTickets,
  type ContactRow,
  type InteractionRow,
  type ServiceTicketRow,
} from './schema.js';

// ---- contacts

export async function contactsByCustomerIds(
  db: Queryable,
  tenantId: string,
  customerIds: readonly string[],
): Promise<ContactRow[]> {
  return db
    .select()
    .from(contacts)
    .where(and(eq(contacts.tenantId, tenantId), anyOf(contacts.customerId, customerIds)))
    .orderBy(desc(contacts.isPrimary), contacts.name, contacts.id);
}

export async function contactsByIds(db: Queryable, tenantId: string, ids: readonly string[]): Promise<ContactRow[]> {
  return db
    .select()
    .from(contacts)
    .where(and(eq(contacts.tenantId, tenantId), anyOf(contacts.id, ids)));
}

export async function insertContact(db: Queryable, values: typeof contacts.$inferInsert): Promise<ContactRow> {
  const [row] = await db.insert(contacts).values(values).returning();
  return row;
}

export async function updateContact(
  db: Queryable,
  tenantId: string,
  id: string,
  patch: Partial<typeof contacts.$inferInsert>,
) {
  const [row] = await db
    .update(contacts)
    .set(patch)
    .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id)))
    .returning();
  return row;
}

export async function clearPrimaryContact(db: Queryable, tenantId: string, customerId: string) {
  await db
    .update(contacts)
    .set({ isPrimary: false })
    .where(and(eq(contacts.tenantId, tenantId), eq(contacts.customerId, customerId), eq(contacts.isPrimary, true)));
}

export async function deleteContact(db: Queryable, tenantId: string, id: string) {
  await db.delete(contacts).where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id)));
}

export async function detachContactFromInteractions(db: Queryable, tenantId: string, contactId: string) {
  await db
    .update(interactions)
    .set({ contactId: null })
    .where(and(eq(interactions.tenantId, tenantId), eq(interactions.contactId, contactId)));
}

/** A customer's interactions, newest first (Customer.interactions). */
export const interactionsOfCustomer: ChildList<InteractionRow, object> = {
  table: interactions,
  tenant: interactions.tenantId,
  parent: interactions.customerId,
  parentOf: (r) => r.customerId,
  order: { column: interactions.occurredAt, cast: 'timestamptz', id: interactions.id, direction: 'DESC' },
  cursor: (r) => timeKey(r.occurredAt),
};

export async function insertInteraction(
  db: Queryable,
  values: typeof interactions.$inferInsert,
): Promise<InteractionRow> {
  const [row] = await db.insert(interactions).values(values).returning();
  return row;
}

// ---- service tickets

/** A customer's service tickets, newest first, of one status or all (Customer.serviceTickets). */
export const ticketsOfCustomer: ChildList<ServiceTicketRow, { status: string | null }> = {
  table: serviceTickets,
  tenant: serviceTickets.tenantId,
  parent: serviceTickets.customerId,
  parentOf: (r) => r.customerId,
  order: { column: serviceTickets.openedAt, cast: 'timestamptz', id: serviceTickets.id, direction: 'DESC' },
  cursor: (r) => timeKey(r.openedAt),
  where: ({ status }) => (status ? eq(serviceTickets.status, status) : undefined),
};

export async function lockTicket(db: Queryable, tenantId: string, id: string): Promise<ServiceTicketRow | null> {
  const [row] = await db
    .select()
    .from(serviceTickets)
    .where(and(eq(serviceTickets.tenantId, tenantId), eq(serviceTickets.id, id)))
    .for('update');
  return row ?? null;
}

export async function insertTicket(
  db: Queryable,
  values: typeof serviceTickets.$inferInsert,
): Promise<ServiceTicketRow> {
  const [row] = await db.insert(serviceTickets).values(values).returning();
  return row;
}

export async function updateTicket(
  db: Queryable,
  tenantId: string,
  id: string,
  patch: Partial<typeof serviceTickets.$inferInsert>,
) {
  const [row] = await db
    .update(serviceTickets)
    .set(patch)
    .where(and(eq(serviceTickets.tenantId, tenantId), eq(serviceTickets.id, id)))
    .returning();
  return row;
}

/** Average score (two decimals, as a decimal string) and count of rated tickets per customer. */
export async function satisfactionByCustomerIds(db: Queryable, tenantId: string, customerIds: readonly string[]) {
  return db
    .select({
      customerId: serviceTickets.customerId,
      average: sql<string>`round(avg(${serviceTickets.satisfactionScore}), 2)::text`,
      n: count(),
    })
    .from(serviceTickets)
    .where(
      and(
        eq(serviceTickets.tenantId, tenantId),
        anyOf(serviceTickets.customerId, customerIds),
        isNotNull(serviceTickets.satisfactionScore),
      ),
    )
    .groupBy(serviceTickets.customerId);
}
