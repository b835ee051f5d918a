import { mergeCustomFields, type CustomFieldDefinition, type StoredValue } from '../../../lib/custom-fields.js';
import type { Queryable } from '../../../lib/db.js';
import { missingCustomer } from '../../../lib/customer-directory.js';
import { forbidden, notFound, userError, type UserError } from '../../../lib/errors.js';
import { isUuid, uuidv7 } from '../../../lib/ids.js';
import { checkMoney, type MoneyInput } from '../../../lib/money.js';
import { failOn, findOrFail, inTransaction } from '../../../lib/mutation.js';
import { InputCheck } from '../../../lib/validate.js';
import type { SalesContext } from '../context.js';
import * as leadsQ from '../db/lead-queries.js';
import { campaignsByIds, insertCampaign, lockTenant } from '../db/queries.js';
import type { LeadRow } from '../db/schema.js';
import { leadDefinitions } from '../resolvers/Lead.js';
import { canSetLeadStatus, leadValues, nextRoundRobinOwner, type LeadFields } from '../rules.js';
import { openOpportunity, opportunityFieldErrors } from './opportunities.js';

type LeadInput = LeadFields & { customFields?: Record<string, unknown> | null };

export async function leadForUpdate(
  tx: Queryable,
  ctx: SalesContext,
  id: string,
  field: string[] = ['input', 'id'],
): Promise<LeadRow> {
  const lead = await findOrFail(id, (id) => leadsQ.lockLead(tx, ctx.tenantId, id), 'Lead', field);
  return lead;
}

function refuseClosedLead(lead: LeadRow, field: string[] = ['input', 'id']) {
  if (lead.status === 'CONVERTED') failOn([userError('LEAD_CONVERTED', field, 'The lead has been converted')]);
  if (lead.status === 'DISQUALIFIED') failOn([userError('LEAD_DISQUALIFIED', field, 'The lead has been disqualified')]);
}

async function checkCampaign(
  tx: Queryable,
  ctx: SalesContext,
  campaignId: string | null | undefined,
): Promise<UserError[]> {
  if (!campaignId) return [];
  const found = isUuid(campaignId) ? await campaignsByIds(tx, ctx.tenantId, [campaignId]) : [];
  return found.length ? [] : [notFound('Campaign', ['input', 'campaignId'])];
}

/** Validates the fields and custom fields of a lead; the definitions come from the customer subgraph. */
async function validLead(
  tx: Queryable,
  ctx: SalesContext,
  input: LeadInput,
  current: LeadRow | null,
  definitions: CustomFieldDefinition[],
) {
  const { values, errors } = leadValues(input, current === null);
  errors.push(...(await checkCampaign(tx, ctx, input.campaignId)));
  const custom: { customFields?: Record<string, StoredValue> } = {};
  if (current === null || input.customFields != null) {
    const merged = mergeCustomFields(
      definitions,
      (current?.customFields ?? {}) as Record<string, StoredValue>,
      input.customFields ?? {},
      ['input', 'customFields'],
    );
    errors.push(...merged.errors);
    custom.customFields = merged.values;
  }
  failOn(errors);
  return { ...values, ...custom };
}

