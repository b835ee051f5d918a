import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['./test/support/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
      // Many tests drive hundreds of concurrent writes on two cores: a call there may well take
      // longer than the 5 s a client gets in production. The tests of timeouts set their own.
      UPSTREAM_TIMEOUT_MS: '30000',
      INTERNAL_TIMEOUT_MS: '20000',
      // Tests build their fixtures as fast as they can as one user, and the batching tests read
      // pages far over a client's budget: cost and rate limits stay out of their way. The tests of
      // cost and throttling (test/gateway/cost.test.ts, throttle.test.ts) set their own.
      MAX_QUERY_COST: '1000000000',
      RATE_LIMIT_POINTS: '1000000000',
      RATE_LIMIT_RESTORE_RATE: '1000000000',
      // Webhook receivers in tests listen on 127.0.0.1, which is refused otherwise (SSRF protection);
      // test/platform/webhooks-safety.test.ts proves the refusal with other hosts.
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    },
  },
});
