import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { parseWebhookUrl, resolveWebhookHost } from './addresses.js';

/** What one POST to a receiver came to. */
export interface SendResult {
  /** The receiver's HTTP status; null when it never answered. */
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** The start of the receiver's answer (at most RESPONSE_BODY_LIMIT bytes). */
  responseBody: string | null;
  outcome: 'DELIVERED' | 'RETRY' | 'FAILED';
  /** The receiver's Retry-After, in milliseconds, when it gave one (429, 503). */
  retryAfterMs: number | null;
}

export const RESPONSE_BODY_LIMIT = 1024;

/** Retry-After: delay-seconds or an HTTP date. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Network errors, timeouts, 408, 429 and 5xx may pass later; any other answer that is not 2xx never will. */
export function outcomeOf(statusCode: number): SendResult['outcome'] {
  if (statusCode >= 200 && statusCode < 300) return 'DELIVERED';
  if (statusCode === 408 || statusCode === 429 || statusCode >= 500) return 'RETRY';
  return 'FAILED';
}

async function readStart(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    // The rest is not kept: no need to wait for it.
    if (size >= RESPONSE_BODY_LIMIT) break;
  }
  response.destroy();
  return Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString('utf8');
}

/**
 * POSTs a webhook. The host is resolved and checked first, and the connection goes to the very
 * address that was checked (a lookup that answers with it), so a DNS answer changed in between
 * (rebinding) cannot send it to a private address. Redirects are never followed (node:http does
 * not follow them); the whole exchange is bounded by `timeoutMs`.
 */
export async function sendWebhook(
  target: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const refused = (error: string): SendResult => ({
    statusCode: null,
    durationMs: elapsed(),
    error,
    responseBody: null,
    outcome: 'RETRY',
    retryAfterMs: null,
  });
  const url = parseWebhookUrl(target);
  if (!(url instanceof URL)) return refused(url.message);
  const resolved = await resolveWebhookHost(url);
  if ('code' in resolved) return refused(`Refused: ${resolved.message}`);
  const lookup: LookupFunction = (_host, options, callback) => {
    if (options.all) (callback as never as (e: null, a: object[]) => void)(null, [resolved]);
    else callback(null, resolved.address, resolved.family);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  try {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        lookup,
        signal: AbortSignal.timeout(timeoutMs),
      });
      req.once('response', resolve);
      req.once('error', reject);
      req.end(body);
    });
    const statusCode = response.statusCode ?? 0;
    const responseBody = await readStart(response).catch(() => '');
    const outcome = outcomeOf(statusCode);
    const location = response.headers.location;
    return {
      statusCode,
      durationMs: elapsed(),
      error:
        outcome === 'DELIVERED'
          ? null
          : statusCode >= 300 && statusCode < 400
            ? `Answered ${statusCode}; redirects are not followed${location ? ` (to ${location})` : ''}`
            : `Answered ${statusCode}`,
      responseBody,
      outcome,
      retryAfterMs: statusCode === 429 || statusCode === 503 ? retryAfterMs(response.headers['retry-after']) : null,
    };
  } catch (error) {
    const e = error as Error & { code?: string };
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    return refused(timedOut ? `No answer within ${timeoutMs} ms` : `Could not deliver: ${e.code ?? e.message}`);
  }
}
