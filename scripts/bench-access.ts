/**
 * The access layer's part of `npm run bench` (issue 11): what API keys, cost and operation limits
 * add to the gateway's CPU per request, and whether one tenant flooding the gateway with its most
 * expensive allowed queries slows another tenant's simple ones.
 */
import { parse, validate, buildASTSchema, type ValidationRule } from 'graphql';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { apiKeyAuthenticator } from '../gateway/api-keys.js';
import { createVerifier } from '../gateway/auth.js';
import { memoryBucketStore, redisBucketStore, type BucketStore } from '../gateway/buckets.js';
import { createCostCalculator } from '../gateway/cost.js';
import { createGateway } from '../gateway/index.js';
import { operationLimits } from '../lib/config.js';
import { signToken } from '../lib/tokens.js';
import type { startLocalGraph } from './local-graph.js';

type Graph = Awaited<ReturnType<typeof startLocalGraph>>;

const root = path.resolve(import.meta.dirname, '..');
const supergraph = readFileSync(path.join(root, 'schema', 'supergraph.graphql'), 'utf8');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const CUSTOMER_360 = /```graphql\n(query Customer360[\s\S]*?)```/.exec(readme)![1];

/** CPU microseconds per call of `work`, over `n` calls (user + system, this process). */
async function cpuMicros(n: number, work: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < Math.min(200, n); i++) await work(i); // warm up
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) await work(i);
  const spent = process.cpuUsage(before);
  return (spent.user + spent.system) / n;
}

/** The layer's own work for one customer-360 request, each part timed alone. */
export async function layerCost(graph: Graph, tenantId: string) {
  const n = 5000;
  const document = parse(CUSTOMER_360, { maxTokens: operationLimits().maxTokens });
  const calculate = createCostCalculator(supergraph);
  // The depth and alias rule is a validation rule of the gateway: time it as validation does.
  const limitsRule = await limitsRuleOf();
  const schema = buildASTSchema(parse(supergraph), { assumeValidSDL: true });
  const noop: ValidationRule = () => ({});
  const limitsCheck =
    (await cpuMicros(n, () => validate(schema, document, [limitsRule]))) -
    (await cpuMicros(n, () => validate(schema, document, [noop])));
  const costCold = await cpuMicros(500, () => calculate(parse(CUSTOMER_360), 'Customer360', { id: 'x' }));
  const costCached = await cpuMicros(n, () => calculate(document, 'Customer360', { id: 'x' }));
  const memory = memoryBucketStore();
  const bucket = { capacity: 1e12, restoreRate: 1e9 };
  const memoryTake = await cpuMicros(n, (i) => memory.take(`user:${tenantId}:${i % 100}`, 765, bucket));
  let redisTake: number | null = null;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let redis: BucketStore | undefined;
  try {
    redis = redisBucketStore(redisUrl, { keyPrefix: `bench-${Date.now()}:` });
    await redis.take('probe', 0, bucket);
    redisTake = await cpuMicros(2000, (i) => redis!.take(`user:${tenantId}:${i % 100}`, 765, bucket));
  } catch {
    redisTake = null;
  } finally {
    await redis?.close().catch(() => {});
  }
  const jwt = createVerifier(graph.secrets);
  const token = await signToken(graph.secrets.jwtSecret!, { tenantId });
  const jwtVerify = await cpuMicros(n, () => jwt(token));
  const key = await createKey(graph, tenantId);
  const authenticateKey = apiKeyAuthenticator({
    lookupUrl: graph.subgraphUrls.platform.replace(/\/graphql$/, '/api-keys/lookup'),
    signingSecret: graph.secrets.signingSecret,
  });
  const keyCheck = await cpuMicros(n, () => authenticateKey(key));
  const lines = [
    ['depth + alias limits, first time a document is seen', limitsCheck],
    ['cost of the customer 360, first time', costCold],
    ['cost of the customer 360, cached (same document and variables)', costCached],
    ['rate limit: take from an in-memory bucket', memoryTake],
    ['rate limit: take from a Redis bucket (client side)', redisTake],
    ['API key, cached (hash + lookup + expiry)', keyCheck],
    ['for comparison: verifying a JWT (HS256)', jwtVerify],
  ] as const;
  console.log('\naccess layer, CPU per request (customer 360), measured alone:');
  for (const [name, micros] of lines)
    console.log(
      `  ${name.padEnd(56)} ${micros === null ? '   n/a (no Redis)' : `${micros.toFixed(1).padStart(8)} µs`}`,
    );
  // The runtime caches parsing and validation per document text: the limits run once per document.
  const added = costCached + memoryTake;
  console.log(
    `  ${'added per request: cost (cached) + in-memory bucket'.padEnd(56)} ${added.toFixed(1).padStart(8)} µs`,
  );
  // The gateway remembers verified tokens (gateway/auth.ts cachedVerifier): a JWT costs this once per token.
  console.log(
    `  ${'an API key (cached) against a JWT verified afresh'.padEnd(56)} ${(keyCheck - jwtVerify).toFixed(1).padStart(8)} µs`,
  );
}

