import pino from 'pino';

/**
 * Errors are logged without the SQL parameters a database error carries (customer names,
 * e-mails, phones): drizzle puts them in the message, postgres.js in properties.
 */
function safeError(error: unknown) {
  const serialized = pino.stdSerializers.err(error as Error) as Record<string, unknown>;
  const scrub = (value: Record<string, unknown>) => {
    for (const key of ['parameters', 'params', 'query', 'args']) delete value[key];
    if (typeof value.message === 'string')
      value.message = value.message.replace(/\nparams:[\s\S]*$/, '\nparams: [redacted]');
    if (typeof value.stack === 'string')
      value.stack = value.stack.replace(/\nparams:[\s\S]*?(\n\s+at |$)/, '\nparams: [redacted]$1');
    if (value.cause && typeof value.cause === 'object') scrub(value.cause as Record<string, unknown>);
    return value;
  };
  return scrub(serialized);
}

/**
 * Structured JSON logs. Anything that could carry a credential is redacted by path, and callers
 * never log tokens, secrets or connection strings with passwords in the first place.
 */
export const logger = pino({
  level:
    process.env.LOG_LEVEL === 'false'
      ? 'silent'
      : (process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info')),
  base: { service: process.env.SERVICE_NAME ?? 'sme-graph' },
  serializers: { err: safeError },
  redact: {
    paths: [
      'authorization',
      'headers.authorization',
      'req.headers.authorization',
      'token',
      'password',
      'secret',
      '*.password',
      '*.secret',
    ],
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
