/**
 * `npm run bench`: throughput and latency of the main operations through the real gateway, on
 * DATABASE_URL or an embedded PostgreSQL. BENCH_SECONDS (default 5) and BENCH_CONCURRENCY
 * (default 16) tune each scenario.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ACTIVE_SUBGRAPHS } from '../lib/config.js';
import { onQuery } from '../lib/db.js';
import { startEmbeddedPostgres } from '../lib/embedded-postgres.js';
import { uuidv7 } from '../lib/ids.js';
import { logger } from '../lib/logger.js';
import { migrateSubgraph } from '../lib/migrate.js';
import { signToken } from '../lib/tokens.js';
import { contacts, customers, serviceTickets } from '../subgraphs/customer/db/schema.js';
import { layerCost, underAttack } from './bench-access.js';
import { startLocalGraph } from './local-graph.js';

logger.level = process.env.LOG_LEVEL ?? 'error';
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'sme-graph-bench-'));
const embedded = process.env.DATABASE_URL
  ? undefined
  : await startEmbeddedPostgres({ dir: path.join(tmp, 'pg'), persistent: false });
const url = process.env.DATABASE_URL ?? embedded!.url;
// Ctrl-C during a run: the embedded server and its directory go too (nothing else stops them).
process.once('SIGINT', async () => {
  await embedded?.stop();
  rmSync(tmp, { recursive: true, force: true });
  process.exit(130);
});
for (const name of ACTIVE_SUBGRAPHS) await migrateSubgraph(name, url);
// The throughput scenarios measure the graph, not one client's rate limit: their gateway lets the
// bench client spend without bounds (the under-attack scenario below runs with the defaults).
process.env.RATE_LIMIT_POINTS ??= '1000000000';
process.env.RATE_LIMIT_RESTORE_RATE ??= '1000000000';
// Relays poll only every second, as in production: what arrives sooner was woken by NOTIFY.
const graph = await startLocalGraph(url, { poolSize: 20, relay: { pollMs: 1000 } });

const tenantId = `bench-${Date.now()}`;
const now = Date.now();
const rows = Array.from({ length: 500 }, (_, i) => ({
  tenantId,
  id: uuidv7(now + i),
  name: `Bench Customer ${i}`,
  kind: 'COMPANY',
  email: `c${i}@bench.cn`,
  createdAt: new Date(now + i),
  updatedAt: new Date(now + i),
}));
await graph.database.db.insert(customers).values(rows);
await graph.database.db.insert(contacts).values(
  rows.flatMap((c) =>
    [0, 1].map((k) => ({
      tenantId,
      id: uuidv7(),
      customerId: c.id,
      name: `Contact ${k}`,
      decisionRole: 'OTHER',
      isPrimary: k === 0,
      createdAt: new Date(),
    })),
  ),
);
await graph.database.db.insert(serviceTickets).values(
  rows.map((c) => ({
    tenantId,
    id: uuidv7(),
    customerId: c.id,
    subject: 'T',
    status: 'RESOLVED',
    priority: 'NORMAL',
    openedAt: new Date(),
    resolvedAt: new Date(),
    satisfactionScore: 4,
  })),
);
const token = await signToken(graph.secrets.jwtSecret!, { tenantId });

// Fulfilment: two warehouses, 20 products in stock, and drafts waiting to be confirmed.
const call = async (query: string, variables: Record<string, unknown> = {}) => {
  const res = await fetch(graph.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as any;
  if (body.errors) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(body.errors)}`);
  return body.data;
};
const warehouseIds = [];
for (const code of ['A', 'B'])
  warehouseIds.push(
    (await call(`mutation { createWarehouse(input: {code: "${code}", name: "${code}"}) { warehouse { id } } }`))
      .createWarehouse.warehouse.id,
  );
const productIds: string[] = [];
for (let i = 0; i < 20; i++) {
  const id = (
    await call(
      `mutation { createProduct(input: {sku: "SKU-${i}", name: "Product ${i}", listPrice: {amount: "10", currency: "CNY"}}) { product { id } } }`,
    )
  ).createProduct.product.id;
  productIds.push(id);
  for (const w of warehouseIds)
    await call(
      'mutation($p: ID!, $w: ID!) { receiveStock(input: {productId: $p, warehouseId: $w, quantity: "100000"}) { movement { id } } }',
      { p: id, w },
    );
}
const drafts = Array.from({ length: 20_000 }, () => crypto.randomUUID());
await graph.database.sql`
  insert into fulfilment.sales_orders (tenant_id, id, number, customer_id, status, priority, currency, total, created_at, updated_at)
  select ${tenantId}, id::uuid, n, ${rows[0].id}::uuid, 'DRAFT', 'NORMAL', 'CNY', 20, now(), now() from unnest(${drafts}::text[]) with ordinality as o(id, n)`;
await graph.database.sql`
  insert into fulfilment.sales_order_lines (tenant_id, id, order_id, product_id, quantity, unit_price, position)
  select ${tenantId}, gen_random_uuid(), o.id::uuid, (${productIds}::uuid[])[1 + (o.n % 20)], 2, 10, 1 from unnest(${drafts}::text[]) with ordinality as o(id, n)`;
// The drafts took numbers 1..20000: orders made later (won deals) continue after them.
await graph.database.sql`update fulfilment.tenants set order_seq = ${drafts.length} where id = ${tenantId}`;
let nextDraft = 0;

const scenarios: [string, () => { query: string; variables?: Record<string, unknown> }][] = [
  [
    'customer by id + contacts',
    () => ({
      query: 'query($id: ID!) { customer(id: $id) { name email contacts { name } satisfaction { averageScore } } }',
      variables: { id: rows[Math.floor(Math.random() * rows.length)].id },
    }),
  ],
  [
    '100 customers + contacts, tickets, satisfaction',
    () => ({
      query:
        '{ customers(first: 100) { totalCount nodes { name contacts { name } serviceTickets(first: 3) { nodes { subject } } satisfaction { averageScore count } } } }',
    }),
  ],
  [
    'search customers',
    () => ({
      query: 'query($s: String) { customers(first: 20, filter: {search: $s}) { nodes { name } } }',
      variables: { s: `customer ${Math.floor(Math.random() * 50)}` },
    }),
  ],
  [
    '50 products + stock per warehouse + ATP',
    () => ({
      query:
        '{ products(first: 50) { nodes { sku availableQuantity stock { warehouse { code } onHand reserved } availableToPromise(quantity: "5") { date } } } }',
    }),
  ],
  [
    'confirmSalesOrder (reserve across warehouses)',
    () => ({
      query: 'mutation($id: ID!) { confirmSalesOrder(input: {id: $id}) { order { status } userErrors { code } } }',
      variables: { id: drafts[nextDraft++] },
    }),
  ],
  [
    'createCustomer',
    () => ({
      query:
        'mutation($n: String!) { createCustomer(input: {name: $n, email: "new@bench.cn"}) { customer { id } userErrors { code } } }',
      variables: { n: `New ${Math.random()}` },
    }),
  ],
];

async function run(name: string, make: () => { query: string; variables?: Record<string, unknown> }) {
  const latencies: number[] = [];
  let statements = 0;
  let failures = 0;
  const stop = onQuery((_q, params) => {
    if (params.includes(tenantId)) statements++;
  });
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        const res = await fetch(graph.gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(make()),
        });
        const body = (await res.json()) as { errors?: unknown };
        if (!res.ok || body.errors) failures++;
        latencies.push(performance.now() - started);
      }
    }),
  );
  stop();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
  console.log(
    `${name.padEnd(48)} ${(latencies.length / seconds).toFixed(0).padStart(6)} req/s   p50 ${pct(50).padStart(6)} ms   p95 ${pct(95).padStart(6)} ms   p99 ${pct(99).padStart(6)} ms   ${(statements / latencies.length).toFixed(1)} SQL/req   ${failures} failed`,
  );
}

/**
 * How long after markOpportunityWon returns the DRAFT order it caused can be read through the
 * gateway (outbox -> NOTIFY -> relay -> order-fulfilment's inbox), polled every 5 ms.
 */
