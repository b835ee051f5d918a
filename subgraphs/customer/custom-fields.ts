import { validateDefinition } from '../../lib/custom-fields.js';
import type { Queryable } from '../../lib/db.js';
import { failOn } from '../../lib/errors.js';
import type { CustomerWrite } from './context.js';
import { insertCustomFieldDefinition } from './db/queries.js';
import { Code, refuse } from './errors.js';
import type { DefineCustomFieldInput } from './generated/resolvers.js';

/** Adds a custom field to the tenant's configuration of customers or leads; keys are unique per entity. */
export async function defineCustomField(tx: Queryable, ctx: CustomerWrite, input: DefineCustomFieldInput) {
  failOn(validateDefinition(input));
  const definition = await insertCustomFieldDefinition(tx, {
    tenantId: ctx.tenantId,
    entity: input.entity,
    key: input.key,
    label: input.label.trim(),
    type: input.type,
    options: input.options ?? [],
    required: input.required ?? false,
  });
  if (!definition) refuse(Code.TAKEN, ['input', 'key'], `A ${input.entity} field "${input.key}" already exists`);
  return definition!;
}
