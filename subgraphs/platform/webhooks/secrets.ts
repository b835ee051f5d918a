import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/*
 * Webhook signing secrets, in the Standard Webhooks format: `whsec_` + base64 of 32 random bytes,
 * whose decoded bytes key HMAC-SHA256. They must stay usable for signing, so they cannot be
 * hashed like API keys: they are stored sealed with AES-256-GCM under a key derived (HKDF) from
 * GATEWAY_SIGNING_SECRET, so that a copy of the database alone does not reveal them.
 */

const PREFIX = 'whsec_';
const SEALED = 'v1.';

/** A new secret, shown to the tenant once. */
export const newWebhookSecret = () => `${PREFIX}${randomBytes(32).toString('base64')}`;

/** Seals and opens secrets with a key only the services holding GATEWAY_SIGNING_SECRET can derive. */
export interface SecretVault {
  seal(secret: string): string;
  open(sealed: string): string;
}

export function secretVault(signingSecret: string): SecretVault {
  const key = Buffer.from(hkdfSync('sha256', signingSecret, 'sme-graph', 'webhook signing secrets', 32));
  return {
    seal(secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return SEALED + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
    },
    open(sealed) {
      if (!sealed.startsWith(SEALED)) throw new Error('Not a sealed webhook secret');
      const raw = Buffer.from(sealed.slice(SEALED.length), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * The `webhook-signature` header: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` per
 * secret, space-separated (two while a rotated-out secret still signs).
 */
export function signatureHeader(secrets: readonly string[], webhookId: string, timestamp: number, body: string) {
  const content = `${webhookId}.${timestamp}.${body}`;
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.slice(PREFIX.length), 'base64');
      return `v1,${createHmac('sha256', key).update(content).digest('base64')}`;
    })
    .join(' ');
}
