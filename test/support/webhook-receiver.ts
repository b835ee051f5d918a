import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A webhook receiver's signature check, written from the Standard Webhooks specification alone
 * (not from the project's signing code): the secret is `whsec_` + base64 of the key; the signed
 * content is `{webhook-id}.{webhook-timestamp}.{raw body}`; `webhook-signature` holds one or more
 * space-separated `v1,<base64 HMAC-SHA256>`, and one matching is enough; a timestamp more than
 * five minutes away is refused (replay protection).
 */
export function verifyStandardWebhook(secret: string, headers: IncomingHttpHeaders, rawBody: string): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 5 * 60) return false;
  if (!secret.startsWith('whsec_')) return false;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Answer only after this long. */
  delayMs?: number;
}

/**
 * A real HTTP receiver on 127.0.0.1 recording what it is sent; `reply(n, request)` decides each
 * answer (n counts from 1). It answers 204 by default.
 */
export async function webhookReceiver(reply: (n: number, request: Received) => Reply = () => ({})) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(request);
      const answer = reply(received.length, request);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status ?? 204, answer.headers);
        res.end(answer.body);
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    /** The bodies received, parsed. */
    events: () => received.map((r) => JSON.parse(r.body) as { type: string; timestamp: string; data: any }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type Receiver = Awaited<ReturnType<typeof webhookReceiver>>;

export const SUBSCRIPTION_FIELDS = 'id url eventTypes active disabledReason description createdAt';
export const DELIVERY_FIELDS =
  'id webhookId eventType status attempts lastStatusCode lastError lastDurationMs nextAttemptAt deliveredAt createdAt attemptLog { attempt statusCode durationMs error responseBody }';

interface Caller {
  query<T = any>(
    token: string,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ data?: T; errors?: unknown[] }>;
}

/** Subscribes `url` to `eventTypes` through the gateway; fails on any error. */
export async function subscribe(stack: Caller, token: string, url: string, eventTypes: string[]) {
  const res = await stack.query(
    token,
    `mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) {
      webhookSubscription { ${SUBSCRIPTION_FIELDS} } secret userErrors { code field message } } }`,
    { input: { url, eventTypes } },
  );
  if (res.errors || res.data.createWebhookSubscription.userErrors.length)
    throw new Error(JSON.stringify(res.errors ?? res.data.createWebhookSubscription.userErrors));
  const { webhookSubscription, secret } = res.data.createWebhookSubscription;
  return { id: webhookSubscription.id as string, secret: secret as string, subscription: webhookSubscription };
}

/** A subscription's deliveries, newest first. */
export async function deliveriesOf(stack: Caller, token: string, subscriptionId: string, filter: object = {}) {
  const res = await stack.query(
    token,
    `query($id: ID!, $filter: WebhookDeliveryFilter) { webhookDeliveries(subscriptionId: $id, first: 100, filter: $filter) {
      totalCount nodes { ${DELIVERY_FIELDS} } } }`,
    { id: subscriptionId, filter },
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data.webhookDeliveries.nodes as any[];
}