export const leadMutations = {
  // The definitions come from the customer subgraph before the transaction opens.
  createLead: (_: unknown, { input }: { input: LeadInput }, ctx: SalesContext) =>
    leadDefinitions(ctx).then((definitions) =>
      inTransaction(ctx.database, async (tx) => {
        const values = await validLead(tx, ctx, input, null, definitions);
        const now = new Date();
        const lead = await leadsQ.insertLead(tx, {
          source: 'OTHER',
          ...values,
          name: values.name!,
          tenantId: ctx.tenantId,
          id: uuidv7(),
          status: 'NEW',
          assignedAt: values.ownerId ? now : null,
          createdAt: now,
          updatedAt: now,
        });
        return { lead };
      }),
    ),

  updateLead: (
    _: unknown,
    { input }: { input: LeadInput & { id: string; status?: string | null } },
    ctx: SalesContext,
  ) =>
    (input.customFields != null ? leadDefinitions(ctx) : Promise.resolve([])).then((definitions) =>
      inTransaction(ctx.database, async (tx) => {
        const current = await leadForUpdate(tx, ctx, input.id);
        if (current.status === 'CONVERTED') refuseClosedLead(current);
        if (input.status && !canSetLeadStatus(current.status, input.status)) {
          failOn([
            userError(
              'INVALID_STATUS_TRANSITION',
              ['input', 'status'],
              `Use qualifyLead, disqualifyLead or convertLead to move a lead from ${current.status} to ${input.status}`,
            ),
          ]);
        }
        const { id: _id, status, ...fields } = input;
        const values = await validLead(tx, ctx, fields, current, definitions);
        return {
          lead: await leadsQ.updateLead(tx, ctx.tenantId, current.id, { ...values, ...(status ? { status } : {}) }),
        };
      }),
    ),

  assignLead: (
    _: unknown,
    { input }: { input: { leadId: string; ownerId?: string | null; roundRobin?: string[] | null } },
    ctx: SalesContext,
  ) =>
    inTransaction(ctx.database, async (tx) => {
      const check = new InputCheck();
      const owners = [...new Set((input.roundRobin ?? []).map((o) => o.trim()).filter(Boolean))];
      check.check(
        !!input.ownerId?.trim() !== owners.length > 0,
        'ownerId',
        'OWNER_OR_ROUND_ROBIN',
        'Give either ownerId or a non-empty roundRobin list',
      );
      check.check(owners.length <= 50, 'roundRobin', 'TOO_MANY_OWNERS', 'At most 50 owners');
      const explicit = check.text('ownerId', input.ownerId, { max: 100 });
      failOn(check.errors);
      // Round-robin picks must not interleave: two assignments at once would pick the same owner.
      if (owners.length) await lockTenant(tx, ctx.tenantId);
      const lead = await leadForUpdate(tx, ctx, input.leadId, ['input', 'leadId']);
      if (lead.status === 'CONVERTED') refuseClosedLead(lead, ['input', 'leadId']);
      let ownerId = explicit!;
      if (owners.length) {
        const last = await leadsQ.lastAssignments(tx, ctx.tenantId, owners);
        ownerId = nextRoundRobinOwner(owners, new Map(last.map((r) => [r.ownerId!, new Date(r.last)])));
      }
      return { lead: await leadsQ.updateLead(tx, ctx.tenantId, lead.id, { ownerId, assignedAt: new Date() }) };
    }),

  qualifyLead: (_: unknown, { input }: { input: { id: string } }, ctx: SalesContext) =>
    inTransaction(ctx.database, async (tx) => {
      const lead = await leadForUpdate(tx, ctx, input.id);
      refuseClosedLead(lead);
      return {
        lead:
          lead.status === 'QUALIFIED'
            ? lead
            : await leadsQ.updateLead(tx, ctx.tenantId, lead.id, { status: 'QUALIFIED' }),
      };
    }),

  disqualifyLead: (_: unknown, { input }: { input: { id: string; reason: string } }, ctx: SalesContext) =>
    inTransaction(ctx.database, async (tx) => {
      const check = new InputCheck();
      const reason = check.text('reason', input.reason, { max: 500, required: true });
      failOn(check.errors);
      const lead = await leadForUpdate(tx, ctx, input.id);
      refuseClosedLead(lead);
      return {
        lead: await leadsQ.updateLead(tx, ctx.tenantId, lead.id, {
          status: 'DISQUALIFIED',
          disqualifiedReason: reason,
        }),
      };
    }),

  convertLead: (
    _: unknown,
    {
      input,
    }: {
      input: {
        leadId: string;
        customerId?: string | null;
        opportunity: { title: string; amount?: MoneyInput | null; expectedCloseDate?: string | null };
      };
    },
    ctx: SalesContext,
  ) => convertLead(input, ctx),

  createCampaign: (
    _: unknown,
    {
      input,
    }: {
      input: {
        name: string;
        channel?: string | null;
        startsOn?: string | null;
        endsOn?: string | null;
        spend?: MoneyInput | null;
      };
    },
    ctx: SalesContext,
  ) =>
    inTransaction(ctx.database, async (tx) => {
      const check = new InputCheck();
      const name = check.text('name', input.name, { max: 200, required: true });
      const channel = check.text('channel', input.channel, { max: 100 });
      check.check(
        !input.startsOn || !input.endsOn || input.startsOn <= input.endsOn,
        'endsOn',
        'INVALID_DATE_RANGE',
        'endsOn must not be before startsOn',
      );
      const errors = [...check.errors];
      const tenant = await ctx.loaders.tenant();
      const spend = input.spend
        ? checkMoney(input.spend, { currency: tenant.currency, field: ['input', 'spend'] }, errors)
        : '0';
      failOn(errors);
      const campaign = await insertCampaign(tx, {
        tenantId: ctx.tenantId,
        id: uuidv7(),
        name: name!,
        channel: channel ?? null,
        startsOn: input.startsOn ?? null,
        endsOn: input.endsOn ?? null,
        spend: spend!,
        createdAt: new Date(),
      });
      return { campaign };
    }),
};

