import type { StoredValue } from '../../lib/custom-fields.js';
import { FieldCheck } from '../../lib/check.js';
import type { Queryable } from '../../lib/db.js';
import { failOn, notFound } from '../../lib/errors.js';
import { isUuid, uuidv7 } from '../../lib/ids.js';
import { findOrFail } from '../../lib/transaction.js';
import type { CustomerWrite } from './context.js';
import {
  customFieldDefinitionsFor,
  customersByIds,
  insertCustomer,
  lockCustomer,
  retagCustomers,
  updateCustomer,
  type NewCustomer,
} from './db/queries.js';
import type { CustomerRow } from './db/schema.js';
import { Code, refuse } from './errors.js';
import { publishCustomerCreated, publishCustomersUpdated } from './publish.js';
import type {
  ArchiveCustomerInput,
  CreateCustomerInput,
  TagCustomersInput,
  UpdateCustomerInput,
} from './generated/resolvers.js';
import { customerValues } from './rules.js';

/** The customer to change, locked; a missing id, another tenant's id and a malformed id all read as NOT_FOUND. */
export async function customerForUpdate(
  tx: Queryable,
  ctx: CustomerWrite,
  id: string,
  field: string[],
  opts: { allowArchived?: boolean } = {},
): Promise<CustomerRow> {
  const row = await findOrFail(id, (id) => lockCustomer(tx, ctx.tenantId, id), 'Customer', field);
  if (row.archivedAt && !opts.allowArchived) refuse(Code.CUSTOMER_ARCHIVED, field, 'The customer is archived');
  return row;
}

/** With a caller-chosen id the create is idempotent: a repeat returns the customer made the first time. */
export async function createCustomer(
  tx: Queryable,
  ctx: CustomerWrite,
  input: CreateCustomerInput,
): Promise<CustomerRow> {
  const { id: requestedId, ...fields } = input;
  if (requestedId != null && !isUuid(requestedId)) refuse(Code.INVALID_ID, ['input', 'id'], 'id must be a UUID');
  if (requestedId) {
    const [existing] = await customersByIds(tx, ctx.tenantId, [requestedId]);
    if (existing) return existing;
  }
  const definitions = await customFieldDefinitionsFor(tx, ctx.tenantId, 'CUSTOMER');
  const { values, errors } = customerValues(fields, { creating: true, definitions, currentCustomFields: {} });
  failOn(errors);
  const now = new Date();
  const id = requestedId ?? uuidv7();
  const customer = await insertCustomer(tx, {
    ...(values as NewCustomer),
    kind: fields.kind ?? 'COMPANY',
    tenantId: ctx.tenantId,
    id,
    createdAt: now,
    updatedAt: now,
  });
  // A concurrent create with the same id won the race: answer with its customer.
  if (!customer) return (await customersByIds(tx, ctx.tenantId, [id]))[0];
  await publishCustomerCreated(tx, ctx, customer);
  return customer;
}

export async function updateCustomerFields(tx: Queryable, ctx: CustomerWrite, input: UpdateCustomerInput) {
  const current = await customerForUpdate(tx, ctx, input.id, ['input', 'id']);
  const { id: _id, ...fields } = input;
  const { values, errors } = customerValues(fields, {
    creating: false,
    definitions: await customFieldDefinitionsFor(tx, ctx.tenantId, 'CUSTOMER'),
    currentCustomFields: current.customFields as Record<string, StoredValue>,
  });
  failOn(errors);
  const customer = await updateCustomer(tx, ctx.tenantId, current.id, values);
  await publishCustomersUpdated(tx, ctx, [customer]);
  return customer;
}

/** Archiving twice is harmless: it keeps the first archive time. */
export async function archiveCustomer(tx: Queryable, ctx: CustomerWrite, input: ArchiveCustomerInput) {
  const current = await customerForUpdate(tx, ctx, input.id, ['input', 'id'], { allowArchived: true });
  if (current.archivedAt) return current;
  const customer = await updateCustomer(tx, ctx.tenantId, current.id, { archivedAt: new Date() });
  await publishCustomersUpdated(tx, ctx, [customer]);
  return customer;
}

/** Adds or removes tags, all or nothing: if any id is unknown, no customer is retagged. */
export async function retag(tx: Queryable, ctx: CustomerWrite, input: TagCustomersInput, mode: 'add' | 'remove') {
  const check = new FieldCheck();
  const tags = check.tags('tags', input.tags);
  check.check(tags.length > 0, 'tags', Code.REQUIRED, 'Give at least one tag');
  const ids = [...new Set(input.ids)];
  check.count('ids', ids, { max: 100, required: true, what: 'customer id' });
  check.done();
  const valid = ids.filter(isUuid);
  const rows = valid.length ? await retagCustomers(tx, ctx.tenantId, valid, tags, mode) : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  failOn(ids.flatMap((id, i) => (byId.has(id) ? [] : [notFound(`Customer ${id}`, ['input', 'ids', String(i)])])));
  await publishCustomersUpdated(tx, ctx, rows);
  return ids.map((id) => byId.get(id)!);
}