async function eventLatency(samples: number) {
  const customerId = rows[0].id;
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const { createOpportunity } = await call(
      'mutation($c: ID!) { createOpportunity(input: {title: "Bench deal", customerId: $c}) { opportunity { id } } }',
      { c: customerId },
    );
    const id = createOpportunity.opportunity.id;
    await call(
      'mutation($id: ID!, $p: ID!) { addOpportunityLine(input: {opportunityId: $id, line: {productId: $p, quantity: "1", unitPrice: {amount: "10", currency: "CNY"}}}) { opportunity { id } } }',
      { id, p: productIds[i % 20] },
    );
    await call('mutation($id: ID!) { markOpportunityWon(input: {id: $id}) { opportunity { status } } }', { id });
    const started = performance.now();
    while (
      !(await call('query($id: ID!) { opportunity(id: $id) { salesOrder { id } } }', { id })).opportunity.salesOrder
    )
      await new Promise((r) => setTimeout(r, 5));
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
  console.log(
    `${'opportunity won -> its draft order readable'.padEnd(48)} ${String(samples).padStart(6)} samples p50 ${pct(50).padStart(6)} ms   p95 ${pct(95).padStart(6)} ms   max ${pct(100).padStart(6)} ms`,
  );
}

console.log(
  `gateway + subgraphs in one process, ${concurrency} concurrent clients, ${seconds}s per scenario, Node ${process.version}`,
);
for (const [name, make] of scenarios) await run(name, make);
await eventLatency(50);
await layerCost(graph, tenantId);
const victim = `bench-victim-${Date.now()}`;
const victimToken = await signToken(graph.secrets.jwtSecret!, { tenantId: victim });
const victimCustomer = await fetch(graph.gatewayUrl, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${victimToken}` },
  body: JSON.stringify({ query: 'mutation { createCustomer(input: {name: "Victim"}) { customer { id } } }' }),
}).then(async (res) => ((await res.json()) as any).data.createCustomer.customer.id);
await underAttack(graph, { attacker: tenantId, victim, seconds, customerId: victimCustomer });
await graph.close();
await embedded?.stop();
rmSync(tmp, { recursive: true, force: true });
