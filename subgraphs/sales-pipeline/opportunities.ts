import { FieldCheck, definedOnly } from '../../lib/check.js';
import type { Queryable } from '../../lib/db.js';
import { failOn, notFound, type UserError } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { findOrFail } from '../../lib/transaction.js';
import type { SalesWrite } from './context.js';
import * as opps from './db/opportunity-queries.js';
import { allStages, liveStages, lockLiveStage } from './db/queries.js';
import type { OpportunityRow, StageRow } from './db/schema.js';
import { Code, refuse, userError } from './errors.js';
import type {
  AddOpportunityLineInput,
  CreateOpportunityInput,
  MarkOpportunityLostInput,
  MarkOpportunityWonInput,
  MoveOpportunityStageInput,
  RemoveOpportunityLineInput,
  UpdateOpportunityInput,
  UpdateOpportunityLineInput,
} from './generated/resolvers.js';
import { publishLost, publishWon } from './publish.js';
import { lineValues } from './rules.js';

/** An opportunity to open: what createOpportunity is given, or what a lead's conversion makes of it. */
export type NewOpportunity = CreateOpportunityInput & {
  leadId?: string | null;
  /** Where the opportunity's fields sit in the mutation input, for error paths. */
  field: string[];
};

/** Field checks of a new opportunity that need no database (run before anything is written). */
export function opportunityFields(input: Pick<NewOpportunity, 'title' | 'amount' | 'field'>, currency: string) {
  const check = new FieldCheck(input.field);
  const title = check.text('title', input.title, { max: 200, required: true });
  const amount = input.amount ? check.money('amount', input.amount, { currency }) : '0';
  return { title, amount, check };
}

/** Creates an open opportunity in its first stage (or the given OPEN one) and records the entry. */
export async function openOpportunity(tx: Queryable, ctx: SalesWrite, input: NewOpportunity): Promise<OpportunityRow> {
  const { title, amount, check } = opportunityFields(input, ctx.settings.currency);
  const stages = liveStages(await allStages(tx, ctx.tenantId));
  const stage = input.stageId ? stages.find((s) => s.id === input.stageId) : stages.find((s) => s.kind === 'OPEN');
  if (input.stageId && !stage) check.errors.push(notFound('Stage', ['input', 'stageId']));
  else if (stage && stage.kind !== 'OPEN')
    check.errors.push(userError(Code.INVALID_STAGE, ['input', 'stageId'], 'A new opportunity starts in an OPEN stage'));
  check.done();
  await useStage(tx, ctx, stage!.id);
  const now = new Date();
  const opportunity = await opps.insertOpportunity(tx, {
    tenantId: ctx.tenantId,
    id: uuidv7(),
    title: title!,
    customerId: input.customerId,
    ownerId: input.ownerId ?? ctx.userId,
    stageId: stage!.id,
    status: 'OPEN',
    manualAmount: amount!,
    amount: amount!,
    currency: ctx.settings.currency,
    expectedCloseDate: input.expectedCloseDate ?? null,
    nextFollowUpAt: input.nextFollowUpAt ?? null,
    leadId: input.leadId ?? null,
    createdAt: now,
    updatedAt: now,
  });
  await opps.recordStageEntry(tx, ctx.tenantId, opportunity.id, stage!.id, now);
  return opportunity;
}

/** The opportunity to change, locked; a closed one can't be edited. */
export async function openOpportunityForUpdate(
  tx: Queryable,
  ctx: SalesWrite,
  id: string,
  field: string[],
): Promise<OpportunityRow> {
  const opportunity = await findOrFail(id, (id) => opps.lockOpportunity(tx, ctx.tenantId, id), 'Opportunity', field);
  if (opportunity.status !== 'OPEN')
    refuse(Code.OPPORTUNITY_CLOSED, field, `The opportunity is ${opportunity.status} and can't be changed`);
  return opportunity;
}

/** Holds the stage an opportunity goes into until commit; NOT_FOUND if it was deleted meanwhile. */
async function useStage(tx: Queryable, ctx: SalesWrite, stageId: string) {
  if (!(await lockLiveStage(tx, ctx.tenantId, stageId, 'share'))) failOn([notFound('Stage', ['input', 'stageId'])]);
}

/** Moves the opportunity to a stage: into WON or LOST it closes, anything else keeps it open. */
async function moveTo(
  tx: Queryable,
  ctx: SalesWrite,
  opportunity: OpportunityRow,
  stage: StageRow,
  lostReason: string | null,
) {
  if (stage.id === opportunity.stageId) return opportunity;
  await useStage(tx, ctx, stage.id);
  const now = new Date();
  await opps.recordStageEntry(tx, ctx.tenantId, opportunity.id, stage.id, now);
  const closing = stage.kind === 'WON' || stage.kind === 'LOST';
  const moved = await opps.updateOpportunity(tx, ctx.tenantId, opportunity.id, {
    stageId: stage.id,
    ...(closing ? { status: stage.kind, closedAt: now } : {}),
    ...(stage.kind === 'LOST' ? { lostReason } : {}),
  });
  if (stage.kind === 'WON') await publishWon(tx, ctx, moved);
  if (stage.kind === 'LOST') await publishLost(tx, ctx, moved);
  return moved;
}

const stageOfKind = async (tx: Queryable, ctx: SalesWrite, kind: 'WON' | 'LOST') =>
  liveStages(await allStages(tx, ctx.tenantId)).find((s) => s.kind === kind)!;

