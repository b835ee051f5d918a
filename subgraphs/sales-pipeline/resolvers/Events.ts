import { badInput, notFound, userError } from '../../../lib/errors.js';
import type { EventState, ListedEvent } from '../../../lib/events/admin.js';
import { EVENT_CATALOG, isEventType } from '../../../lib/events/catalog.js';
import { isUuid } from '../../../lib/ids.js';
import { pageWindow, toConnection } from '../../../lib/pagination.js';
import type { SalesContext } from '../context.js';

/**
 * The event log's admin entry points. They live in this subgraph only because one subgraph must
 * own a root field; the log itself is every subgraph's outbox (lib/events/event-log.ts).
 */
export const eventQueries = {
  events: async (
    _: unknown,
    args: {
      first?: number | null;
      after?: string | null;
      filter?: { type?: string | null; since?: string | null; state?: EventState | null } | null;
    },
    ctx: SalesContext,
  ) => {
    const window = pageWindow({ first: args.first, after: args.after });
    const before = window.cursor?.id ?? null;
    if (before !== null && !isUuid(before)) throw badInput('"after" is not a valid cursor', 'after');
    const page = await ctx.eventLog.list(ctx.tenantId, { size: window.size, before, ...args.filter });
    return toConnection(
      page.events,
      window,
      (e) => ({ value: e.id, id: e.id }),
      async () => page.totalCount,
    );
  },
};

export const eventMutations = {
  replayEvent: async (_: unknown, { input }: { input: { id: string } }, ctx: SalesContext) => {
    const fail = (code: string, message: string) => ({
      event: null,
      replayed: 0,
      userErrors: [userError(code, ['input', 'id'], message)],
    });
    if (!isUuid(input.id)) return { event: null, replayed: 0, userErrors: [notFound('Event', ['input', 'id'])] };
    const replayed = await ctx.eventLog.replay(ctx.tenantId, { eventId: input.id });
    const event = await eventById(ctx, input.id);
    if (!event) return { event: null, replayed: 0, userErrors: [notFound('Event', ['input', 'id'])] };
    if (replayed === 0)
      return fail('NOTHING_TO_REPLAY', `The event is ${event.state}: only dead-lettered deliveries are replayed`);
    return { event, replayed, userErrors: [] };
  },

  replayDeadLetters: async (
    _: unknown,
    { input }: { input: { type?: string | null; subscriber?: string | null } },
    ctx: SalesContext,
  ) => {
    if (input.subscriber != null && !SUBSCRIBERS.has(input.subscriber)) {
      return {
        replayed: 0,
        userErrors: [
          userError('UNKNOWN_SUBSCRIBER', ['input', 'subscriber'], `Subscribers are ${[...SUBSCRIBERS].join(', ')}`),
        ],
      };
    }
    if (input.type != null && !isEventType(input.type))
      return {
        replayed: 0,
        userErrors: [userError('UNKNOWN_EVENT_TYPE', ['input', 'type'], `${input.type} is not an event type`)],
      };
    return {
      replayed: await ctx.eventLog.replay(ctx.tenantId, {
        type: input.type ?? null,
        subscriber: input.subscriber ?? null,
      }),
      userErrors: [],
    };
  },
};

const SUBSCRIBERS = new Set(Object.values(EVENT_CATALOG).flatMap((e) => e.subscribers as readonly string[]));

async function eventById(ctx: SalesContext, id: string): Promise<ListedEvent | null> {
  return (await ctx.eventLog.list(ctx.tenantId, { size: 1, id })).events[0] ?? null;
}
