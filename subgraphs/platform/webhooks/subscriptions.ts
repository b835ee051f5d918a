import { FieldCheck } from '../../../lib/check.js';
import type { Queryable } from '../../../lib/db.js';
import { uuidv7 } from '../../../lib/ids.js';
import { findOrFail } from '../../../lib/transaction.js';
import type { PlatformWrite } from '../context.js';
import { webhookSubscriptions, type WebhookSubscriptionRow } from '../db/schema.js';
import { deleteSubscription, lockSubscription, updateSubscription } from '../db/webhook-queries.js';
import { Code } from '../errors.js';
import type {
  CreateWebhookSubscriptionInput,
  DeleteWebhookSubscriptionInput,
  RotateWebhookSecretInput,
  UpdateWebhookSubscriptionInput,
} from '../generated/resolvers.js';
import type { UrlProblem } from './addresses.js';
import { isPublicEventType, PUBLIC_EVENTS } from './payloads.js';
import { newWebhookSecret, type SecretVault } from './secrets.js';

/** After a rotation the previous secret signs alongside the new one this long. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

/** What the resolver learnt about the URL before the transaction (it resolves the host: network, not SQL). */
export type UrlVerdict = UrlProblem | null;

function checkedFields(
  check: FieldCheck,
  input: { url?: string | null; eventTypes?: readonly string[] | null; description?: string | null },
  url: UrlVerdict,
) {
  if (url) check.add('url', Code[url.code], url.message);
  const description = check.text('description', input.description, { max: 200 });
  let eventTypes: string[] | undefined;
  if (input.eventTypes) {
    eventTypes = [...new Set(input.eventTypes.map((t) => t.trim()))];
    check.count('eventTypes', eventTypes, {
      max: Object.keys(PUBLIC_EVENTS).length,
      required: true,
      what: 'event type',
    });
    eventTypes.forEach((type, i) => {
      if (!isPublicEventType(type))
        check.add(`eventTypes.${i}`, Code.UNKNOWN_WEBHOOK_EVENT_TYPE, `${type} is not a webhook event type`);
    });
  }
  return { description, eventTypes };
}

/** A new subscription and its secret, which is shown once and stored sealed. */
export async function createWebhookSubscription(
  tx: Queryable,
  ctx: PlatformWrite,
  input: CreateWebhookSubscriptionInput,
  url: UrlVerdict,
  vault: SecretVault,
): Promise<{ webhookSubscription: WebhookSubscriptionRow; secret: string }> {
  const check = new FieldCheck();
  const { description, eventTypes } = checkedFields(check, input, url);
  check.done();
  const secret = newWebhookSecret();
  const [webhookSubscription] = await tx
    .insert(webhookSubscriptions)
    .values({
      tenantId: ctx.tenantId,
      id: uuidv7(),
      url: input.url.trim(),
      description: description ?? null,
      eventTypes: eventTypes!,
      secret: vault.seal(secret),
    })
    .returning();
  return { webhookSubscription, secret };
}

const subscriptionFor = (tx: Queryable, ctx: PlatformWrite, id: string) =>
  findOrFail(id, (id) => lockSubscription(tx, ctx.tenantId, id), 'Webhook subscription', ['input', 'id']);

/** Changes what was given; `active: true` re-enables a disabled subscription with a clean slate. */
export async function updateWebhookSubscription(
  tx: Queryable,
  ctx: PlatformWrite,
  input: UpdateWebhookSubscriptionInput,
  url: UrlVerdict,
): Promise<WebhookSubscriptionRow> {
  const current = await subscriptionFor(tx, ctx, input.id);
  const check = new FieldCheck();
  const { description, eventTypes } = checkedFields(check, input, url);
  check.done();
  const activation =
    input.active == null
      ? {}
      : input.active
        ? { active: true, disabledReason: null, failingSince: null, failedInARow: 0 }
        : { active: false };
  return updateSubscription(tx, ctx.tenantId, current.id, {
    ...(input.url ? { url: input.url.trim() } : {}),
    ...(eventTypes ? { eventTypes } : {}),
    ...(description !== undefined ? { description } : {}),
    ...activation,
  });
}

/** A new secret; the current one keeps signing beside it for ROTATION_OVERLAP_MS. */
export async function rotateWebhookSecret(
  tx: Queryable,
  ctx: PlatformWrite,
  input: RotateWebhookSecretInput,
  vault: SecretVault,
): Promise<{ webhookSubscription: WebhookSubscriptionRow; secret: string }> {
  const current = await subscriptionFor(tx, ctx, input.id);
  const secret = newWebhookSecret();
  const webhookSubscription = await updateSubscription(tx, ctx.tenantId, current.id, {
    secret: vault.seal(secret),
    previousSecret: current.secret,
    previousSecretExpiresAt: new Date(Date.now() + ROTATION_OVERLAP_MS),
  });
  return { webhookSubscription, secret };
}

export async function deleteWebhookSubscription(
  tx: Queryable,
  ctx: PlatformWrite,
  input: DeleteWebhookSubscriptionInput,
): Promise<string> {
  const current = await subscriptionFor(tx, ctx, input.id);
  await deleteSubscription(tx, ctx.tenantId, current.id);
  return current.id;
}
