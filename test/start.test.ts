import { spawn, execSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../lib/net.js';

/**
 * Drives the real `npm start` from this checkout on embedded PostgreSQL: waits for the printed
 * token, queries with it, presses Ctrl-C (SIGINT to the process group), and checks that nothing
 * is left running. A second start finds the data again.
 */
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sme-graph-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  output: () => string;
  token: string;
  url: string;
}

async function npmStart(ports: Record<string, number>): Promise<Started> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(ports.gateway),
    CUSTOMER_PORT: String(ports.customer),
    SALES_PIPELINE_PORT: String(ports.sales),
    ORDER_FULFILMENT_PORT: String(ports.fulfilment),
    FINANCE_PORT: String(ports.finance),
    LOG_LEVEL: 'info',
  };
  delete env.DATABASE_URL;
  delete env.NODE_ENV;
  const child = spawn('npm', ['start'], {
    cwd: path.resolve(import.meta.dirname, '..'),
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 90_000;
  while (!/Demo token:\s+(\S+)/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    child,
    output: () => output,
    token: output.match(/Demo token:\s+(\S+)/)![1],
    url: output.match(/Gateway:\s+(\S+)/)![1],
  };
}

/** npm itself dies of the SIGINT like any foreground program; what matters is what it leaves behind. */
async function ctrlC(started: Started): Promise<string> {
  const exited = new Promise<string>((resolve) =>
    started.child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
  );
  process.kill(-started.child.pid!, 'SIGINT');
  return exited;
}

const processesUsing = (needle: string) =>
  execSync('ps -eo pid,args', { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(needle) && !line.includes('ps -eo'));

/** npm may exit before its children finish stopping: give them a few seconds, then insist. */
async function leftBehind(needle: string): Promise<string[]> {
  for (let i = 0; i < 50 && processesUsing(needle).length > 0; i++) await new Promise((r) => setTimeout(r, 200));
  return processesUsing(needle);
}

const graphql = async (url: string, token: string, query: string) =>
  (await (
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    })
  ).json()) as any;

describe('npm start', () => {
  it('serves the seeded demo tenant, stops cleanly on Ctrl-C, and keeps the data', { timeout: 240_000 }, async () => {
    const ports = {
      gateway: await freePort(),
      customer: await freePort(),
      sales: await freePort(),
      fulfilment: await freePort(),
      finance: await freePort(),
    };
    const first = await npmStart(ports);
    expect(first.url).toBe(`http://localhost:${ports.gateway}/graphql`);
    expect(first.output()).toContain('seeded the demo tenant "demo"');
    const seeded = await graphql(first.url, first.token, '{ customers { totalCount } }');
    expect(seeded.data.customers.totalCount).toBeGreaterThanOrEqual(10);
    const stages = await graphql(first.url, first.token, '{ pipelineStages { name } }');
    expect(stages.data.pipelineStages).toHaveLength(6);
    const stock = await graphql(first.url, first.token, '{ products { totalCount } salesOrders { totalCount } }');
    expect(stock.data).toEqual({ products: { totalCount: 6 }, salesOrders: { totalCount: 8 } });
    const ledger = await graphql(
      first.url,
      first.token,
      '{ trialBalance { totalDebit { amount } totalCredit { amount } } }',
    );
    expect(ledger.data.trialBalance.totalDebit).toEqual(ledger.data.trialBalance.totalCredit);
    const created = await graphql(
      first.url,
      first.token,
      'mutation { createCustomer(input: {name: "Survives Restart"}) { customer { id } } }',
    );
    expect(created.data.createCustomer.customer.id).toBeTruthy();
    // Structured logs never carry the token.
    const logLines = first
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.some((l) => l.includes(first.token))).toBe(false);

    expect(['SIGINT', 'exit 0']).toContain(await ctrlC(first));
    expect(first.output()).toContain('[start] stopping');
    expect(await leftBehind(dataDir)).toEqual([]);
    // The subgraph and the gateway are gone too (their command lines do not name the data directory).
    await expect(fetch(first.url)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${ports.customer}/healthz`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${ports.sales}/healthz`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${ports.fulfilment}/healthz`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${ports.finance}/healthz`)).rejects.toThrow();

    const second = await npmStart(ports);
    expect(second.output()).not.toContain('seeded the demo tenant');
    const found = await graphql(second.url, second.token, '{ customers(filter: {search: "survives"}) { totalCount } }');
    expect(found.data.customers.totalCount).toBe(1);
    expect(['SIGINT', 'exit 0']).toContain(await ctrlC(second));
    expect(await leftBehind(dataDir)).toEqual([]);
  });
});
