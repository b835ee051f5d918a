import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { isProduction, webhookAllowedHosts } from '../../../lib/config.js';

/*
 * Where webhooks may go (SSRF protection). A URL must be http(s) (https in production), and its
 * host must resolve only to public addresses: loopback, private, link-local (with the cloud
 * metadata address 169.254.169.254), carrier-grade NAT and unspecified addresses are refused,
 * unless the host is listed in WEBHOOK_ALLOWED_HOSTS. Checked when a subscription is saved and
 * again at each delivery, which connects to the very address it checked (DNS rebinding).
 */

const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  BLOCKED.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  BLOCKED.addSubnet(network, prefix, 'ipv6');

/** Whether a webhook may never be sent to `address` (an IPv4-mapped IPv6 address counts as its IPv4 one). */
export function isForbiddenAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return BLOCKED.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export type UrlProblem = { code: 'INVALID_WEBHOOK_URL' | 'WEBHOOK_URL_NOT_ALLOWED'; message: string };

/** The URL parsed, or what is wrong with its form (nothing is resolved here). */
export function parseWebhookUrl(text: string): URL | UrlProblem {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { code: 'INVALID_WEBHOOK_URL', message: `${text} is not a URL` };
  }
  if (url.protocol !== 'https:' && (url.protocol !== 'http:' || isProduction()))
    return {
      code: 'INVALID_WEBHOOK_URL',
      message: isProduction() ? 'Webhook URLs must be https' : 'Webhook URLs must be http or https',
    };
  if (url.username || url.password)
    return { code: 'INVALID_WEBHOOK_URL', message: 'A webhook URL may not carry credentials' };
  return url;
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').toLowerCase();

/**
 * The address to connect to for `url`: every address its host resolves to must be allowed (a host
 * with one private address among public ones is refused, as the resolver may hand out either).
 */
export async function resolveWebhookHost(url: URL): Promise<{ address: string; family: 4 | 6 } | UrlProblem> {
  const host = hostOf(url);
  const allowed = webhookAllowedHosts().has(host);
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch (error) {
      return {
        code: 'INVALID_WEBHOOK_URL',
        message: `${host} does not resolve (${(error as NodeJS.ErrnoException).code})`,
      };
    }
  }
  if (addresses.length === 0) return { code: 'INVALID_WEBHOOK_URL', message: `${host} does not resolve` };
  const forbidden = addresses.find((a) => isForbiddenAddress(a.address));
  if (forbidden && !allowed)
    return {
      code: 'WEBHOOK_URL_NOT_ALLOWED',
      message: `${host} resolves to ${forbidden.address}, a loopback, private, link-local or metadata address`,
    };
  return { address: addresses[0].address, family: addresses[0].family === 6 ? 6 : 4 };
}

/** The URL checked end to end: its form, then where its host resolves. */
export async function checkWebhookUrl(text: string): Promise<URL | UrlProblem> {
  const url = parseWebhookUrl(text);
  if (!(url instanceof URL)) return url;
  const resolved = await resolveWebhookHost(url);
  return 'code' in resolved ? resolved : url;
}
