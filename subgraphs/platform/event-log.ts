import { badInput, notFound, type UserError } from '../../lib/errors.js';
import type { ListedEvent } from '../../lib/events/admin.js';
import { EVENT_CATALOG, isEventType } from '../../lib/events/catalog.js';
import { isUuid } from '../../lib/ids.js';
import { pageWindow, toConnection, type Connection } from '../../lib/pagination.js';
import type { Outcome } from '../../lib/transaction.js';
import type { PlatformContext } from './context.js';
import { Code, userError } from './errors.js';
import type { QueryEventsArgs, ReplayDeadLettersInput, ReplayEventInput } from './generated/resolvers.js';

/*
 * The event log's admin operations. They live in this subgraph only because one subgraph must own
 * the root fields; the log itself is every subgraph's outbox (lib/events/event-log.ts).
 */

/** Who asks: the tenant, and the client of every subgraph's outbox. */
type Caller = Pick<PlatformContext, 'tenantId' | 'eventLog'>;

const SUBSCRIBERS = new Set(Object.values(EVENT_CATALOG).flatMap((e) => e.subscribers as readonly string[]));

const refused = (error: UserError) => ({ value: null, userErrors: [error] });

/** The tenant's events, newest first, whichever subgraph published them; ids (UUIDv7) are the cursors. */
export async function eventPage(ctx: Caller, args: QueryEventsArgs): Promise<Connection<ListedEvent>> {
  const window = pageWindow({ first: args.first, after: args.after });
  const before = window.cursor?.id ?? null;
  if (before !== null && !isUuid(before)) throw badInput('"after" is not a valid cursor', 'after');
  const { type, since, state } = args.filter ?? {};
  const page = await ctx.eventLog.list(ctx.tenantId, {
    size: window.size,
    before,
    type,
    since: since ? since.toISOString() : since,
    state,
  });
  return toConnection(
    page.events,
    window,
    (e) => ({ value: e.id, id: e.id }),
    async () => page.totalCount,
  );
}

async function eventById(ctx: Caller, id: string): Promise<ListedEvent | null> {
  return (await ctx.eventLog.list(ctx.tenantId, { size: 1, id })).events[0] ?? null;
}

/** Sends an event's dead-lettered deliveries again; the event as it is now and how many were sent. */
export async function replayEvent(
  ctx: Caller,
  input: ReplayEventInput,
): Promise<Outcome<{ event: ListedEvent; replayed: number }>> {
  const field = ['input', 'id'];
  if (!isUuid(input.id)) return refused(notFound('Event', field));
  const replayed = await ctx.eventLog.replay(ctx.tenantId, { eventId: input.id });
  const event = await eventById(ctx, input.id);
  if (!event) return refused(notFound('Event', field));
  if (replayed === 0) {
    return refused(
      userError(
        Code.NOTHING_TO_REPLAY,
        field,
        `The event is ${event.state}: only dead-lettered deliveries are replayed`,
      ),
    );
  }
  return { value: { event, replayed }, userErrors: [] };
}

/** Sends every dead-lettered delivery again (of one event type, to one subscriber); how many were sent. */
export async function replayDeadLetters(ctx: Caller, input: ReplayDeadLettersInput): Promise<Outcome<number>> {
  if (input.subscriber != null && !SUBSCRIBERS.has(input.subscriber)) {
    return refused(
      userError(Code.UNKNOWN_SUBSCRIBER, ['input', 'subscriber'], `Subscribers are ${[...SUBSCRIBERS].join(', ')}`),
    );
  }
  if (input.type != null && !isEventType(input.type))
    return refused(userError(Code.UNKNOWN_EVENT_TYPE, ['input', 'type'], `${input.type} is not an event type`));
  const replayed = await ctx.eventLog.replay(ctx.tenantId, {
    type: input.type ?? null,
    subscriber: input.subscriber ?? null,
  });
  return { value: replayed, userErrors: [] };
}