/**
 * Converts in three steps so that no failure leaves a stray or duplicate customer: (1) reserve the
 * new customer's id on the lead, (2) create that customer in the customer subgraph (idempotent by
 * id, so a retry after a failure reuses it), (3) open the opportunity and close the lead.
 */
async function convertLead(
  input: {
    leadId: string;
    customerId?: string | null;
    opportunity: { title: string; amount?: MoneyInput | null; expectedCloseDate?: string | null };
  },
  ctx: SalesContext,
) {
  const field = ['input', 'leadId'];
  const missing = input.customerId
    ? await missingCustomer(ctx.customers, ctx, input.customerId, ['input', 'customerId'])
    : [];
  // Creating the customer is a CRM write: the caller's token must allow it.
  if (!input.customerId && !ctx.scopes.has('crm:write'))
    throw forbidden('Converting a lead into a new customer needs the crm:write scope (or pass customerId)');
  const reserved = await inTransaction(ctx.database, async (tx) => {
    // Everything the last step checks is checked first, before a customer is created.
    const tenant = await ctx.loaders.tenant();
    failOn(opportunityFieldErrors({ ...input.opportunity, field: ['input', 'opportunity'] }, tenant.currency).errors);
    const lead = await leadForUpdate(tx, ctx, input.leadId, field);
    if (lead.status === 'CONVERTED')
      failOn([userError('LEAD_ALREADY_CONVERTED', field, 'The lead has been converted already')]);
    if (lead.status === 'DISQUALIFIED')
      failOn([userError('LEAD_DISQUALIFIED', field, 'A disqualified lead cannot be converted')]);
    if (input.customerId) {
      failOn(missing);
      return { lead, customerId: input.customerId };
    }
    const pending = lead.pendingCustomerId ?? uuidv7();
    if (!lead.pendingCustomerId) await leadsQ.updateLead(tx, ctx.tenantId, lead.id, { pendingCustomerId: pending });
    return { lead, customerId: pending, create: true };
  });
  if (reserved.userErrors.length || !('lead' in reserved) || !reserved.lead)
    return { ...reserved, lead: null, customer: null, opportunity: null };

  if (reserved.create) {
    const lead = reserved.lead;
    const created = await ctx.customers.create(ctx, {
      id: reserved.customerId!,
      name: lead.company ?? lead.name,
      kind: lead.company ? 'COMPANY' : 'PERSON',
      email: lead.email,
      phone: lead.phone,
      ownerId: lead.ownerId,
    });
    if (created.userErrors.length) {
      return {
        lead: null,
        customer: null,
        opportunity: null,
        userErrors: created.userErrors.map((e) => ({
          ...e,
          code: e.code,
          field: ['input', 'leadId'],
          message: `The customer could not be created: ${e.message}`,
        })),
      };
    }
  }

  const result = await inTransaction(ctx.database, async (tx) => {
    const lead = await leadForUpdate(tx, ctx, input.leadId, field);
    // Someone may have converted or disqualified it while the customer was being created.
    if (lead.status === 'CONVERTED')
      failOn([userError('LEAD_ALREADY_CONVERTED', field, 'The lead has been converted already')]);
    if (lead.status === 'DISQUALIFIED')
      failOn([userError('LEAD_DISQUALIFIED', field, 'A disqualified lead cannot be converted')]);
    const opportunity = await openOpportunity(tx, ctx, {
      title: input.opportunity.title,
      customerId: reserved.customerId!,
      ownerId: lead.ownerId ?? ctx.userId,
      amount: input.opportunity.amount ?? null,
      expectedCloseDate: input.opportunity.expectedCloseDate ?? null,
      leadId: lead.id,
      field: ['input', 'opportunity'],
    });
    const converted = await leadsQ.updateLead(tx, ctx.tenantId, lead.id, {
      status: 'CONVERTED',
      convertedAt: new Date(),
      customerId: reserved.customerId!,
      opportunityId: opportunity.id,
      pendingCustomerId: null,
    });
    await ctx.outbox.publish(tx, ctx.tenantId, 'lead.converted', {
      leadId: lead.id,
      customerId: reserved.customerId!,
      opportunityId: opportunity.id,
    });
    return { lead: converted, opportunity, customer: { __typename: 'Customer', id: reserved.customerId! } };
  });
  return { lead: null, customer: null, opportunity: null, ...result };
}
