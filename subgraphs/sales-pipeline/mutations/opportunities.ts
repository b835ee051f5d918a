import type { Queryable } from '../../../lib/db.js';
import { notFound, userError, type UserError } from '../../../lib/errors.js';
import { uuidv7 } from '../../../lib/ids.js';
import { checkMoney, type MoneyInput } from '../../../lib/money.js';
import { failOn, findOrFail, inTransaction } from '../../../lib/mutation.js';
import { definedOnly, InputCheck } from '../../../lib/validate.js';
import { missingProduct } from '../../../lib/product-catalogue.js';
import { missingCustomer } from '../../../lib/customer-directory.js';
import type { SalesContext } from '../context.js';
import * as opps from '../db/opportunity-queries.js';
import { allStages, liveStages, lockLiveStage } from '../db/queries.js';
import type { OpportunityRow, StageRow } from '../db/schema.js';
import { lineValues, type LineInput } from '../rules.js';

export interface NewOpportunity {
  title: string;
  customerId: string;
  ownerId?: string | null;
  stageId?: string | null;
  amount?: MoneyInput | null;
  expectedCloseDate?: string | null;
  nextFollowUpAt?: Date | null;
  leadId?: string | null;
  /** Where the opportunity's fields sit in the mutation input, for error paths. */
  field: string[];
}

/** Field checks of a new opportunity that need no database (run before anything is written). */
export function opportunityFieldErrors(input: Pick<NewOpportunity, 'title' | 'amount' | 'field'>, currency: string) {
  const check = new InputCheck(input.field);
  const title = check.text('title', input.title, { max: 200, required: true });
  const errors: UserError[] = [...check.errors];
  const amount = input.amount ? checkMoney(input.amount, { currency, field: [...input.field, 'amount'] }, errors) : '0';
  return { title, amount, errors };
}

/** Creates an open opportunity in its first stage (or the given OPEN one) and records the entry. */
export async function openOpportunity(
  tx: Queryable,
  ctx: SalesContext,
  input: NewOpportunity,
): Promise<OpportunityRow> {
  const tenant = await ctx.loaders.tenant();
  const { title, amount, errors } = opportunityFieldErrors(input, tenant.currency);
  const stages = liveStages(await allStages(tx, ctx.tenantId));
  const stage = input.stageId ? stages.find((s) => s.id === input.stageId) : stages.find((s) => s.kind === 'OPEN');
  if (input.stageId && !stage) errors.push(notFound('Stage', ['input', 'stageId']));
  else if (stage && stage.kind !== 'OPEN')
    errors.push(userError('INVALID_STAGE', ['input', 'stageId'], 'A new opportunity starts in an OPEN stage'));
  failOn(errors);
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
    currency: tenant.currency,
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
  ctx: SalesContext,
  id: string,
  field: string[],
): Promise<OpportunityRow> {
  const opportunity = await findOrFail(id, (id) => opps.lockOpportunity(tx, ctx.tenantId, id), 'Opportunity', field);
  if (opportunity.status !== 'OPEN')
    failOn([userError('OPPORTUNITY_CLOSED', field, `The opportunity is ${opportunity.status} and can't be changed`)]);
  return opportunity;
}

/** Moves the opportunity to a stage: into WON or LOST it closes, anything else keeps it open. */
/** Holds the stage an opportunity goes into until commit; NOT_FOUND if it was deleted meanwhile. */
async function useStage(tx: Queryable, ctx: SalesContext, stageId: string) {
  if (!(await lockLiveStage(tx, ctx.tenantId, stageId, 'share'))) failOn([notFound('Stage', ['input', 'stageId'])]);
}

async function moveTo(
  tx: Queryable,
  ctx: SalesContext,
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
  if (stage.kind === 'LOST')
    await ctx.outbox.publish(tx, ctx.tenantId, 'opportunity.lost', {
      opportunityId: moved.id,
      customerId: moved.customerId,
      reason: lostReason,
    });
  return moved;
}

/** opportunity.won carries the lines order-fulfilment turns into a draft order (those naming a product). */
async function publishWon(tx: Queryable, ctx: SalesContext, won: OpportunityRow) {
  const lines = await opps.linesOfOpportunities(tx, ctx.tenantId, [won.id]);
  await ctx.outbox.publish(tx, ctx.tenantId, 'opportunity.won', {
    opportunityId: won.id,
    customerId: won.customerId,
    title: won.title,
    currency: won.currency,
    amount: won.amount,
    lines: lines
      .filter((l) => l.productId)
      .map((l) => ({
        productId: l.productId!,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        discountPercent: l.discountPercent,
      })),
  });
}

const stageOfKind = async (tx: Queryable, ctx: SalesContext, kind: 'WON' | 'LOST') =>
  liveStages(await allStages(tx, ctx.tenantId)).find((s) => s.kind === kind)!;

/** A line and its opportunity, locked: line writes of one opportunity are serialised. */
async function lineForUpdate(tx: Queryable, ctx: SalesContext, id: string) {
  const load = (id: string) => opps.lineById(tx, ctx.tenantId, id);
  const found = await findOrFail(id, load, 'Opportunity line', ['input', 'id']);
  const opportunity = await openOpportunityForUpdate(tx, ctx, found.opportunityId, ['input', 'id']);
  // Read again under the opportunity's lock: a quote accepted or a removal meanwhile replaced it.
  return { line: await findOrFail(id, load, 'Opportunity line', ['input', 'id']), opportunity };
}

