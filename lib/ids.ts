import { randomBytes } from 'node:crypto';

let lastMs = -1;
let counter = 0;

/**
 * UUIDv7: time-ordered, so new rows land at the end of indexes and ids sort by creation. Within
 * one millisecond the 12-bit rand_a field counts up (RFC 9562, method 1), so ids made by this
 * process in a row sort in the order they were made.
 */
export function uuidv7(now = Date.now()): string {
  const bytes = randomBytes(16);
  if (now === lastMs && counter < 0xfff) counter += 1;
  else counter = bytes[6] & 0x07; // a small random start leaves room to count up
  lastMs = now;
  const ms = BigInt(now);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids arrive from clients; a malformed one is simply not found (it never reaches SQL). */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
