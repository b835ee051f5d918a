/**
 * `npm start`: the whole graph on one machine. Starts embedded PostgreSQL (unless DATABASE_URL is
 * set), applies migrations, seeds the demo tenant on first run, starts every subgraph and the
 * gateway as child processes, waits until each /healthz answers, then prints how to query.
 * Ctrl-C (SIGINT) or SIGTERM stops the children and PostgreSQL; data stays in .data/.
 *
 * A child that crashes is restarted with backoff (at most 5 times a minute, then everything
 * stops); the others keep serving meanwhile. Children follow the supervisor over an IPC channel:
 * if it dies (even kill -9) they stop by themselves, and the next start stops the PostgreSQL it
 * left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACTIVE_SUBGRAPHS, dataDir, envPrefix, intFromEnv, loadSecrets, subgraphPort } from '../lib/config.js';
import { isRunning, startEmbeddedPostgres, stopStaleServer, type RunningPostgres } from '../lib/embedded-postgres.js';
import { migrateSubgraph } from '../lib/migrate.js';
import { signToken } from '../lib/tokens.js';
import { MAX_RESTARTS_PER_MINUTE, nextRestart } from './restart-policy.js';
import { DEMO_TENANT, seedDemo } from './seed.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (message: string) => process.stderr.write(`[start] ${message}\n`);
/** .data/ inside the project, the absolute path elsewhere. */
const displayPath = (dir: string) => (path.relative(root, dir).startsWith('..') ? dir : `${path.relative(root, dir)}/`);

interface Service {
  name: string;
  entry: string;
  env: Record<string, string>;
  child?: ChildProcess;
  /** When it was restarted in the last minute, for the limit. */
  restarts: number[];
}

const services: Service[] = [];
let postgres: RunningPostgres | undefined;
let stopping = false;
/** Whether this process wrote the data directory's lock (and so removes it on the way out). */
let ownsLock = false;
const lockFile = () => path.join(dataDir(), 'start.pid');

async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  await Promise.all(
    services.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  if (postgres) {
    await postgres.stop().catch((error) => say(`PostgreSQL did not stop cleanly: ${describe(error)}`));
    say('PostgreSQL stopped');
  }
  if (ownsLock) rmSync(lockFile(), { force: true });
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
// A closed terminal: stop like Ctrl-C (PostgreSQL takes SIGHUP for a reload and would run on).
process.on('SIGHUP', () => void stopAll(129));

/** Runs a service as a child with an IPC channel (so that it notices when this process is gone). */
function launch(service: Service) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, service.entry)], {
    cwd: root,
    env: { ...process.env, ...service.env, SERVICE_NAME: service.name },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  service.child = child;
  child.once('exit', (code, signal) => {
    // On Ctrl-C the whole process group gets SIGINT: a child may exit before our own handler runs.
    setTimeout(() => {
      if (!stopping) restart(service, signal ?? `exit code ${code}`);
    }, 250);
  });
}

/** A crashed child comes back after a growing delay; past the limit per minute, everything stops. */
function restart(service: Service, how: string) {
  const next = nextRestart(service.restarts, Date.now());
  if (next.giveUp) {
    say(
      `${service.name} exited (${how}) ${MAX_RESTARTS_PER_MINUTE + 1} times within a minute; shutting everything down`,
    );
    void stopAll(1);
    return;
  }
  service.restarts = next.restartedAt;
  say(
    `${service.name} exited (${how}); restarting it in ${next.delayMs} ms (restart ${service.restarts.length} of ${MAX_RESTARTS_PER_MINUTE} a minute)`,
  );
  setTimeout(() => {
    if (stopping) return;
    launch(service);
    say(`${service.name} restarted (pid ${service.child?.pid})`);
  }, next.delayMs);
}

