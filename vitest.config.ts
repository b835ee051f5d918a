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
    },
  },
});
