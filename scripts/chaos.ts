/**
 * `npm run chaos`: the whole stack as `npm start` runs it, under steady mixed load (customer 360
 * reads and the lead-to-cash writes: a won deal, its order confirmed, shipped), while faults are
 * injected one after the other: kill -9 of each subgraph (the supervisor restarts it), SIGTERM of
 * the gateway, a restart of PostgreSQL, and one subgraph paused with SIGSTOP for 10 s. Afterwards
 * the books are checked. Writes bench/chaos.md.
 *
 * Needs a PostgreSQL it may restart: DATABASE_URL (default the machine's, postgres://postgres@127.0.0.1:5432/test)
 * and CHAOS_PG_RESTART, the command that restarts it (default the Debian cluster's pg_ctlcluster).
 */
import { execSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { freePort } from '../lib/net.js';
import { signToken } from '../lib/tokens.js';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const pgRestart =
  process.env.CHAOS_PG_RESTART ??
  `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | head -1) main restart`;
const WINDOW_MS = 12_000;
const WORKERS = 4;
const jwtSecret = 'chaos-jwt-secret';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sme-graph-chaos-'));
const ports = {
  gateway: await freePort(),
  customer: await freePort(),
  sales: await freePort(),
  fulfilment: await freePort(),
  finance: await freePort(),
  platform: await freePort(),
};

// ---- the stack, as npm start runs it

const supervisor = spawn('npm', ['start'], {
  cwd: path.resolve(import.meta.dirname, '..'),
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: {
    ...process.env,
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    JWT_SECRET: jwtSecret,
    GATEWAY_SIGNING_SECRET: 'chaos-signing-secret',
    PORT: String(ports.gateway),
    CUSTOMER_PORT: String(ports.customer),
    SALES_PIPELINE_PORT: String(ports.sales),
    ORDER_FULFILMENT_PORT: String(ports.fulfilment),
    FINANCE_PORT: String(ports.finance),
    PLATFORM_PORT: String(ports.platform),
    LOG_LEVEL: 'error',
    EVENT_RETRY_BASE_MS: '500',
    // The load is one client on purpose: it measures faults, not that client's rate limit.
    RATE_LIMIT_POINTS: '1000000000',
    RATE_LIMIT_RESTORE_RATE: '1000000000',
  },
});
let output = '';
const stopStack = () => {
  try {
    process.kill(-supervisor.pid!, 'SIGINT');
  } catch {
    // gone already
  }
};
process.on('uncaughtException', (error) => {
  console.error(error);
  stopStack();
  process.exit(1);
});
supervisor.stdout!.on('data', (d) => (output += d));
supervisor.stderr!.on('data', (d) => (output += d));
const gatewayUrl = `http://127.0.0.1:${ports.gateway}/graphql`;
for (let i = 0; !output.includes('The graph is up'); i++) {
  if (i > 600 || supervisor.exitCode !== null) throw new Error(`npm start did not come up:\n${output}`);
  await new Promise((r) => setTimeout(r, 200));
}

const tenant = `chaos-${Date.now()}`;
const token = await signToken(jwtSecret, { tenantId: tenant });

type Outcome = 'ok' | 'coded' | 'refused' | 'raw';
interface Sample {
  at: number;
  ms: number;
  outcome: Outcome;
}

/** One request through the gateway, classified: answered, answered with coded errors, refused, or anything else. */
async function call(query: string, variables: Record<string, unknown> = {}): Promise<{ outcome: Outcome; data: any }> {
  let res: Response;
  try {
    res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    // The gateway itself not listening (being restarted) is a refusal; a hang past 10 s is not.
    const timedOut = (error as Error).name === 'TimeoutError';
    if (!timedOut) await new Promise((r) => setTimeout(r, 100)); // a client would not hammer a closed port
    return { outcome: timedOut ? 'raw' : 'refused', data: null };
  }
  const body = (await res.json().catch(() => null)) as {
    data?: any;
    errors?: { extensions?: { code?: string } }[];
  } | null;
  if (!body || res.status >= 500) return { outcome: 'raw', data: null };
  const codes = (body.errors ?? []).map((e) => e.extensions?.code);
  const payload = body.data && (Object.values(body.data)[0] as { userErrors?: { code: string }[] } | null);
  if (codes.some((c) => !c || c === 'INTERNAL_SERVER_ERROR')) return { outcome: 'raw', data: body.data };
  if (codes.length || payload?.userErrors?.length) return { outcome: 'coded', data: body.data };
  return { outcome: 'ok', data: body.data };
}

const samples: Sample[] = [];
const timed = async (query: string, variables?: Record<string, unknown>) => {
  const started = performance.now();
  const result = await call(query, variables);
  samples.push({ at: Date.now(), ms: performance.now() - started, outcome: result.outcome });
  return result;
};

// ---- the tenant: a warehouse, products in stock, customers with room on their credit

const must = async (query: string, variables?: Record<string, unknown>) => {
  const { outcome, data } = await call(query, variables);
  if (outcome !== 'ok') throw new Error(`setup failed (${outcome}): ${query}`);
  return Object.values(data)[0] as any;
};
const warehouse = (
  await must('mutation { createWarehouse(input: {code: "C", name: "Chaos"}) { warehouse { id } userErrors { code } } }')
).warehouse.id;
const products: string[] = [];
for (let i = 0; i < 3; i++) {
  const id = (
    await must(
      `mutation { createProduct(input: {sku: "CH-${i}", name: "Chaos ${i}", listPrice: {amount: "10", currency: "CNY"}, unitCost: {amount: "4", currency: "CNY"}}) { product { id } userErrors { code } } }`,
    )
  ).product.id;
  await must(
    'mutation($p: ID!, $w: ID!) { receiveStock(input: {productId: $p, warehouseId: $w, quantity: "100000"}) { userErrors { code } } }',
    { p: id, w: warehouse },
  );
  products.push(id);
}
const customers: string[] = [];
for (let i = 0; i < 5; i++) {
  const id = (
    await must(`mutation { createCustomer(input: {name: "Chaos ${i}"}) { customer { id } userErrors { code } } }`)
  ).customer.id;
  await must(
    'mutation($c: ID!) { setCreditLimit(input: {customerId: $c, limit: {amount: "100000000", currency: "CNY"}}) { userErrors { code } } }',
    { c: id },
  );
  customers.push(id);
}
const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)];

