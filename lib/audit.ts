import type { ActorKind } from './auth.js';
import type { SubgraphName } from './config.js';
import type { BaseContext } from './context.js';
import type { Queryable } from './db.js';
import type { EventEnvelope } from './events/catalog.js';
import type { Outbox } from './events/outbox.js';
import { uuidv7 } from './ids.js';

/*
 * The audit trail: one entry per committed change, written in the transaction of the change, so
 * that a change and its entry commit or roll back together. Every subgraph but platform sends its
 * entries through its own outbox (`audit.recorded`, consumed by platform into platform.audit_log);
 * platform writes its own straight into that table.
 */

/** One committed change as platform.audit_log keeps it (the tenant travels beside it). */
export interface AuditRecord {
  /** UUIDv7, made with the change: the entry's id, so that a redelivery writes nothing new. */
  id: string;
  occurredAt: string;
  /** The user, the API key, or for an event handler the event's id. */
  actorId: string;
  actorKind: ActorKind;
  operationName: string | null;
  /** The mutation field (createCustomer), or for an event handler the event type. */
  field: string;
  service: SubgraphName;
  entityIds: string[];
  outcome: 'SUCCEEDED';
  requestId: string;
  clientIp: string | null;
  /** The mutation's input (an event handler's: the event's payload), secrets redacted. */
  input: Record<string, unknown> | null;
}

/** Where a subgraph writes its entries, inside the transaction of the change. */
export type AuditSink = (tx: Queryable, tenantId: string, record: AuditRecord) => Promise<void>;

/** The entry travels to platform as an event in the changing subgraph's own outbox. */
export const outboxSink =
  (outbox: Outbox): AuditSink =>
  async (tx, tenantId, record) => {
    await outbox.publish(tx, tenantId, 'audit.recorded', record);
  };

/** A mutation being resolved: its field and its `input` argument. */
export interface AuditedMutation {
  field: string;
  input: unknown;
}

/** A request's audit trail: which subgraph, where its entries go, and the mutation being resolved. */
export interface AuditTrail {
  service: SubgraphName;
  sink: AuditSink;
  /**
   * Noted by createSubgraph before each Mutation resolver runs (mutations run one after another);
   * null outside mutations, where inTransaction records nothing.
   */
  mutation: AuditedMutation | null;
}

/** Who acts, as every request context says. */
export type Actor = Pick<BaseContext, 'userId' | 'actorKind' | 'operationName' | 'requestId' | 'clientIp'>;

const SECRET_KEY = /secret|password|token|api.?key|authorization|credential/i;
export const REDACTED = '[REDACTED]';

/** `value` with every property whose name looks like a secret's replaced by "[REDACTED]", at any depth. */
export function redacted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redacted);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key, SECRET_KEY.test(key) ? REDACTED : redacted(v)]),
    );
  return value;
}

/** An input as JSON (dates as ISO strings, undefined dropped) with its secrets redacted; null if not an object. */
export function auditInput(input: unknown): Record<string, unknown> | null {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return null;
  return redacted(JSON.parse(JSON.stringify(input))) as Record<string, unknown>;
}

const idOf = (value: unknown): string | null => {
  const id = value !== null && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : null;
};

/**
 * The ids a write's result names, generically: the result itself when it is an id, the `id` of
 * the result or of its items, and the `id` of each object-valued property (or of its items) one
 * level down. `{ apiKey: { id }, secret }` gives the key's id; `[{ id }, { id }]` both ids.
 */
export function entityIdsOf(result: unknown): string[] {
  const ids: (string | null)[] = [];
  const itemsOrSelf = (value: unknown) => (Array.isArray(value) ? value.map(idOf) : [idOf(value)]);
  if (typeof result === 'string') ids.push(result);
  else if (Array.isArray(result)) ids.push(...itemsOrSelf(result));
  else if (result !== null && typeof result === 'object') {
    ids.push(idOf(result));
    for (const value of Object.values(result))
      if (value !== null && typeof value === 'object') ids.push(...itemsOrSelf(value));
  }
  return [...new Set(ids.filter((id): id is string => id !== null && id !== ''))];
}

/**
 * The entry of a mutation's committed change: `result` is what the transaction returned,
 * `alsoChanged` what the domain operation noted besides (WriteContext.changedIds).
 */
export function mutationRecord(
  actor: Actor,
  service: SubgraphName,
  mutation: AuditedMutation,
  result: unknown,
  alsoChanged: readonly string[] = [],
): AuditRecord {
  return {
    id: uuidv7(),
    occurredAt: new Date().toISOString(),
    // An event handler's internal calls act as the event, whose id is their request id.
    actorId: actor.actorKind === 'EVENT' ? actor.requestId : actor.userId,
    actorKind: actor.actorKind,
    operationName: actor.operationName,
    field: mutation.field,
    service,
    entityIds: [...new Set([...entityIdsOf(result), ...alsoChanged])],
    outcome: 'SUCCEEDED',
    requestId: actor.requestId,
    clientIp: actor.clientIp,
    input: auditInput(mutation.input),
  };
}

/** The entry of an event handler's change: the event acts (its id is actor and request id). */
export function eventRecord(
  service: SubgraphName,
  event: EventEnvelope,
  result: unknown,
  alsoChanged: readonly string[] = [],
): AuditRecord {
  return {
    id: uuidv7(),
    occurredAt: new Date().toISOString(),
    actorId: event.id,
    actorKind: 'EVENT',
    operationName: null,
    field: event.type,
    service,
    entityIds: [...new Set([...entityIdsOf(result), ...alsoChanged])],
    outcome: 'SUCCEEDED',
    requestId: event.id,
    clientIp: null,
    input: auditInput(event.payload),
  };
}

/**
 * Records a change made elsewhere, which no transaction of this subgraph covers (platform's
 * replayEvent/replayDeadLetters reset other subgraphs' outboxes over HTTP): written after the
 * change succeeded, the one case where a change and its entry are not atomic.
 */
export async function recordAfterwards(
  ctx: Actor & { tenantId: string; audit: AuditTrail; database: { db: Queryable } },
  result: unknown,
): Promise<void> {
  const { mutation, service, sink } = ctx.audit;
  if (mutation) await sink(ctx.database.db, ctx.tenantId, mutationRecord(ctx, service, mutation, result));
}