/** A line and its opportunity, locked: line writes of one opportunity are serialised. */
async function lineForUpdate(tx: Queryable, ctx: SalesWrite, id: string) {
  const load = (id: string) => opps.lineById(tx, ctx.tenantId, id);
  const found = await findOrFail(id, load, 'Opportunity line', ['input', 'id']);
  const opportunity = await openOpportunityForUpdate(tx, ctx, found.opportunityId, ['input', 'id']);
  // Read again under the opportunity's lock: a quote accepted or a removal meanwhile replaced it.
  return { line: await findOrFail(id, load, 'Opportunity line', ['input', 'id']), opportunity };
}

/** `unknownCustomer`: the customer check made (with the customer subgraph) before the transaction. */
export async function createOpportunity(
  tx: Queryable,
  ctx: SalesWrite,
  input: CreateOpportunityInput,
  unknownCustomer: UserError[],
) {
  failOn(unknownCustomer);
  return openOpportunity(tx, ctx, { ...input, field: ['input'] });
}

export async function updateOpportunity(tx: Queryable, ctx: SalesWrite, input: UpdateOpportunityInput) {
  const current = await openOpportunityForUpdate(tx, ctx, input.id, ['input', 'id']);
  const check = new FieldCheck();
  const title = check.text('title', input.title, { max: 200, required: input.title !== undefined });
  const ownerId = check.text('ownerId', input.ownerId, { max: 100 });
  const manualAmount = input.amount ? check.money('amount', input.amount, { currency: current.currency }) : undefined;
  check.done();
  const patch = definedOnly({
    title: title ?? undefined,
    ownerId,
    manualAmount,
    expectedCloseDate: input.expectedCloseDate,
    nextFollowUpAt: input.nextFollowUpAt,
  });
  return opps.updateOpportunity(tx, ctx.tenantId, current.id, patch);
}

/** `unknownProduct`: the catalogue check made (with order-fulfilment) before the transaction. */
export async function addLine(
  tx: Queryable,
  ctx: SalesWrite,
  input: AddOpportunityLineInput,
  unknownProduct: UserError[],
) {
  const opportunity = await openOpportunityForUpdate(tx, ctx, input.opportunityId, ['input', 'opportunityId']);
  const { values, errors } = lineValues(
    { discountPercent: '0', ...input.line },
    { currency: opportunity.currency, creating: true, field: ['input', 'line'] },
  );
  if ((await opps.linesOfOpportunities(tx, ctx.tenantId, [opportunity.id])).length >= 200) {
    errors.push(userError(Code.TOO_MANY, ['input', 'opportunityId'], 'An opportunity has at most 200 lines'));
  }
  failOn([...errors, ...unknownProduct]);
  await opps.insertLines(tx, ctx.tenantId, opportunity.id, [values as opps.NewLine]);
  return opps.updateOpportunity(tx, ctx.tenantId, opportunity.id);
}

export async function updateLine(
  tx: Queryable,
  ctx: SalesWrite,
  input: UpdateOpportunityLineInput,
  unknownProduct: UserError[],
) {
  const { line, opportunity } = await lineForUpdate(tx, ctx, input.id);
  const { id: _id, ...fields } = input;
  const { values, errors } = lineValues(fields, {
    currency: opportunity.currency,
    creating: false,
    field: ['input'],
    current: line,
  });
  failOn([...errors, ...unknownProduct]);
  await opps.updateLine(tx, ctx.tenantId, line.id, values);
  return opps.updateOpportunity(tx, ctx.tenantId, opportunity.id);
}

export async function removeLine(tx: Queryable, ctx: SalesWrite, input: RemoveOpportunityLineInput) {
  const { line, opportunity } = await lineForUpdate(tx, ctx, input.id);
  await opps.deleteLine(tx, ctx.tenantId, line.id);
  return opps.updateOpportunity(tx, ctx.tenantId, opportunity.id);
}

/** Moving into LOST is losing: it needs the reason markOpportunityLost asks for. */
export async function moveStage(tx: Queryable, ctx: SalesWrite, input: MoveOpportunityStageInput) {
  const opportunity = await openOpportunityForUpdate(tx, ctx, input.id, ['input', 'id']);
  const stage = liveStages(await allStages(tx, ctx.tenantId)).find((s) => s.id === input.stageId);
  if (!stage) failOn([notFound('Stage', ['input', 'stageId'])]);
  const check = new FieldCheck();
  const reason = check.text('lostReason', input.lostReason, {
    max: 500,
    required: stage!.kind === 'LOST',
    label: 'lostReason',
  });
  check.done();
  return moveTo(tx, ctx, opportunity, stage!, reason ?? null);
}

export async function markWon(tx: Queryable, ctx: SalesWrite, input: MarkOpportunityWonInput) {
  const opportunity = await openOpportunityForUpdate(tx, ctx, input.id, ['input', 'id']);
  return moveTo(tx, ctx, opportunity, await stageOfKind(tx, ctx, 'WON'), null);
}

export async function markLost(tx: Queryable, ctx: SalesWrite, input: MarkOpportunityLostInput) {
  const check = new FieldCheck();
  const reason = check.text('reason', input.reason, { max: 500, required: true });
  check.done();
  const opportunity = await openOpportunityForUpdate(tx, ctx, input.id, ['input', 'id']);
  return moveTo(tx, ctx, opportunity, await stageOfKind(tx, ctx, 'LOST'), reason!);
}