const READ = `query($id: ID!) { customer(id: $id) { name contacts { name } opportunities(status: OPEN) { totalCount }
  orders { totalCount } receivables { outstanding { amount } } credit { status } } }`;

/** One worker's loop: a read, then a deal carried as far as it gets (won, its draft order confirmed, shipped). */
async function worker(until: number) {
  while (Date.now() < until) {
    await timed(READ, { id: pick(customers) });
    const opp = await timed(
      'mutation($c: ID!) { createOpportunity(input: {title: "Chaos", customerId: $c}) { opportunity { id } userErrors { code } } }',
      { c: pick(customers) },
    );
    const id = opp.data?.createOpportunity?.opportunity?.id;
    if (!id) continue;
    await timed(
      'mutation($o: ID!, $p: ID!) { addOpportunityLine(input: {opportunityId: $o, line: {productId: $p, quantity: "1", unitPrice: {amount: "10", currency: "CNY"}}}) { userErrors { code } } }',
      { o: id, p: pick(products) },
    );
    const won = await timed(
      'mutation($o: ID!) { markOpportunityWon(input: {id: $o}) { opportunity { status } userErrors { code } } }',
      { o: id },
    );
    if (won.outcome !== 'ok') continue;
    let order: string | undefined;
    for (let i = 0; i < 20 && !order && Date.now() < until; i++) {
      order = (await timed('query($o: ID!) { opportunity(id: $o) { salesOrder { id } } }', { o: id })).data?.opportunity
        ?.salesOrder?.id;
      if (!order) await new Promise((r) => setTimeout(r, 250));
    }
    if (!order) continue;
    const confirmed = await timed(
      'mutation($id: ID!) { confirmSalesOrder(input: {id: $id}) { order { status } userErrors { code } } }',
      { id: order },
    );
    if (confirmed.outcome !== 'ok') continue;
    const shipment = await timed(
      'mutation($id: ID!) { createShipment(input: {orderId: $id}) { shipment { id } userErrors { code } } }',
      { id: order },
    );
    const sid = shipment.data?.createShipment?.shipment?.id;
    if (sid)
      await timed(
        'mutation($id: ID!) { markShipmentShipped(input: {id: $id}) { shipment { status } userErrors { code } } }',
        { id: sid },
      );
  }
}

