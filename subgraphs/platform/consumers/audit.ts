import type { AuditRecord } from '../../../lib/audit.js';
import { FieldCheck } from '../../../lib/check.js';
import { SUBGRAPHS } from '../../../lib/config.js';
import type { Queryable } from '../../../lib/db.js';
import { InputErrorCode } from '../../../lib/errors.js';
import type { EventEnvelope } from '../../../lib/events/catalog.js';
import type { PlatformWrite } from '../context.js';
import { insertAuditEntry } from '../db/queries.js';

const ACTOR_KINDS = new Set(['USER', 'API_KEY', 'EVENT']);

const optionalText = (c: FieldCheck, field: string, value: unknown, max: number) => {
  if (value !== null) c.someText(field, value, max);
  return value as string | null;
};

/** The entry as sent, checked: it came from another service, and an entry is kept for good. */
function entryOf(p: AuditRecord): AuditRecord {
  const c = new FieldCheck(['payload']);
  const invalid = InputErrorCode.INVALID_TEXT;
  c.uuid('id', p.id);
  c.check(
    typeof p.occurredAt === 'string' && !Number.isNaN(Date.parse(p.occurredAt)),
    'occurredAt',
    InputErrorCode.INVALID_DATE,
    'occurredAt must be a timestamp',
  );
  c.someText('actorId', p.actorId, 200);
  c.check(ACTOR_KINDS.has(p.actorKind), 'actorKind', invalid, 'actorKind must be USER, API_KEY or EVENT');
  optionalText(c, 'operationName', p.operationName, 200);
  c.someText('field', p.field, 200);
  c.check(Object.hasOwn(SUBGRAPHS, p.service), 'service', invalid, 'service must be a subgraph');
  const ids = c.list('entityIds', p.entityIds, { min: 0, max: 1000 });
  c.check(
    ids.every((id) => typeof id === 'string'),
    'entityIds',
    invalid,
    'entityIds must be strings',
  );
  c.check(p.outcome === 'SUCCEEDED', 'outcome', invalid, 'outcome must be SUCCEEDED');
  c.someText('requestId', p.requestId, 200);
  optionalText(c, 'clientIp', p.clientIp, 64);
  c.check(
    p.input === null || (typeof p.input === 'object' && !Array.isArray(p.input)),
    'input',
    invalid,
    'input must be an object or null',
  );
  c.done();
  return p;
}

/**
 * audit.recorded: a subgraph's committed change, into platform.audit_log under the id it was made
 * with (a redelivery would change nothing even past the inbox).
 */
export async function onAuditRecorded(tx: Queryable, ctx: PlatformWrite, event: EventEnvelope<'audit.recorded'>) {
  await insertAuditEntry(tx, ctx.tenantId, entryOf(event.payload));
}
