import type { CustomFieldDefinition, StoredValue } from '../../lib/custom-fields.js';
import { mergeCustomFields } from '../../lib/custom-fields.js';
import { definedOnly, FieldCheck } from '../../lib/check.js';
import type { UpdateContactInput, UpdateCustomerInput, UpdateServiceTicketInput } from './generated/resolvers.js';
import type { NewCustomer } from './db/queries.js';

/** The fields of a customer that create and update share. */
export type CustomerFields = Omit<UpdateCustomerInput, 'id'> & { tags?: string[] | null };

/**
 * Validates customer input (for create, `name` is required) into column values. Every problem is
 * collected; the caller saves nothing unless `errors` is empty.
 */
export function customerValues(
  input: CustomerFields,
  opts: { creating: boolean; definitions: CustomFieldDefinition[]; currentCustomFields: Record<string, StoredValue> },
) {
  const check = new FieldCheck();
  const address = input.address;
  const values: Partial<NewCustomer> = definedOnly({
    name:
      check.text('name', input.name, { max: 200, required: opts.creating || input.name !== undefined }) ?? undefined,
    kind: input.kind ?? undefined,
    industry: check.text('industry', input.industry, { max: 100 }),
    email: check.email('email', input.email),
    phone: check.phone('phone', input.phone),
    website: check.url('website', input.website),
    ownerId: check.text('ownerId', input.ownerId, { max: 100 }),
    segment: check.text('segment', input.segment, { max: 100 }),
    tags: input.tags === undefined ? undefined : check.tags('tags', input.tags),
  });
  if (address !== undefined) {
    Object.assign(values, {
      addressLine1: check.text('address.line1', address?.line1, { max: 200 }) ?? null,
      addressLine2: check.text('address.line2', address?.line2, { max: 200 }) ?? null,
      city: check.text('address.city', address?.city, { max: 100 }) ?? null,
      region: check.text('address.region', address?.region, { max: 100 }) ?? null,
      postalCode: check.text('address.postalCode', address?.postalCode, { max: 20 }) ?? null,
      country: check.country('address.country', address?.country) ?? null,
    });
  }
  // Required custom fields are enforced on create, and whenever custom fields are written.
  if (opts.creating || input.customFields != null) {
    const merged = mergeCustomFields(opts.definitions, opts.currentCustomFields, input.customFields ?? {}, [
      'input',
      'customFields',
    ]);
    check.errors.push(...merged.errors);
    values.customFields = merged.values;
  }
  return { values, errors: check.errors };
}

export type { ServiceTicketStatus as TicketStatus } from './generated/resolvers.js';
import type { ServiceTicketStatus as TicketStatus } from './generated/resolvers.js';

/**
 * Which status changes `updateServiceTicket` may make. Resolving goes through its own mutation
 * (it stamps resolvedAt); a closed ticket is final; a resolved one may be reopened or closed.
 */
export function canMoveTicket(from: TicketStatus, to: TicketStatus): boolean {
  if (from === to) return true;
  if (from === 'CLOSED' || to === 'RESOLVED') return false;
  return true;
}

export const isValidSatisfactionScore = (score: number) => Number.isInteger(score) && score >= 1 && score <= 5;

export type ContactFields = Omit<UpdateContactInput, 'id'>;

/** Validates contact input (for create, `name` is required) into column values. */
export function contactValues(input: ContactFields, creating: boolean) {
  const check = new FieldCheck();
  const values = definedOnly({
    name: check.text('name', input.name, { max: 200, required: creating || input.name !== undefined }) ?? undefined,
    title: check.text('title', input.title, { max: 100 }),
    email: check.email('email', input.email),
    phone: check.phone('phone', input.phone),
    decisionRole: input.decisionRole ?? undefined,
    isPrimary: input.isPrimary ?? undefined,
  });
  return { values, errors: check.errors };
}

export type TicketFields = Omit<UpdateServiceTicketInput, 'id' | 'status'>;

/** Validates service ticket input (for open, `subject` is required) into column values. */
export function ticketValues(input: TicketFields, creating: boolean) {
  const check = new FieldCheck();
  const values = definedOnly({
    subject:
      check.text('subject', input.subject, { max: 200, required: creating || input.subject !== undefined }) ??
      undefined,
    description: check.text('description', input.description, { max: 10000 }),
    priority: input.priority ?? undefined,
  });
  return { values, errors: check.errors };
}