// ---- the faults

const pidOf = (needle: string) => {
  const line = execSync('ps -eo pid,args', { encoding: 'utf8' })
    .split('\n')
    .find((l) => l.includes(needle) && !l.includes('ps -eo'));
  if (!line) throw new Error(`no process runs ${needle}`);
  return Number(line.trim().split(/\s+/)[0]);
};
const entry = (name: string) => (name === 'gateway' ? 'gateway/main.ts' : `subgraphs/${name}/main.ts`);

const faults: [string, () => Promise<void>][] = [
  ...['customer', 'sales-pipeline', 'order-fulfilment', 'finance', 'platform'].map(
    (name): [string, () => Promise<void>] => [
      `kill -9 ${name}`,
      async () => void process.kill(pidOf(entry(name)), 'SIGKILL'),
    ],
  ),
  ['SIGTERM gateway', async () => void process.kill(pidOf(entry('gateway')), 'SIGTERM')],
  ['PostgreSQL restart', async () => void execSync(pgRestart, { stdio: 'ignore' })],
  [
    'SIGSTOP finance for 10 s',
    async () => {
      const pid = pidOf(entry('finance'));
      process.kill(pid, 'SIGSTOP');
      setTimeout(() => process.kill(pid, 'SIGCONT'), 10_000);
    },
  ],
];

