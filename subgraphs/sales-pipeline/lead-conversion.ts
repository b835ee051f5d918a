import { missingCustomer } from '../../lib/clients/customer-directory.js';
import type { Queryable } from '../../lib/db.js';
import { failOn, forbidden, type UserError } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { inTransaction, type Outcome } from '../../lib/transaction.js';
import { resumableOnRetry } from '../../lib/idempotency/mutation.js';
import type { SalesContext, SalesWrite } from './context.js';
import * as leadsQ from './db/lead-queries.js';
import type { LeadRow, OpportunityRow } from './db/schema.js';
import { Code, refuse } from './errors.js';
import type { ConvertLeadInput } from './generated/resolvers.js';
import { leadForUpdate } from './leads.js';
import { openOpportunity, opportunityFields } from './opportunities.js';
import { publishLeadConverted } from './publish.js';

/** What a conversion made: the converted lead, the opportunity it opened and the customer it became. */
export interface Conversion {
  lead: LeadRow;
  opportunity: OpportunityRow;
  customerId: string;
}

/**
 * Converts in three steps so that no failure leaves a stray or duplicate customer: (1) reserve the
 * new customer's id on the lead, (2) create that customer in the customer subgraph (idempotent by
 * id, so a retry after a failure reuses it), (3) open the opportunity and close the lead. Steps 1
 * and 3 are transactions of their own; no transaction is open while the customer subgraph works.
 */
export async function convertLead(ctx: SalesContext, input: ConvertLeadInput): Promise<Outcome<Conversion>> {
  // Under an Idempotency-Key, a retry after step 1 committed runs the conversion on to the end.
  resumableOnRetry(ctx);
  const unknownCustomer = input.customerId
    ? await missingCustomer(ctx.customers, ctx, input.customerId, ['input', 'customerId'])
    : [];
  // Creating the customer is a CRM write: the caller's token must allow it.
  if (!input.customerId && !ctx.scopes.has('crm:write'))
    throw forbidden('Converting a lead into a new customer needs the crm:write scope (or pass customerId)');

  const reserved = await inTransaction(ctx, (tx, write) => reserveCustomer(tx, write, input, unknownCustomer));
  if (!reserved.value) return { value: null, userErrors: reserved.userErrors };
  const { lead, customerId, create } = reserved.value;

  if (create) {
    const failed = await createCustomerFrom(ctx, lead, customerId);
    if (failed.length) return { value: null, userErrors: failed };
  }

  return inTransaction(ctx, (tx, write) => completeConversion(tx, write, input, customerId));
}

/** A lead that can be converted: neither converted already nor disqualified. */
function refuseUnconvertible(lead: LeadRow, field: string[]) {
  if (lead.status === 'CONVERTED') refuse(Code.LEAD_CONVERTED, field, 'The lead has been converted already');
  if (lead.status === 'DISQUALIFIED') refuse(Code.LEAD_DISQUALIFIED, field, 'A disqualified lead cannot be converted');
}

/** Step 1: everything the last step checks is checked first, before a customer is created. */
async function reserveCustomer(tx: Queryable, ctx: SalesWrite, input: ConvertLeadInput, unknownCustomer: UserError[]) {
  const field = ['input', 'leadId'];
  opportunityFields({ ...input.opportunity, field: ['input', 'opportunity'] }, ctx.settings.currency).check.done();
  const lead = await leadForUpdate(tx, ctx, input.leadId, field);
  refuseUnconvertible(lead, field);
  if (input.customerId) {
    failOn(unknownCustomer);
    return { lead, customerId: input.customerId, create: false };
  }
  const pending = lead.pendingCustomerId ?? uuidv7();
  if (!lead.pendingCustomerId) await leadsQ.updateLead(tx, ctx.tenantId, lead.id, { pendingCustomerId: pending });
  return { lead, customerId: pending, create: true };
}

/** Step 2: the customer, from the lead's details, under the reserved id; its user errors, at the lead. */
async function createCustomerFrom(ctx: SalesContext, lead: LeadRow, customerId: string): Promise<UserError[]> {
  const created = await ctx.customers.create(ctx, {
    id: customerId,
    name: lead.company ?? lead.name,
    kind: lead.company ? 'COMPANY' : 'PERSON',
    email: lead.email,
    phone: lead.phone,
    ownerId: lead.ownerId,
  });
  return created.userErrors.map((e) => ({
    ...e,
    field: ['input', 'leadId'],
    message: `The customer could not be created: ${e.message}`,
  }));
}

/** Step 3: someone may have converted or disqualified the lead while the customer was being created. */
async function completeConversion(
  tx: Queryable,
  ctx: SalesWrite,
  input: ConvertLeadInput,
  customerId: string,
): Promise<Conversion> {
  const field = ['input', 'leadId'];
  const lead = await leadForUpdate(tx, ctx, input.leadId, field);
  refuseUnconvertible(lead, field);
  const opportunity = await openOpportunity(tx, ctx, {
    title: input.opportunity.title,
    customerId,
    ownerId: lead.ownerId ?? ctx.userId,
    amount: input.opportunity.amount ?? null,
    expectedCloseDate: input.opportunity.expectedCloseDate ?? null,
    leadId: lead.id,
    field: ['input', 'opportunity'],
  });
  const converted = await leadsQ.updateLead(tx, ctx.tenantId, lead.id, {
    status: 'CONVERTED',
    convertedAt: new Date(),
    customerId,
    opportunityId: opportunity.id,
    pendingCustomerId: null,
  });
  await publishLeadConverted(tx, ctx, { leadId: lead.id, customerId, opportunityId: opportunity.id });
  return { lead: converted, opportunity, customerId };
}
