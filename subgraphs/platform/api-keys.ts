import { ALL_SCOPES } from '../../lib/auth.js';
import { newApiKeySecret } from '../../lib/api-keys.js';
import { FieldCheck } from '../../lib/check.js';
import type { Queryable } from '../../lib/db.js';
import { uuidv7 } from '../../lib/ids.js';
import { findOrFail } from '../../lib/transaction.js';
import { eq, and } from 'drizzle-orm';
import type { PlatformWrite } from './context.js';
import { apiKeysByIds } from './db/queries.js';
import { apiKeys, type ApiKeyRow } from './db/schema.js';
import { Code, refuse } from './errors.js';
import type { CreateApiKeyInput, RevokeApiKeyInput } from './generated/resolvers.js';

const KNOWN_SCOPES: ReadonlySet<string> = new Set(ALL_SCOPES);

/**
 * Creates a key with a subset of the creator's scopes. Returns the row and the secret, which is
 * not stored anywhere: only its hash is.
 */
export async function createApiKey(
  tx: Queryable,
  ctx: PlatformWrite,
  input: CreateApiKeyInput,
): Promise<{ apiKey: ApiKeyRow; secret: string }> {
  const check = new FieldCheck();
  const name = check.text('name', input.name, { max: 100, required: true });
  const scopes = [...new Set(input.scopes.map((s) => s.trim()))];
  check.count('scopes', scopes, { max: ALL_SCOPES.length, required: true, what: 'scope' });
  scopes.forEach((scope, i) => {
    if (!KNOWN_SCOPES.has(scope)) check.add(`scopes.${i}`, Code.UNKNOWN_SCOPE, `${scope} is not a scope`);
    else if (!ctx.scopes.has(scope))
      check.add(`scopes.${i}`, Code.SCOPE_NOT_HELD, `A key can only have scopes you have; you lack ${scope}`);
  });
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now())
    check.add('expiresAt', Code.EXPIRY_IN_PAST, 'expiresAt must lie in the future');
  check.done();
  const { secret, secretHash, prefix } = newApiKeySecret();
  const [apiKey] = await tx
    .insert(apiKeys)
    .values({
      tenantId: ctx.tenantId,
      id: uuidv7(),
      name: name!,
      prefix,
      secretHash,
      scopes,
      createdBy: ctx.userId,
      expiresAt: input.expiresAt ?? null,
    })
    .returning();
  return { apiKey, secret };
}

/** Revokes a key of the tenant; the gateway's caches drop it within their 30 s. */
export async function revokeApiKey(tx: Queryable, ctx: PlatformWrite, input: RevokeApiKeyInput): Promise<ApiKeyRow> {
  const field = ['input', 'id'];
  const key = await findOrFail(
    input.id,
    async (id) => (await apiKeysByIds(tx, ctx.tenantId, [id]))[0],
    'API key',
    field,
  );
  if (key.revokedAt) refuse(Code.ALREADY_REVOKED, field, 'The key was revoked already');
  const [revoked] = await tx
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.tenantId, ctx.tenantId), eq(apiKeys.id, key.id)))
    .returning();
  return revoked;
}
