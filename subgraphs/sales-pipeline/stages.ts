import { FieldCheck } from '../../lib/check.js';
import type { Queryable } from '../../lib/db.js';
import { failOn, notFound } from '../../lib/errors.js';
import { isUuid, uuidv7 } from '../../lib/ids.js';
import type { SalesWrite } from './context.js';
import { moveAllOpportunities } from './db/opportunity-queries.js';
import {
  allStages,
  countOpportunitiesInStage,
  insertStage,
  liveStages,
  lockLiveStage,
  lockTenant,
  setStagePositions,
  updateStage,
} from './db/queries.js';
import type { StageRow } from './db/schema.js';
import { Code, refuse } from './errors.js';
import type {
  CreatePipelineStageInput,
  DeletePipelineStageInput,
  ReorderPipelineStagesInput,
  UpdatePipelineStageInput,
} from './generated/resolvers.js';
import { checkProbability, defaultStagePosition, insertAt, stageName } from './rules.js';

/** Stage configuration is serialised per tenant: two admins can't interleave their changes. */
async function lockedStages(tx: Queryable, ctx: SalesWrite) {
  await lockTenant(tx, ctx.tenantId);
  return liveStages(await allStages(tx, ctx.tenantId));
}

function liveStage(stages: StageRow[], id: string, field: string[]) {
  const stage = isUuid(id) ? stages.find((s) => s.id === id) : undefined;
  if (!stage) failOn([notFound('Stage', field)]);
  return stage!;
}

const stagesNow = async (tx: Queryable, ctx: SalesWrite) => liveStages(await allStages(tx, ctx.tenantId));

export async function createStage(tx: Queryable, ctx: SalesWrite, input: CreatePipelineStageInput) {
  const stages = await lockedStages(tx, ctx);
  const check = new FieldCheck();
  const name = stageName(check, input.name, stages, null);
  checkProbability(check, input.probability, 'OPEN');
  check.check(
    input.position == null || (Number.isInteger(input.position) && input.position >= 1),
    'position',
    Code.OUT_OF_RANGE,
    'Position is 1-based',
  );
  check.done();
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
  return (await stagesNow(tx, ctx)).find((s) => s.id === id)!;
}

export async function updateStageFields(tx: Queryable, ctx: SalesWrite, input: UpdatePipelineStageInput) {
  const stages = await lockedStages(tx, ctx);
  const stage = liveStage(stages, input.id, ['input', 'id']);
  const check = new FieldCheck();
  const name = input.name != null ? stageName(check, input.name, stages, stage.id) : undefined;
  if (input.probability != null) checkProbability(check, input.probability, stage.kind);
  check.done();
  const patch = {
    ...(name ? { name } : {}),
    ...(input.probability != null ? { probability: input.probability } : {}),
  };
  return Object.keys(patch).length ? updateStage(tx, ctx.tenantId, stage.id, patch) : stage;
}

/** Returns the live stages in their new order. */
export async function reorderStages(tx: Queryable, ctx: SalesWrite, input: ReorderPipelineStagesInput) {
  const stages = await lockedStages(tx, ctx);
  const given = new Set(input.stageIds);
  const complete =
    given.size === input.stageIds.length && given.size === stages.length && stages.every((s) => given.has(s.id));
  if (!complete) refuse(Code.INVALID_ORDER, ['input', 'stageIds'], 'Give every stage id exactly once');
  await setStagePositions(tx, ctx.tenantId, input.stageIds);
  return stagesNow(tx, ctx);
}

/** The stage stays in the history (soft delete); its opportunities move to the target stage. Returns the live stages. */
export async function deleteStage(tx: Queryable, ctx: SalesWrite, input: DeletePipelineStageInput) {
  const stages = await lockedStages(tx, ctx);
  const stage = liveStage(stages, input.id, ['input', 'id']);
  if (stage.kind !== 'OPEN')
    refuse(Code.REQUIRED_STAGE, ['input', 'id'], `There must always be one ${stage.kind} stage`);
  if (stages.filter((s) => s.kind === 'OPEN').length === 1)
    refuse(Code.REQUIRED_STAGE, ['input', 'id'], 'The last OPEN stage cannot be deleted');
  // Waits for anyone putting an opportunity into it, so that the count below includes theirs.
  await lockLiveStage(tx, ctx.tenantId, stage.id, 'update');
  const held = await countOpportunitiesInStage(tx, ctx.tenantId, stage.id);
  if (input.moveOpportunitiesTo) {
    const target = liveStage(stages, input.moveOpportunitiesTo, ['input', 'moveOpportunitiesTo']);
    if (target.id === stage.id || target.kind !== 'OPEN') {
      refuse(Code.INVALID_STAGE, ['input', 'moveOpportunitiesTo'], 'Opportunities move to another OPEN stage');
    }
    if (held > 0) await moveAllOpportunities(tx, ctx.tenantId, stage.id, target.id, new Date());
  } else if (held > 0) {
    refuse(
      Code.STAGE_NOT_EMPTY,
      ['input', 'moveOpportunitiesTo'],
      `The stage holds ${held} opportunities: say where they go`,
    );
  }
  await updateStage(tx, ctx.tenantId, stage.id, { deletedAt: new Date() });
  await setStagePositions(
    tx,
    ctx.tenantId,
    stages.filter((s) => s.id !== stage.id).map((s) => s.id),
  );
  return stagesNow(tx, ctx);
}
