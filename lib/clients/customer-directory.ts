import type { BaseContext } from '../context.js';
import type { CustomFieldDefinition } from '../custom-fields.js';
import { notFound, type UserError } from '../errors.js';
import { isUuid } from '../ids.js';
import { existingEntities, internalClient, type InternalCall } from './internal-client.js';

/** What other subgraphs send the customer subgraph (each validated against its SDL by a test). */
export const LEAD_FIELD_DEFINITIONS =
  'query LeadFieldDefinitions { customFieldDefinitions(entity: LEAD) { key label type options required } }';
export const CREATE_CUSTOMER =
  'mutation CreateCustomerFromLead($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } userErrors { code field message } } }';

/**
 * What other subgraphs need from the customer subgraph, asked over signed internal calls (never by reading
 * its tables): lead custom field definitions, whether customers exist, and creating a customer
 * when a lead is converted.
 */
export function customerDirectory(call: InternalCall) {
  return {
    async leadFieldDefinitions(ctx: BaseContext): Promise<CustomFieldDefinition[]> {
      const data = await call<{ customFieldDefinitions: CustomFieldDefinition[] }>(
        ctx,
        ['crm:read'],
        LEAD_FIELD_DEFINITIONS,
      );
      return data.customFieldDefinitions;
    },

    /** The subset of `ids` that are customers of the caller's tenant. */
    existing: (ctx: BaseContext, ids: string[]) => existingEntities(call, ctx, ['crm:read'], 'Customer', ids),

    /** Idempotent by `id`: a retried conversion gets the customer the first attempt made. */
    async create(
      ctx: BaseContext,
      input: Record<string, unknown> & { id: string },
    ): Promise<{ id: string | null; userErrors: UserError[] }> {
      const data = await call<{ createCustomer: { customer: { id: string } | null; userErrors: UserError[] } }>(
        ctx,
        ['crm:read', 'crm:write'],
        CREATE_CUSTOMER,
        { input },
      );
      return { id: data.createCustomer.customer?.id ?? null, userErrors: data.createCustomer.userErrors };
    },
  };
}

export type CustomerDirectory = ReturnType<typeof customerDirectory>;

/** The directory of the customer subgraph at `url`, called with the shared signing secret. */
export const customerDirectoryAt = (opts: { customerUrl: string; signingSecret: string }) =>
  customerDirectory(internalClient({ url: opts.customerUrl, signingSecret: opts.signingSecret, audience: 'customer' }));

/**
 * Checks a customer id before a mutation opens its transaction (no transaction waits on another
 * service): NOT_FOUND at `field` for an unknown, malformed or other tenant's id.
 */
export async function missingCustomer(
  directory: CustomerDirectory,
  ctx: BaseContext,
  customerId: string,
  field: string[],
): Promise<UserError[]> {
  const known = isUuid(customerId) && (await directory.existing(ctx, [customerId])).has(customerId);
  return known ? [] : [notFound('Customer', field)];
}
