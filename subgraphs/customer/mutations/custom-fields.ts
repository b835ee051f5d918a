import { validateDefinition, type CustomFieldType } from '../../../lib/custom-fields.js';
import { userError } from '../../../lib/errors.js';
import { failOn, inTransaction } from '../../../lib/mutation.js';
import type { CustomerContext } from '../context.js';
import { insertCustomFieldDefinition } from '../db/queries.js';

interface DefineInput {
  entity: string;
  key: string;
  label: string;
  type: CustomFieldType;
  options?: string[] | null;
  required?: boolean | null;
}

export const customFieldMutations = {
  defineCustomField: (_: unknown, { input }: { input: DefineInput }, ctx: CustomerContext) =>
    inTransaction(ctx.database, async (tx) => {
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
      if (!definition)
        failOn([userError('DUPLICATE_KEY', ['input', 'key'], `A ${input.entity} field "${input.key}" already exists`)]);
      return { definition };
    }),
};
