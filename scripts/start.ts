/**
 * `npm start`: the whole graph on one machine. Starts embedded PostgreSQL (unless DATABASE_URL is
 * set), applies migrations, seeds the demo tenant on first run, starts every subgraph and the
 * gateway as child processes, waits until each /healthz answers, then prints how to query.
 * Ctrl-C (SIGINT) or SIGTERM stops the children and PostgreSQL; data stays in .data/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACTIVE_SUBGRAPHS, dataDir, envPrefix, intFromEnv, loadSecrets, subgraphPort } from '../lib/config.js';
import { startEmbeddedPostgres, type RunningPostgres } from '../lib/embedded-postgres.js';
import { migrateSubgraph } from '../lib/migrate.js';
import { signToken } from '../lib/tokens.js';
import { DEMO_TENANT, seedDemo } from './seed.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (message: string) => process.stderr.write(`[start] ${message}\n`);
/** .data/ inside the project, the absolute path elsewhere. */
const displayPath = (dir: string) => (path.relative(root, dir).startsWith('..') ? dir : `${path.relative(root, dir)}/`);

const children: ChildProcess[] = [];
let postgres: RunningPostgres | undefined;
let stopping = false;

async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
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
    await postgres.stop().catch((error) => say(`PostgreSQL did not stop cleanly: ${error}`));
    say('PostgreSQL stopped');
  }
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

function startService(name: string, entry: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, entry)], {
    cwd: root,
    env: { ...process.env, ...env, SERVICE_NAME: name },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.once('exit', (code, signal) => {
    // On Ctrl-C the whole process group gets SIGINT: a child may exit before our own handler runs.
    setTimeout(() => {
      if (stopping) return;
      say(`${name} exited (${signal ?? code}); shutting everything down`);
      void stopAll(1);
    }, 250);
  });
  children.push(child);
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
  throw new Error(`${name} did not become healthy at ${url} within ${timeoutMs / 1000}s`);
}

async function main() {
  const secrets = loadSecrets();
  let databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) say('using DATABASE_URL; no embedded PostgreSQL');
  else {
    postgres = await startEmbeddedPostgres({ dir: path.join(dataDir(), 'pg') });
    databaseUrl = postgres.url;
    say(`embedded PostgreSQL running on ${new URL(databaseUrl).host} (data in ${path.join(dataDir(), 'pg')})`);
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
  for (const name of ACTIVE_SUBGRAPHS) startService(name, `subgraphs/${name}/main.ts`, shared);
  await Promise.all(
    ACTIVE_SUBGRAPHS.map((name) => waitHealthy(name, `http://127.0.0.1:${subgraphPort(name)}/healthz`)),
  );
  const port = intFromEnv('PORT', 4000);
  startService('gateway', 'gateway/main.ts', shared);
  await waitHealthy('gateway', `http://127.0.0.1:${port}/healthz`);

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
  say(`failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
});
