import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { freePort } from '../../lib/net.js';

const running = new Set<ChildProcess>();

/**
 * One of the product's services as its own process (`entry`: `gateway/main.ts` or
 * `subgraphs/<name>/main.ts`, as production runs them) on a free port, so that a test can kill
 * it for real. `portVariable` is where it reads its port (PORT, CUSTOMER_PORT ...). Resolves once
 * its /healthz answers (unless `waitHealthy` is false); `exited` resolves with the signal that
 * ended it.
 */
export async function startServiceProcess(
  entry: string,
  portVariable: string,
  env: Record<string, string | undefined>,
  opts: { waitHealthy?: boolean; healthTimeoutMs?: number } = {},
) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL(`../../${entry}`, import.meta.url))],
    { env: { ...process.env, ...env, [portVariable]: String(port) }, stdio: 'ignore' },
  );
  running.add(child);
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => {
      running.delete(child);
      resolve(signal);
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  if (opts.waitHealthy !== false) {
    await expect
      .poll(async () => (await fetch(`${base}/healthz`).catch(() => null))?.status, {
        timeout: opts.healthTimeoutMs ?? 30_000,
        interval: 100,
      })
      .toBe(200);
  }
  return { child, exited, port, base };
}

/** Kills whatever service processes a test file left running (its afterAll). */
export function killServiceProcesses() {
  for (const child of running) child.kill('SIGKILL');
}
