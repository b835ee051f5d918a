import { FieldCheck } from '../../lib/check.js';
import type { Queryable } from '../../lib/db.js';
import { uuidv7 } from '../../lib/ids.js';
import type { SalesWrite } from './context.js';
import { insertCampaign } from './db/queries.js';
import { Code } from './errors.js';
import type { CreateCampaignInput } from './generated/resolvers.js';

/** A marketing campaign leads can name; its spend is in the tenant's currency. */
export async function createCampaign(tx: Queryable, ctx: SalesWrite, input: CreateCampaignInput) {
  const check = new FieldCheck();
  const name = check.text('name', input.name, { max: 200, required: true });
  const channel = check.text('channel', input.channel, { max: 100 });
  check.check(
    !input.startsOn || !input.endsOn || input.startsOn <= input.endsOn,
    'endsOn',
    Code.INVALID_DATE_RANGE,
    'endsOn must not be before startsOn',
  );
  const spend = input.spend ? check.money('spend', input.spend, { currency: ctx.settings.currency }) : '0';
  check.done();
  return insertCampaign(tx, {
    tenantId: ctx.tenantId,
    id: uuidv7(),
    name: name!,
    channel: channel ?? null,
    startsOn: input.startsOn ?? null,
    endsOn: input.endsOn ?? null,
    spend: spend!,
    createdAt: new Date(),
  });
}
