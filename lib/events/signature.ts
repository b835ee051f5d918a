import { createHmac, timingSafeEqual } from 'node:crypto';

export const EVENT_SIGNATURE_HEADER = 'x-event-signature';

/** How far a delivery's timestamp may be from the receiver's clock. */
const TOLERANCE_SECONDS = 300;

const digest = (secret: string, audience: string, timestamp: number, body: string) =>
  createHmac('sha256', secret).update(`${audience}.${timestamp}.${body}`).digest('hex');

/**
 * Signs a delivery for one receiving subgraph (`t=<unix seconds>,v1=<hex>`): another subgraph, or
 * the same body much later, does not verify. Replays inside the window are harmless: the inbox
 * ignores an event it has seen.
 */
export function signDelivery(secret: string, audience: string, body: string, nowSeconds = Date.now() / 1000): string {
  const timestamp = Math.floor(nowSeconds);
  return `t=${timestamp},v1=${digest(secret, audience, timestamp, body)}`;
}

export function verifyDelivery(
  secret: string,
  audience: string,
  body: string,
  header: string | undefined,
  nowSeconds = Date.now() / 1000,
): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(nowSeconds - timestamp) > TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(digest(secret, audience, timestamp, body), 'hex');
  const given = Buffer.from(match[2], 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