/** How long after the fault until the full read answers again without any error. */
async function recovery(from: number) {
  for (;;) {
    const { outcome } = await call(READ, { id: customers[0] });
    if (outcome === 'ok') return Date.now() - from;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
};

const rows: string[] = [];
for (const [name, inject] of faults) {
  const start = Date.now();
  const until = start + WINDOW_MS;
  const load = Promise.all(Array.from({ length: WORKERS }, () => worker(until)));
  await new Promise((r) => setTimeout(r, 1500));
  const injectedAt = Date.now();
  await inject();
  const recovered = await recovery(injectedAt);
  await load;
  const window = samples.filter((s) => s.at >= start && s.at <= Date.now());
  const count = (o: Outcome) => window.filter((s) => s.outcome === o).length;
  const row = `| ${name} | ${window.length} | ${count('ok')} | ${count('coded')} | ${count('refused')} | ${count('raw')} | ${(recovered / 1000).toFixed(1)} s | ${pct(
    window.map((s) => s.ms),
    99,
  ).toFixed(0)} ms |`;
  rows.push(row);
  console.log(row);
  await new Promise((r) => setTimeout(r, 2000));
}

// ---- the books, once everything due has been delivered

const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
const stuck = async () =>
  (
    await sql`select (select count(*) from sales.outbox_deliveries where tenant_id = ${tenant} and status = 'PENDING')
      + (select count(*) from fulfilment.outbox_deliveries where tenant_id = ${tenant} and status = 'PENDING')
      + (select count(*) from finance.outbox_deliveries where tenant_id = ${tenant} and status = 'PENDING')
      + (select count(*) from customer.outbox_deliveries where tenant_id = ${tenant} and status = 'PENDING') as n`
  )[0].n;
for (let i = 0; i < 120 && Number(await stuck()) > 0; i++) await new Promise((r) => setTimeout(r, 1000));
const [checks] = await sql`select
  (select count(*) from sales.opportunities o where o.tenant_id = ${tenant} and o.status = 'WON'
     and exists (select 1 from sales.opportunity_lines l where l.tenant_id = o.tenant_id and l.opportunity_id = o.id and l.product_id is not null)
     and (select count(*) from fulfilment.sales_orders s where s.tenant_id = o.tenant_id and s.opportunity_id = o.id and s.status <> 'CANCELLED') <> 1) as won_without_one_order,
  (select count(*) from sales.opportunities o where o.tenant_id = ${tenant} and o.status = 'WON') as won,
  (select count(*) from fulfilment.shipments s where s.tenant_id = ${tenant} and s.status in ('SHIPPED', 'DELIVERED')
     and (select count(*) from finance.invoices i where i.tenant_id = s.tenant_id and i.shipment_id = s.id) <> 1) as shipped_without_one_invoice,
  (select count(*) from fulfilment.shipments s where s.tenant_id = ${tenant} and s.status in ('SHIPPED', 'DELIVERED')) as shipped,
  (select count(*) from fulfilment.stock_levels l
     left join (select product_id, warehouse_id, sum(on_hand_change) as on_hand, sum(reserved_change) as reserved
                from fulfilment.stock_movements where tenant_id = ${tenant} group by product_id, warehouse_id) m
       on m.product_id = l.product_id and m.warehouse_id = l.warehouse_id
     where l.tenant_id = ${tenant} and (l.on_hand <> coalesce(m.on_hand, 0) or l.reserved <> coalesce(m.reserved, 0))) as ledger_mismatches,
  (select coalesce(sum(debit), 0) - coalesce(sum(credit), 0) from finance.journal_lines where tenant_id = ${tenant}) as trial_balance_difference,
  (select count(*) from fulfilment.outbox_deliveries where tenant_id = ${tenant} and status = 'DEAD')
    + (select count(*) from sales.outbox_deliveries where tenant_id = ${tenant} and status = 'DEAD')
    + (select count(*) from finance.outbox_deliveries where tenant_id = ${tenant} and status = 'DEAD') as dead_letters`;
const pending = await stuck();
await sql.end();

stopStack();
await new Promise((r) => supervisor.once('exit', r));
rmSync(dataDir, { recursive: true, force: true });

const books = [
  `- won deals: ${checks.won}; with other than exactly one order: **${checks.won_without_one_order}**`,
  `- shipments shipped: ${checks.shipped}; with other than exactly one invoice: **${checks.shipped_without_one_invoice}**`,
  `- stock levels that differ from the ledger: **${checks.ledger_mismatches}**`,
  `- trial balance, debits minus credits: **${checks.trial_balance_difference}**`,
  `- deliveries still pending after the run: **${pending}**; dead letters: ${checks.dead_letters}`,
];
const report = `# Chaos run

\`npm run chaos\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores: the stack as \`npm start\`
runs it, ${WORKERS} clients of steady mixed load (customer 360 reads; won deal, its order confirmed and
shipped), each fault injected 1.5 s into a ${WINDOW_MS / 1000} s window. *coded*: answered with coded errors
(\`SERVICE_UNAVAILABLE\`, \`CREDIT_CHECK_UNAVAILABLE\` …); *refused*: the gateway's port refused the
connection (it was being restarted); *raw*: a 5xx without a code, \`INTERNAL_SERVER_ERROR\`, or no
answer within 10 s. Recovery: from the fault until the full customer read answers without an error.

| fault | requests | ok | coded | refused | raw | recovery | p99 |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

The books afterwards:

${books.join('\n')}
`;
mkdirSync('bench', { recursive: true });
writeFileSync('bench/chaos.md', report);
console.log(report);
