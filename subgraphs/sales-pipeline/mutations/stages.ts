import type { Queryable } from '../../../lib/db.js';
import { notFound, userError, type UserError } from '../../../lib/errors.js';
import { isUuid, uuidv7 } from '../../../lib/ids.js';
import { failOn, inTransaction } from '../../../lib/mutation.js';
import type { SalesContext } from '../context.js';
import { moveAllOpportunities } from '../db/opportunity-queries.js';
import {
  allStages,
  countOpportunitiesInStage,
  insertStage,
  liveStages,
  lockLiveStage,
  lockTenant,
  setStagePositions,
  updateStage,
} from '../db/queries.js';
import { checkProbability, checkStageName, defaultStagePosition, insertAt } from '../rules.js';

/** Stage configuration is serialised per tenant: two admins can't interleave their changes. */
async function lockedStages(tx: Queryable, ctx: SalesContext) {
  await lockTenant(tx, ctx.tenantId);
  return liveStages(await allStages(tx, ctx.tenantId));
}

function liveStage(stages: Awaited<ReturnType<typeof lockedStages>>, id: string, field: string[]) {
  const stage = isUuid(id) ? stages.find((s) => s.id === id) : undefined;
  if (!stage) failOn([notFound('Stage', field)]);
  return stage!;
}

const stagesNow = async (tx: Queryable, ctx: SalesContext) => ({
  stages: liveStages(await allStages(tx, ctx.tenantId)),
});

export const stageMutations = {
  createPipelineStage: (
    _: unknown,
    { input }: { input: { name: string; probability: number; position?: number | null } },
    ctx: SalesContext,
  ) =>
    inTransaction(ctx.database, async (tx) => {
      const stages = await lockedStages(tx, ctx);
      const errors: UserError[] = [];
      const name = checkStageName(input.name, stages, null, errors);
      checkProbability(input.probability, 'OPEN', errors);
      if (input.position != null && (!Number.isInteger(input.position) || input.position < 1)) {
        errors.push(userError('INVALID_POSITION', ['input', 'position'], 'Position is 1-based'));
      }
      failOn(errors);
      const id = uuidv7();
      await insertStage(tx, {
        tenantId: ctx.tenantId,
        id,
        name,
        probability: input.probability,
        kind: 'OPEN',
        position: stages.length + 1,
      });
      await setStagePositions(
        tx,
        ctx.tenantId,
        insertAt(
          stages.map((s) => s.id),
          id,
          input.position ?? defaultStagePosition(stages),
        ),
      );
      return { stage: liveStages(await allStages(tx, ctx.tenantId)).find((s) => s.id === id)! };
    }),

  updatePipelineStage: (
    _: unknown,
    { input }: { input: { id: string; name?: string | null; probability?: number | null } },
    ctx: SalesContext,
  ) =>
    inTransaction(ctx.database, async (tx) => {
      const stages = await lockedStages(tx, ctx);
      const stage = liveStage(stages, input.id, ['input', 'id']);
      const errors: UserError[] = [];
      const name = input.name != null ? checkStageName(input.name, stages, stage.id, errors) : undefined;
      if (input.probability != null) checkProbability(input.probability, stage.kind, errors);
      failOn(errors);
      const patch = {
        ...(name ? { name } : {}),
        ...(input.probability != null ? { probability: input.probability } : {}),
      };
      return { stage: Object.keys(patch).length ? await updateStage(tx, ctx.tenantId, stage.id, patch) : stage };
    }),

  reorderPipelineStages: (_: unknown, { input }: { input: { stageIds: string[] } }, ctx: SalesContext) =>
    inTransaction(
      ctx.database,
      async (tx) => {
        const stages = await lockedStages(tx, ctx);
        const given = new Set(input.stageIds);
        const complete =
          given.size === input.stageIds.length && given.size === stages.length && stages.every((s) => given.has(s.id));
        if (!complete) failOn([userError('INVALID_ORDER', ['input', 'stageIds'], 'Give every stage id exactly once')]);
        await setStagePositions(tx, ctx.tenantId, input.stageIds);
        return stagesNow(tx, ctx);
      },
      { stages: [] },
    ),

  /** The stage stays in the history (soft delete); its opportunities move to the target stage. */
  deletePipelineStage: (
    _: unknown,
    { input }: { input: { id: string; moveOpportunitiesTo?: string | null } },
    ctx: SalesContext,
  ) =>
    inTransaction(
      ctx.database,
      async (tx) => {
        const stages = await lockedStages(tx, ctx);
        const stage = liveStage(stages, input.id, ['input', 'id']);
        if (stage.kind !== 'OPEN')
          failOn([userError('REQUIRED_STAGE', ['input', 'id'], `There must always be one ${stage.kind} stage`)]);
        if (stages.filter((s) => s.kind === 'OPEN').length === 1)
          failOn([userError('LAST_OPEN_STAGE', ['input', 'id'], 'The last OPEN stage cannot be deleted')]);
        // Waits for anyone putting an opportunity into it, so that the count below includes theirs.
        await lockLiveStage(tx, ctx.tenantId, stage.id, 'update');
        const held = await countOpportunitiesInStage(tx, ctx.tenantId, stage.id);
        if (input.moveOpportunitiesTo) {
          const target = liveStage(stages, input.moveOpportunitiesTo, ['input', 'moveOpportunitiesTo']);
          if (target.id === stage.id || target.kind !== 'OPEN') {
            failOn([
              userError('INVALID_TARGET', ['input', 'moveOpportunitiesTo'], 'Opportunities move to another OPEN stage'),
            ]);
          }
          if (held > 0) await moveAllOpportunities(tx, ctx.tenantId, stage.id, target.id, new Date());
        } else if (held > 0) {
          failOn([
            userError(
              'STAGE_NOT_EMPTY',
              ['input', 'moveOpportunitiesTo'],
              `The stage holds ${held} opportunities: say where they go`,
            ),
          ]);
        }
        await updateStage(tx, ctx.tenantId, stage.id, { deletedAt: new Date() });
        await setStagePositions(
          tx,
          ctx.tenantId,
          stages.filter((s) => s.id !== stage.id).map((s) => s.id),
        );
        return stagesNow(tx, ctx);
      },
      { stages: [] },
    ),
};
