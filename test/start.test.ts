import { spawn, execSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
    PLATFORM_PORT: String(ports.platform),
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

const freePorts = async () => ({
  gateway: await freePort(),
  customer: await freePort(),
  sales: await freePort(),
  fulfilment: await freePort(),
  finance: await freePort(),
  platform: await freePort(),
});

const graphqlWith = async (url: string, token: string, query: string, variables: Record<string, unknown> = {}) =>
  (await (
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    })
  ).json()) as any;

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
      platform: await freePort(),
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
    await expect.poll(() => first.output(), { timeout: 15_000 }).toContain('[start] PostgreSQL stopped');
    expect(await leftBehind(dataDir)).toEqual([]);
    // The subgraph and the gateway are gone too (their command lines do not name the data directory).
    await expect(fetch(first.url)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${ports.customer}/healthz`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${ports.sales}/healthz`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${ports.fulfilment}/healthz`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${ports.finance}/healthz`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${ports.platform}/healthz`)).rejects.toThrow();

    const second = await npmStart(ports);
    expect(second.output()).not.toContain('seeded the demo tenant');
    const found = await graphql(second.url, second.token, '{ customers(filter: {search: "survives"}) { totalCount } }');
    expect(found.data.customers.totalCount).toBe(1);
    expect(['SIGINT', 'exit 0']).toContain(await ctrlC(second));
    expect(await leftBehind(dataDir)).toEqual([]);
  });

  it(
    'restarts a crashed service; an event published while its consumer was down is delivered once it is back',
    { timeout: 240_000 },
    async () => {
      const ports = await freePorts();
      const started = await npmStart(ports);
      try {
        const run = (query: string, variables: Record<string, unknown> = {}) =>
          graphqlWith(started.url, started.token, query, variables);
        const customer = (await run('mutation { createCustomer(input: {name: "Crash Test"}) { customer { id } } }'))
          .data.createCustomer.customer.id;
        const product = (await run('{ products(first: 1) { nodes { id } } }')).data.products.nodes[0].id;
        const opportunity = (
          await run(
            'mutation($c: ID!) { createOpportunity(input: {title: "Crash deal", customerId: $c}) { opportunity { id } } }',
            { c: customer },
          )
        ).data.createOpportunity.opportunity.id;
        await run(
          'mutation($o: ID!, $p: ID!) { addOpportunityLine(input: {opportunityId: $o, line: {productId: $p, quantity: "1", unitPrice: {amount: "10", currency: "CNY"}}}) { userErrors { code } } }',
          { o: opportunity, p: product },
        );
        const [fulfilment] = processesUsing('subgraphs/order-fulfilment/main.ts');
        process.kill(Number(fulfilment.trim().split(/\s+/)[0]), 'SIGKILL');
        // Won while order-fulfilment is down: opportunity.won waits in the outbox.
        const won = await run(
          'mutation($o: ID!) { markOpportunityWon(input: {id: $o}) { opportunity { status } userErrors { code } } }',
          { o: opportunity },
        );
        expect(won.data.markOpportunityWon).toEqual({ opportunity: { status: 'WON' }, userErrors: [] });
        await expect
          .poll(() => started.output(), { timeout: 20_000 })
          .toMatch(/order-fulfilment exited \(SIGKILL\); restarting it/);
        await expect.poll(() => started.output(), { timeout: 20_000 }).toMatch(/order-fulfilment restarted/);
        // The relay retries the delivery; the draft order appears once the consumer is back.
        const order = async () =>
          (await run('query($o: ID!) { opportunity(id: $o) { salesOrder { status } } }', { o: opportunity })).data
            ?.opportunity?.salesOrder;
        await expect.poll(order, { timeout: 60_000, interval: 500 }).toEqual({ status: 'DRAFT' });
        expect(
          (await run('{ salesOrders(filter: {status: [DRAFT]}) { totalCount } }')).data.salesOrders.totalCount,
        ).toBeGreaterThan(0);
      } finally {
        await ctrlC(started);
      }
      expect(await leftBehind(dataDir)).toEqual([]);
    },
  );

  it(
    'after kill -9 of the supervisor its services stop by themselves, and the next start takes over the PostgreSQL it left',
    { timeout: 240_000 },
    async () => {
      const ports = await freePorts();
      const started = await npmStart(ports);
      const supervisor = Number(readFileSync(path.join(dataDir, 'start.pid'), 'utf8'));
      process.kill(supervisor, 'SIGKILL');
      const answering = async () => {
        const up = await Promise.all(
          Object.values(ports).map((port) =>
            fetch(`http://127.0.0.1:${port}/healthz`).then(
              () => 1,
              () => 0,
            ),
          ),
        );
        return up.reduce((a: number, b: number) => a + b, 0);
      };
      // Each service notices that its supervisor is gone (the IPC channel closes) and exits.
      await expect.poll(answering, { timeout: 10_000, interval: 250 }).toBe(0);
      // npm, and tsx between it and the supervisor, end with it.
      await new Promise((resolve) =>
        started.child.exitCode !== null ? resolve(null) : started.child.once('exit', resolve),
      );
      expect((await leftBehind('subgraphs/')).length + (await leftBehind('gateway/main.ts')).length).toBe(0);
      // The embedded PostgreSQL is left: the next start stops it, says so, and comes up.
      expect(processesUsing(dataDir).length).toBeGreaterThan(0);
      const next = await npmStart(ports);
      expect(next.output()).toMatch(
        /stopped the PostgreSQL \(pid \d+\) an earlier start left running; starting it afresh/,
      );
      expect(next.output()).not.toContain('failed');
      const customers = await graphqlWith(next.url, next.token, '{ customers { totalCount } }');
      expect(customers.data.customers.totalCount).toBeGreaterThan(0);
      expect(['SIGINT', 'exit 0']).toContain(await ctrlC(next));
      // The supervisor may still be stopping PostgreSQL when npm has exited.
      await expect.poll(() => next.output(), { timeout: 15_000 }).toContain('PostgreSQL stopped');
      expect(await leftBehind(dataDir)).toEqual([]);
    },
  );
});
