import { FieldCheck } from '../../lib/check.js';
import { mergeCustomFields, type CustomFieldDefinition, type StoredValue } from '../../lib/custom-fields.js';
import type { Queryable } from '../../lib/db.js';
import { notFound } from '../../lib/errors.js';
import { isUuid, uuidv7 } from '../../lib/ids.js';
import { findOrFail } from '../../lib/transaction.js';
import type { SalesWrite } from './context.js';
import * as leadsQ from './db/lead-queries.js';
import { campaignsByIds, lockTenant } from './db/queries.js';
import type { LeadRow } from './db/schema.js';
import { Code, refuse } from './errors.js';
import type {
  AssignLeadInput,
  CreateLeadInput,
  DisqualifyLeadInput,
  QualifyLeadInput,
  UpdateLeadInput,
} from './generated/resolvers.js';
import { canSetLeadStatus, leadValues, nextRoundRobinOwner, type LeadFields } from './rules.js';
import { publishLeadCreated } from './publish.js';

type LeadInput = LeadFields & { customFields?: Record<string, unknown> | null };

export const leadForUpdate = (tx: Queryable, ctx: SalesWrite, id: string, field: string[] = ['input', 'id']) =>
  findOrFail(id, (id) => leadsQ.lockLead(tx, ctx.tenantId, id), 'Lead', field);

/** A converted lead is final. */
function refuseConverted(lead: LeadRow, field: string[]) {
  if (lead.status === 'CONVERTED') refuse(Code.LEAD_CONVERTED, field, 'The lead has been converted');
}

/** A converted or disqualified lead is out of the funnel. */
function refuseClosed(lead: LeadRow, field: string[] = ['input', 'id']) {
  refuseConverted(lead, field);
  if (lead.status === 'DISQUALIFIED') refuse(Code.LEAD_DISQUALIFIED, field, 'The lead has been disqualified');
}

/** Validates the fields and custom fields of a lead; the definitions come from the customer subgraph. */
async function validLead(
  tx: Queryable,
  ctx: SalesWrite,
  input: LeadInput,
  current: LeadRow | null,
  definitions: CustomFieldDefinition[],
) {
  const check = new FieldCheck();
  const values = leadValues(check, input, current === null);
  if (input.campaignId) {
    const found = isUuid(input.campaignId) ? await campaignsByIds(tx, ctx.tenantId, [input.campaignId]) : [];
    if (!found.length) check.errors.push(notFound('Campaign', check.path('campaignId')));
  }
  const custom: { customFields?: Record<string, StoredValue> } = {};
  if (current === null || input.customFields != null) {
    const merged = mergeCustomFields(
      definitions,
      (current?.customFields ?? {}) as Record<string, StoredValue>,
      input.customFields ?? {},
      check.path('customFields'),
    );
    check.errors.push(...merged.errors);
    custom.customFields = merged.values;
  }
  check.done();
  return { ...values, ...custom };
}

/** `definitions`: the tenant's LEAD custom fields, asked of the customer subgraph before the transaction. */
export async function createLead(
  tx: Queryable,
  ctx: SalesWrite,
  input: CreateLeadInput,
  definitions: CustomFieldDefinition[],
) {
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
  await publishLeadCreated(tx, ctx, lead);
  return lead;
}

/** `definitions`: as for createLead (only needed when custom fields are given). */
export async function updateLead(
  tx: Queryable,
  ctx: SalesWrite,
  input: UpdateLeadInput,
  definitions: CustomFieldDefinition[],
) {
  const current = await leadForUpdate(tx, ctx, input.id);
  refuseConverted(current, ['input', 'id']);
  if (input.status && !canSetLeadStatus(current.status, input.status)) {
    refuse(
      Code.INVALID_STATUS_TRANSITION,
      ['input', 'status'],
      `Use qualifyLead, disqualifyLead or convertLead to move a lead from ${current.status} to ${input.status}`,
    );
  }
  const { id: _id, status, ...fields } = input;
  const values = await validLead(tx, ctx, fields, current, definitions);
  return leadsQ.updateLead(tx, ctx.tenantId, current.id, { ...values, ...(status ? { status } : {}) });
}

/** To one owner, or round-robin to the one of a list who least recently received a lead. */
export async function assignLead(tx: Queryable, ctx: SalesWrite, input: AssignLeadInput) {
  const check = new FieldCheck();
  const owners = [...new Set((input.roundRobin ?? []).map((o) => o.trim()).filter(Boolean))];
  check.check(
    !!input.ownerId?.trim() !== owners.length > 0,
    'ownerId',
    Code.OWNER_OR_ROUND_ROBIN,
    'Give either ownerId or a non-empty roundRobin list',
  );
  check.count('roundRobin', owners, { max: 50, what: 'owner' });
  const explicit = check.text('ownerId', input.ownerId, { max: 100 });
  check.done();
  // Round-robin picks must not interleave: two assignments at once would pick the same owner.
  if (owners.length) await lockTenant(tx, ctx.tenantId);
  const lead = await leadForUpdate(tx, ctx, input.leadId, ['input', 'leadId']);
  refuseConverted(lead, ['input', 'leadId']);
  let ownerId = explicit!;
  if (owners.length) {
    const last = await leadsQ.lastAssignments(tx, ctx.tenantId, owners);
    ownerId = nextRoundRobinOwner(owners, new Map(last.map((r) => [r.ownerId!, new Date(r.last)])));
  }
  return leadsQ.updateLead(tx, ctx.tenantId, lead.id, { ownerId, assignedAt: new Date() });
}

export async function qualifyLead(tx: Queryable, ctx: SalesWrite, input: QualifyLeadInput) {
  const lead = await leadForUpdate(tx, ctx, input.id);
  refuseClosed(lead);
  return lead.status === 'QUALIFIED' ? lead : leadsQ.updateLead(tx, ctx.tenantId, lead.id, { status: 'QUALIFIED' });
}

export async function disqualifyLead(tx: Queryable, ctx: SalesWrite, input: DisqualifyLeadInput) {
  const check = new FieldCheck();
  const reason = check.text('reason', input.reason, { max: 500, required: true });
  check.done();
  const lead = await leadForUpdate(tx, ctx, input.id);
  refuseClosed(lead);
  return leadsQ.updateLead(tx, ctx.tenantId, lead.id, { status: 'DISQUALIFIED', disqualifiedReason: reason });
}
