import type { SubgraphName } from '../../lib/config.js';
import type { EventEnvelope, EventPayloads, EventType } from '../../lib/events/catalog.js';
import { EVENT_CATALOG } from '../../lib/events/catalog.js';
import { EVENT_SIGNATURE_HEADER, signDelivery } from '../../lib/events/signature.js';
import { uuidv7 } from '../../lib/ids.js';
import type { Stack } from './stack.js';

/** An event as a publisher would write it. */
export function envelope<T extends EventType>(
  tenantId: string,
  type: T,
  payload: EventPayloads[T],
  id = uuidv7(),
): EventEnvelope<T> {
  return { id, type, version: EVENT_CATALOG[type].version, tenantId, occurredAt: new Date().toISOString(), payload };
}

/**
 * Delivers an event (or a raw body) to a subscriber's /events endpoint exactly as a relay does:
 * signed for that subscriber, unless `secret` or `signature` say otherwise (null sends none).
 */
export async function deliver(
  stack: Stack,
  subscriber: SubgraphName,
  event: unknown,
  opts: { secret?: string; signature?: string | null } = {},
) {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const signature =
    opts.signature === undefined
      ? signDelivery(opts.secret ?? stack.secrets.signingSecret, subscriber, body)
      : opts.signature;
  const res = await fetch(stack.eventUrls[subscriber], {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature === null ? {} : { [EVENT_SIGNATURE_HEADER]: signature }),
    },
    body,
  });
  return {
    status: res.status,
    body: (await res.json()) as { status?: string; errors?: { message: string; extensions: { code: string } }[] },
  };
}

/**
 * A real HTTP hop in front of a subscriber's /events endpoint, to make the network misbehave:
 * `answer` decides per request whether to fail it, forward it, or forward it and then hold the
 * answer back. It records the event id of every request it saw.
 */
export async function startEventProxy(
  target: string,
  answer: (n: number, eventId: string) => 'forward' | 'fail' | { status: number } | { hold: Promise<void> } = () =>
    'forward',
) {
  const { createServer } = await import('node:http');
  const seen: string[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const eventId = (JSON.parse(body) as { id: string }).id;
    seen.push(eventId);
    const action = answer(seen.length, eventId);
    if (action === 'fail' || (typeof action === 'object' && 'status' in action)) {
      const status = action === 'fail' ? 503 : action.status;
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ errors: [{ message: `answered ${status} by the proxy` }] }));
      return;
    }
    const forwarded = await fetch(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [EVENT_SIGNATURE_HEADER]: String(req.headers[EVENT_SIGNATURE_HEADER]),
      },
      body,
    });
    const text = await forwarded.text();
    if (typeof action === 'object' && 'hold' in action) await action.hold;
    res.writeHead(forwarded.status, { 'content-type': 'application/json' }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    seen,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