export const opportunityMutations = {
  createOpportunity: async (_: unknown, { input }: { input: Omit<NewOpportunity, 'field'> }, ctx: SalesContext) => {
    const missing = await missingCustomer(ctx.customers, ctx, input.customerId, ['input', 'customerId']);
    return inTransaction(ctx.database, async (tx) => {
      failOn(missing);
      return { opportunity: await openOpportunity(tx, ctx, { ...input, field: ['input'] }) };
    });
  },

  updateOpportunity: (
    _: unknown,
    {
      input,
    }: {
      input: {
        id: string;
        title?: string | null;
        ownerId?: string | null;
        amount?: MoneyInput | null;
        expectedCloseDate?: string | null;
        nextFollowUpAt?: Date | null;
      };
    },
    ctx: SalesContext,
  ) =>
    inTransaction(ctx.database, async (tx) => {
      const current = await openOpportunityForUpdate(tx, ctx, input.id, ['input', 'id']);
      const check = new InputCheck();
      const title = check.text('title', input.title, { max: 200, required: input.title !== undefined });
      const ownerId = check.text('ownerId', input.ownerId, { max: 100 });
      const errors = [...check.errors];
      const manualAmount = input.amount
        ? checkMoney(input.amount, { currency: current.currency, field: ['input', 'amount'] }, errors)
        : undefined;
      failOn(errors);
      const patch = definedOnly({
        title: title ?? undefined,
        ownerId,
        manualAmount: manualAmount ?? undefined,
        expectedCloseDate: input.expectedCloseDate,
        nextFollowUpAt: input.nextFollowUpAt,
      });
      return { opportunity: await opps.updateOpportunity(tx, ctx.tenantId, current.id, patch) };
    }),

  addOpportunityLine: async (
    _: unknown,
    { input }: { input: { opportunityId: string; line: LineInput } },
    ctx: SalesContext,
  ) => {
    const unknownProduct = await missingProduct(ctx.products, ctx, input.line.productId, [
      'input',
      'line',
      'productId',
    ]);
    return inTransaction(ctx.database, async (tx) => {
      const opportunity = await openOpportunityForUpdate(tx, ctx, input.opportunityId, ['input', 'opportunityId']);
      const { values, errors } = lineValues(
        { discountPercent: '0', ...input.line },
        { currency: opportunity.currency, creating: true, field: ['input', 'line'] },
      );
      if ((await opps.linesOfOpportunities(tx, ctx.tenantId, [opportunity.id])).length >= 200) {
        errors.push(userError('TOO_MANY_LINES', ['input', 'opportunityId'], 'An opportunity has at most 200 lines'));
      }
      failOn([...errors, ...unknownProduct]);
      await opps.insertLines(tx, ctx.tenantId, opportunity.id, [values as opps.NewLine]);
      return { opportunity: await opps.updateOpportunity(tx, ctx.tenantId, opportunity.id) };
    });
  },

  updateOpportunityLine: async (_: unknown, { input }: { input: LineInput & { id: string } }, ctx: SalesContext) => {
    const unknownProduct = await missingProduct(ctx.products, ctx, input.productId, ['input', 'productId']);
    return inTransaction(ctx.database, async (tx) => {
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
      return { opportunity: await opps.updateOpportunity(tx, ctx.tenantId, opportunity.id) };
    });
  },

  removeOpportunityLine: (_: unknown, { input }: { input: { id: string } }, ctx: SalesContext) =>
    inTransaction(ctx.database, async (tx) => {
      const { line, opportunity } = await lineForUpdate(tx, ctx, input.id);
      await opps.deleteLine(tx, ctx.tenantId, line.id);
      return { opportunity: await opps.updateOpportunity(tx, ctx.tenantId, opportunity.id) };
    }),

  moveOpportunityStage: (
    _: unknown,
    { input }: { input: { id: string; stageId: string; lostReason?: string | null } },
    ctx: SalesContext,
  ) =>
    inTransaction(ctx.database, async (tx) => {
      const opportunity = await openOpportunityForUpdate(tx, ctx, input.id, ['input', 'id']);
      const stage = liveStages(await allStages(tx, ctx.tenantId)).find((s) => s.id === input.stageId);
      if (!stage) failOn([notFound('Stage', ['input', 'stageId'])]);
      // Moving into LOST is losing: it needs the reason markOpportunityLost asks for.
      const check = new InputCheck();
      const reason = check.text('lostReason', input.lostReason, {
        max: 500,
        required: stage!.kind === 'LOST',
        label: 'lostReason',
      });
      failOn(check.errors);
      return { opportunity: await moveTo(tx, ctx, opportunity, stage!, reason ?? null) };
    }),

  markOpportunityWon: (_: unknown, { input }: { input: { id: string } }, ctx: SalesContext) =>
    inTransaction(ctx.database, async (tx) => {
      const opportunity = await openOpportunityForUpdate(tx, ctx, input.id, ['input', 'id']);
      return { opportunity: await moveTo(tx, ctx, opportunity, await stageOfKind(tx, ctx, 'WON'), null) };
    }),

  markOpportunityLost: (_: unknown, { input }: { input: { id: string; reason: string } }, ctx: SalesContext) =>
    inTransaction(ctx.database, async (tx) => {
      const check = new InputCheck();
      const reason = check.text('reason', input.reason, { max: 500, required: true });
      failOn(check.errors);
      const opportunity = await openOpportunityForUpdate(tx, ctx, input.id, ['input', 'id']);
      return { opportunity: await moveTo(tx, ctx, opportunity, await stageOfKind(tx, ctx, 'LOST'), reason!) };
    }),
};
