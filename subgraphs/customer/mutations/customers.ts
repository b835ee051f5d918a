import type { StoredValue } from '../../../lib/custom-fields.js';
import { notFound, userError } from '../../../lib/errors.js';
import { isUuid, uuidv7 } from '../../../lib/ids.js';
import { failOn, findOrFail, inTransaction } from '../../../lib/mutation.js';
import { InputCheck } from '../../../lib/validate.js';
import type { CustomerContext } from '../context.js';
import {
  customFieldDefinitionsFor,
  customersByIds,
  insertCustomer,
  lockCustomer,
  retagCustomers,
  updateCustomer,
  type NewCustomer,
} from '../db/queries.js';
import type { Queryable } from '../../../lib/db.js';
import { customerValues, type CustomerInput } from '../rules.js';

const definitionsOf = (tx: Queryable, ctx: CustomerContext) =>
  customFieldDefinitionsFor(tx, ctx.tenantId, 'CUSTOMER') as any;

/** The customer to change, locked; a missing id, another tenant's id and a malformed id all read as NOT_FOUND. */
export async function customerForUpdate(
  tx: Queryable,
  ctx: CustomerContext,
  id: string,
  field: string[],
  opts: { allowArchived?: boolean } = {},
) {
  const row = await findOrFail(id, (id) => lockCustomer(tx, ctx.tenantId, id), 'Customer', field);
  if (row.archivedAt && !opts.allowArchived)
    failOn([userError('CUSTOMER_ARCHIVED', field, 'The customer is archived')]);
  return row;
}

export const customerMutations = {
  /** With a caller-chosen id the create is idempotent: a repeat returns the customer made the first time. */
  createCustomer: (_: unknown, { input }: { input: CustomerInput & { id?: string | null } }, ctx: CustomerContext) =>
    inTransaction(ctx.database, async (tx) => {
      const { id: requestedId, ...fields } = input;
      if (requestedId != null && !isUuid(requestedId))
        failOn([userError('INVALID_ID', ['input', 'id'], 'id must be a UUID')]);
      if (requestedId) {
        const [existing] = await customersByIds(tx, ctx.tenantId, [requestedId]);
        if (existing) return { customer: existing };
      }
      const { values, errors } = customerValues(fields, {
        creating: true,
        definitions: await definitionsOf(tx, ctx),
        currentCustomFields: {},
      });
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
      return { customer: customer ?? (await customersByIds(tx, ctx.tenantId, [id]))[0] };
    }),

  updateCustomer: (_: unknown, { input }: { input: CustomerInput & { id: string } }, ctx: CustomerContext) =>
    inTransaction(ctx.database, async (tx) => {
      const current = await customerForUpdate(tx, ctx, input.id, ['input', 'id']);
      const { id: _id, ...fields } = input;
      const { values, errors } = customerValues(fields, {
        creating: false,
        definitions: await definitionsOf(tx, ctx),
        currentCustomFields: current.customFields as Record<string, StoredValue>,
      });
      failOn(errors);
      return { customer: await updateCustomer(tx, ctx.tenantId, current.id, values) };
    }),

  /** Archiving twice is harmless: it keeps the first archive time. */
  archiveCustomer: (_: unknown, { input }: { input: { id: string } }, ctx: CustomerContext) =>
    inTransaction(ctx.database, async (tx) => {
      const current = await customerForUpdate(tx, ctx, input.id, ['input', 'id'], { allowArchived: true });
      if (current.archivedAt) return { customer: current };
      return { customer: await updateCustomer(tx, ctx.tenantId, current.id, { archivedAt: new Date() }) };
    }),

  tagCustomers: (_: unknown, { input }: { input: { ids: string[]; tags: string[] } }, ctx: CustomerContext) =>
    retag(input, ctx, 'add'),
  untagCustomers: (_: unknown, { input }: { input: { ids: string[]; tags: string[] } }, ctx: CustomerContext) =>
    retag(input, ctx, 'remove'),
};

/** All or nothing: if any id is unknown, no customer is retagged. */
function retag(input: { ids: string[]; tags: string[] }, ctx: CustomerContext, mode: 'add' | 'remove') {
  return inTransaction(
    ctx.database,
    async (tx) => {
      const check = new InputCheck();
      const tags = check.tags('tags', input.tags);
      check.check(tags.length > 0, 'tags', 'REQUIRED', 'Give at least one tag');
      const ids = [...new Set(input.ids)];
      check.check(ids.length > 0 && ids.length <= 100, 'ids', 'INVALID_LENGTH', 'Give 1 to 100 customer ids');
      failOn(check.errors);
      const valid = ids.filter(isUuid);
      const rows = valid.length ? await retagCustomers(tx, ctx.tenantId, valid, tags, mode) : [];
      const found = new Set(rows.map((r) => r.id));
      failOn(ids.flatMap((id, i) => (found.has(id) ? [] : [notFound(`Customer ${id}`, ['input', 'ids', String(i)])])));
      const byId = new Map(rows.map((r) => [r.id, r]));
      return { customers: ids.map((id) => byId.get(id)!) };
    },
    { customers: [] },
  );
}