async function waitHealthy(name: string, url: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not become healthy at ${url} within ${timeoutMs / 1000}s (its log is above)`);
}

/** One line for any failure, whatever was thrown. */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string' && error) return error;
  return `${String(error)} (no detail given; the lines above may say more)`;
}

/**
 * One supervisor per data directory. A lock left by a start that died is taken over; so is the
 * PostgreSQL that start left running (stopped, then started afresh), and each is said in one line.
 */
async function takeDataDir(pgDir: string) {
  mkdirSync(dataDir(), { recursive: true });
  try {
    writeFileSync(lockFile(), String(process.pid), { flag: 'wx' });
  } catch {
    const other = Number(readFileSync(lockFile(), 'utf8'));
    if (Number.isInteger(other) && isRunning(other)) {
      throw new Error(
        `another npm start (pid ${other}) is running on ${displayPath(dataDir())}: stop it first, or set DATA_DIR`,
      );
    }
    writeFileSync(lockFile(), String(process.pid)); // left by a start that died
  }
  ownsLock = true;
  const stale = await stopStaleServer(pgDir);
  if (stale !== null) say(`stopped the PostgreSQL (pid ${stale}) an earlier start left running; starting it afresh`);
}

async function main() {
  const secrets = loadSecrets();
  let databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) say('using DATABASE_URL; no embedded PostgreSQL');
  else {
    const pgDir = path.join(dataDir(), 'pg');
    await takeDataDir(pgDir);
    postgres = await startEmbeddedPostgres({ dir: pgDir }).catch((error) => {
      throw new Error(`embedded PostgreSQL did not start in ${pgDir}: ${describe(error)}`);
    });
    databaseUrl = postgres.url;
    say(`embedded PostgreSQL running on ${new URL(databaseUrl).host} (data in ${pgDir})`);
  }
  for (const name of ACTIVE_SUBGRAPHS) await migrateSubgraph(name, databaseUrl);
  if (await seedDemo(databaseUrl)) say(`seeded the demo tenant "${DEMO_TENANT}"`);

  const shared = {
    DATABASE_URL: databaseUrl,
    GATEWAY_SIGNING_SECRET: secrets.signingSecret,
    ...(secrets.jwtSecret ? { JWT_SECRET: secrets.jwtSecret } : {}),
    // Every service knows where the others are (the gateway routes; subgraphs make internal calls).
    ...Object.fromEntries(
      ACTIVE_SUBGRAPHS.map((name) => [`${envPrefix(name)}_URL`, `http://127.0.0.1:${subgraphPort(name)}/graphql`]),
    ),
  };
  for (const name of ACTIVE_SUBGRAPHS) {
    const service = { name, entry: `subgraphs/${name}/main.ts`, env: shared, restarts: [] };
    services.push(service);
    launch(service);
  }
  await Promise.all(
    ACTIVE_SUBGRAPHS.map((name) => waitHealthy(name, `http://127.0.0.1:${subgraphPort(name)}/healthz`)),
  );
  const port = intFromEnv('PORT', 4000);
  const gateway = { name: 'gateway', entry: 'gateway/main.ts', env: shared, restarts: [] };
  services.push(gateway);
  launch(gateway);
  await waitHealthy('gateway', `http://127.0.0.1:${port}/healthz`);
  if (stopping) return;

  const token = secrets.jwtSecret
    ? await signToken(secrets.jwtSecret, { tenantId: DEMO_TENANT, userId: 'demo-user' })
    : '<a token from your identity provider>';
  const url = `http://localhost:${port}/graphql`;
  console.log(`
The graph is up.

  Gateway:     ${url}
  Demo token:  ${token}

Try:
  curl -s ${url} \\
    -H 'content-type: application/json' \\
    -H "authorization: Bearer ${token}" \\
    -d '{"query":"{ customers(first: 5) { totalCount nodes { name segment tags contacts { name decisionRole } } } }"}'

Ctrl-C stops everything; data stays in ${displayPath(dataDir())}.
`);
}

main().catch(async (error) => {
  say(`failed: ${describe(error)}`);
  await stopAll(1);
});
