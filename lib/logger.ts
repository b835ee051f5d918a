import pino from 'pino';

/**
 * Structured JSON logs. Anything that could carry a credential is redacted by path, and callers
 * never log tokens, secrets or connection strings with passwords in the first place.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL === 'false' ? 'silent' : (process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info')),
  base: { service: process.env.SERVICE_NAME ?? 'sme-graph' },
  redact: {
    paths: ['authorization', 'headers.authorization', 'req.headers.authorization', 'token', 'password', 'secret', '*.password', '*.secret'],
    censor: '[redacted]',
  },
});

export type Logger = pino.Logger;

/** Hides the password part of a database URL before it reaches a log line. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}