async function limitsRuleOf(): Promise<ValidationRule> {
  // useOperationLimits registers its rule through onValidate: capture it from a stand-in hook.
  const { useOperationLimits } = await import('../gateway/limits.js');
  let rule: ValidationRule | undefined;
  const plugin = useOperationLimits(operationLimits()) as { onValidate?: (p: unknown) => void };
  plugin.onValidate?.({ addValidationRule: (r: ValidationRule) => (rule = r) });
  return rule!;
}

async function createKey(graph: Graph, tenantId: string): Promise<string> {
  const token = await signToken(graph.secrets.jwtSecret!, { tenantId });
  const res = await fetch(graph.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: 'mutation { createApiKey(input: {name: "bench", scopes: ["crm:read"]}) { secret userErrors { code } } }',
    }),
  });
  return ((await res.json()) as any).data.createApiKey.secret;
}

/**
 * One tenant floods a gateway with default limits from 10 connections with its most expensive
 * allowed query (each must wait for its bucket); another tenant's simple reads run meanwhile.
 */
export async function underAttack(
  graph: Graph,
  opts: { attacker: string; victim: string; seconds: number; customerId: string },
) {
  const gateway = createGateway({
    secrets: graph.secrets,
    subgraphUrls: graph.subgraphUrls,
    maxQueryCost: 2000,
    rateLimit: { points: 2000, restoreRate: 100, redisUrl: undefined },
  });
  const server = createServer(gateway);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const attackerToken = await signToken(graph.secrets.jwtSecret!, { tenantId: opts.attacker });
  const victimToken = await signToken(graph.secrets.jwtSecret!, { tenantId: opts.victim });
  // 1 + 100 x (node, contacts 10, tickets 1 + 5): 1701 points, under the 2000 limit.
  const expensive =
    '{ customers(first: 100) { nodes { name contacts { name } serviceTickets(first: 5) { nodes { subject } } } } }';
  const simple = 'query($id: ID!) { customer(id: $id) { name email } }';
  const post = (token: string, query: string, variables?: object) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    }).then(async (res) => {
      await res.arrayBuffer();
      return res.status;
    });
  const attack = { served: 0, throttled: 0, other: 0 };
  const round = async (attacking: boolean) => {
    const deadline = performance.now() + opts.seconds * 1000;
    const victim: number[] = [];
    let failures = 0;
    await Promise.all([
      ...Array.from({ length: attacking ? 10 : 0 }, async () => {
        while (performance.now() < deadline) {
          const status = await post(attackerToken, expensive);
          if (status === 200) attack.served++;
          else if (status === 429) attack.throttled++;
          else attack.other++;
        }
      }),
      ...Array.from({ length: 4 }, async () => {
        while (performance.now() < deadline) {
          const started = performance.now();
          if ((await post(victimToken, simple, { id: opts.customerId })) !== 200) failures++;
          victim.push(performance.now() - started);
          // A simple client: one read every 50 ms per connection (80 points a second, under its 100).
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }),
    ]);
    victim.sort((a, b) => a - b);
    const pct = (p: number) => victim[Math.min(victim.length - 1, Math.floor((p / 100) * victim.length))].toFixed(1);
    return `${victim.length} simple reads: p50 ${pct(50)} ms, p99 ${pct(99)} ms, ${failures} failed`;
  };
  // The new gateway plans each operation once: warm it up before anything is measured.
  for (let i = 0; i < 20; i++) await post(victimToken, simple, { id: opts.customerId });
  await post(attackerToken, expensive);
  const quiet = await round(false);
  const attacked = await round(true);
  server.closeAllConnections();
  server.close();
  await gateway.dispose();
  console.log(
    `\nunder attack (${opts.seconds}s each): another tenant's ${quiet} alone;` +
      `\n  ${attacked} while one tenant floods from 10 connections with a 1701-point query` +
      `\n  (the flood got ${attack.served} answers and ${attack.throttled} 429s, ${attack.other} other)`,
  );
}
