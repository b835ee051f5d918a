import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { connect, type Database } from '../../lib/db.js';
import { Relay } from '../../lib/events/relay.js';
import { uuidv7 } from '../../lib/ids.js';
import { EVENT_SIGNATURE_HEADER, signDelivery } from '../../lib/events/signature.js';
import { deliver, envelope, startEventProxy } from '../support/events.js';
import { strictClient } from '../support/fulfilment.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';
import { inject } from 'vitest';

/**
 * The event backbone under failure, with real connections and a real HTTP hop in between:
 * opportunity.won (sales-pipeline's outbox) -> order-fulfilment, whose effect is a DRAFT order.
 * The stack's own relays are off: each test drives its relays itself.
 */
let stack: Stack;
const databases: Database[] = [];
beforeAll(async () => {
  stack = await startStack({ relays: false });
});
afterAll(async () => {
  await Promise.all(databases.map((d) => d.close()));
  await stack?.close();
});

const ERRORS = 'userErrors { code field message }';

/** A tenant with a product, a customer, and `n` won deals waiting in the sales outbox. */
async function wonDeals(n: number) {
  const tenant = newTenant('bb');
  const run = strictClient(stack, await stack.token(tenant));
  const product = (
    await run(
      `mutation { createProduct(input: {sku: "TEA", name: "Tea", listPrice: {amount: "12.50", currency: "CNY"}}) { product { id } ${ERRORS} } }`,
    )
  ).product.id;
  const customer = (await run(`mutation { createCustomer(input: {name: "Tea House"}) { customer { id } ${ERRORS} } }`))
    .customer.id;
  const opportunities = Array.from({ length: n }, () => uuidv7());
  await stack.database.db.transaction(async (tx) => {
    for (const opportunityId of opportunities) {
      await stack.subgraphs.sales.outbox.publish(tx, tenant, 'opportunity.won', {
        opportunityId,
        customerId: customer,
        title: 'Tea for the year',
        currency: 'CNY',
        amount: '125.00',
        lines: [{ productId: product, quantity: '10', unitPrice: '12.50', discountPercent: '0' }],
      });
    }
    // Platform subscribes too (webhooks, tested in test/platform/webhooks*.test.ts): here only
    // order-fulfilment's deliveries are under test.
    await tx.execute(sql`delete from sales.outbox_deliveries where tenant_id = ${tenant} and subscriber = 'platform'`);
  });
  const orders = async () =>
    (await stack.database
      .sql`select opportunity_id, total::text from fulfilment.sales_orders where tenant_id = ${tenant} order by opportunity_id`) as unknown as {
      opportunity_id: string;
      total: string;
    }[];
  const deliveries = async () =>
    (await stack.database
      .sql`select status, attempts, last_error from sales.outbox_deliveries where tenant_id = ${tenant} order by event_id`) as unknown as {
      status: string;
      attempts: number;
      last_error: string | null;
    }[];
  return { tenant, run, opportunities, orders, deliveries };
}

/** A relay of sales-pipeline's outbox with its own connections, delivering to order-fulfilment at `url`. */
function relayTo(url: string, opts: Partial<ConstructorParameters<typeof Relay>[0]> = {}) {
  const database = opts.database ?? connect(inject('databaseUrl'), { max: 2 });
  databases.push(database);
  return new Relay({
    outbox: stack.subgraphs.sales.outbox,
    database,
    targets: { 'order-fulfilment': url },
    signingSecret: stack.secrets.signingSecret,
    retryBaseMs: 1,
    ...opts,
  });
}

/** Runs the relay until nothing is due (retries are due after `retryBaseMs`). */
async function drain(relay: Relay, rounds = 20) {
  for (let i = 0; i < rounds; i++) {
    if ((await relay.runOnce()) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('exactly once in effect', () => {
  it('a consumer whose handler fails three times midway (after writing) and then succeeds applies the event once', async () => {
    const deals = await wonDeals(1);
    // A real failure inside the consumer's transaction: the order row is written, then writing its
    // line raises, three times. Each attempt's writes and its inbox row roll back together.
    const tag = deals.tenant.replace(/-/g, '_');
    await stack.database.sql.unsafe(`
      create sequence fail_${tag};
      create function fail_${tag}() returns trigger language plpgsql as $$
        begin
          if new.tenant_id = '${deals.tenant}' and nextval('fail_${tag}') <= 3 then raise exception 'injected failure %', currval('fail_${tag}'); end if;
          return new;
        end $$;
      create trigger fail_${tag} before insert on fulfilment.sales_order_lines for each row execute function fail_${tag}();`);
    try {
      await drain(relayTo(stack.eventUrls['order-fulfilment']));
      expect(await deals.deliveries()).toEqual([{ status: 'DELIVERED', attempts: 4, last_error: null }]);
      expect(await deals.orders()).toEqual([{ opportunity_id: deals.opportunities[0], total: '125.00' }]);
      const [{ n }] = await stack.database
        .sql`select count(*)::int as n from fulfilment.inbox where tenant_id = ${deals.tenant}`;
      expect(n).toBe(1);
    } finally {
      await stack.database.sql.unsafe(
        `drop trigger fail_${tag} on fulfilment.sales_order_lines; drop function fail_${tag}(); drop sequence fail_${tag};`,
      );
    }
  });

  it('a consumer that cannot be reached three times and then answers applies the event once', async () => {
    const deals = await wonDeals(1);
    const proxy = await startEventProxy(stack.eventUrls['order-fulfilment'], (n) => (n <= 3 ? 'fail' : 'forward'));
    try {
      await drain(relayTo(proxy.url));
      expect(proxy.seen).toHaveLength(4);
      expect(await deals.deliveries()).toEqual([{ status: 'DELIVERED', attempts: 4, last_error: null }]);
      expect(await deals.orders()).toEqual([{ opportunity_id: deals.opportunities[0], total: '125.00' }]);
    } finally {
      await proxy.close();
    }
  });

  it('a relay process killed between delivery and acknowledgement: the next one redelivers, the consumer ignores the repeat', async () => {
    const deals = await wonDeals(1);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The consumer commits the effect; the answer to the relay is held back while it is killed.
    const proxy = await startEventProxy(stack.eventUrls['order-fulfilment'], () => ({ hold: held }));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('../support/relay-child.ts', import.meta.url))],
      {
        env: {
          ...process.env,
          DATABASE_URL: inject('databaseUrl'),
          RELAY_TARGET: proxy.url,
          RELAY_SECRET: stack.secrets.signingSecret,
        },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    try {
      await expect.poll(() => deals.orders(), { timeout: 20_000 }).toHaveLength(1);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      // Its transaction died with it: the delivery is still pending, its lock gone.
      await expect
        .poll(() => deals.deliveries(), { timeout: 10_000 })
        .toEqual([{ status: 'PENDING', attempts: 0, last_error: null }]);

      await drain(relayTo(stack.eventUrls['order-fulfilment']), 2);
      expect(await deals.deliveries()).toEqual([{ status: 'DELIVERED', attempts: 1, last_error: null }]);
      expect(await deals.orders()).toEqual([{ opportunity_id: deals.opportunities[0], total: '125.00' }]);
      const [{ n }] = await stack.database
        .sql`select count(*)::int as n from fulfilment.inbox where tenant_id = ${deals.tenant}`;
      expect(n).toBe(1);
    } finally {
      child.kill('SIGKILL');
      release();
      await proxy.close();
    }
  });

  it('retries what may pass later (401, 404, 503), dead-letters only what the consumer refused (422), and spares a failing subscriber the rest of a batch', async () => {
    const deals = await wonDeals(3);
    const answers = [{ status: 401 }, { status: 404 }, 'fail' as const];
    const proxy = await startEventProxy(stack.eventUrls['order-fulfilment'], (n) => answers[n - 1] ?? 'forward');
    try {
      const relay = relayTo(proxy.url, { retryBaseMs: 1 });
      // The first delivery fails; the other two are postponed without an attempt or a request.
      expect(await relay.runOnce()).toBe(3);
      expect(proxy.seen).toHaveLength(1);
      expect((await deals.deliveries()).map((d) => d.attempts).sort()).toEqual([0, 0, 1]);
      await drain(relay);
      expect((await deals.deliveries()).every((d) => d.status === 'DELIVERED')).toBe(true);
      expect(await deals.orders()).toHaveLength(3);
    } finally {
      await proxy.close();
    }
  });

  it('two relays side by side share the work and never send one delivery twice', async () => {
    const deals = await wonDeals(40);
    const proxy = await startEventProxy(stack.eventUrls['order-fulfilment']);
    try {
      const [a, b] = [relayTo(proxy.url, { batchSize: 4 }), relayTo(proxy.url, { batchSize: 4 })];
      const handled = { a: 0, b: 0 };
      const work = async (relay: Relay, name: 'a' | 'b') => {
        for (let n = await relay.runOnce(); n > 0; n = await relay.runOnce()) handled[name] += n;
      };
      await Promise.all([work(a, 'a'), work(b, 'b')]);
      expect(handled.a + handled.b).toBe(40);
      expect(handled.a).toBeGreaterThan(0);
      expect(handled.b).toBeGreaterThan(0);
      expect(new Set(proxy.seen).size).toBe(40);
      expect(proxy.seen).toHaveLength(40);
      expect((await deals.orders()).map((o) => o.opportunity_id)).toEqual([...deals.opportunities].sort());
      expect((await deals.deliveries()).every((d) => d.status === 'DELIVERED' && d.attempts === 1)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('a delivery that keeps failing is dead-lettered, listed by events, and applied once when replayed', async () => {
    const deals = await wonDeals(1);
    let down = true;
    const proxy = await startEventProxy(stack.eventUrls['order-fulfilment'], () => (down ? 'fail' : 'forward'));
    try {
      const relay = relayTo(proxy.url, { maxAttempts: 3 });
      await drain(relay);
      expect(await deals.deliveries()).toMatchObject([{ status: 'DEAD', attempts: 3 }]);
      expect((await deals.deliveries())[0].last_error).toContain('503');
      expect(await deals.orders()).toEqual([]);

      const admin = await stack.token(deals.tenant, ['admin']);
      const dead = await stack.query(
        admin,
        `{ events(filter: {state: DEAD}) { totalCount nodes { id type publisher state deliveries { subscriber status attempts lastError } } } }`,
      );
      expect(dead.errors).toBeUndefined();
      expect(dead.data.events.totalCount).toBe(1);
      const [event] = dead.data.events.nodes;
      expect(event).toMatchObject({
        type: 'opportunity.won',
        publisher: 'sales-pipeline',
        state: 'DEAD',
        deliveries: [{ subscriber: 'order-fulfilment', status: 'DEAD', attempts: 3 }],
      });

      down = false;
      const replay = `mutation($id: ID!) { replayEvent(input: {id: $id}) { replayed event { state deliveries { status attempts } } ${ERRORS} } }`;
      const replayed = await stack.query(admin, replay, { id: event.id });
      expect(replayed.data.replayEvent).toEqual({
        replayed: 1,
        event: { state: 'PENDING', deliveries: [{ status: 'PENDING', attempts: 0 }] },
        userErrors: [],
      });
      await drain(relay, 2);
      expect(await deals.orders()).toHaveLength(1);
      expect(await deals.deliveries()).toMatchObject([{ status: 'DELIVERED', attempts: 1 }]);

      // After an outage, every dead letter at once (here of one type, to one subscriber).
      const more = await wonDeals(2);
      down = true;
      await drain(relayTo(proxy.url, { maxAttempts: 1 }));
      expect((await more.deliveries()).map((d) => d.status)).toEqual(['DEAD', 'DEAD']);
      down = false;
      const moreAdmin = await stack.token(more.tenant, ['admin']);
      const bulk = await stack.query(
        moreAdmin,
        `mutation { replayDeadLetters(input: {type: "opportunity.won", subscriber: "order-fulfilment"}) { replayed ${ERRORS} } }`,
      );
      expect(bulk.data.replayDeadLetters).toEqual({ replayed: 2, userErrors: [] });
      await drain(relay, 2);
      expect(await more.orders()).toHaveLength(2);
      const wrong = await stack.query(
        moreAdmin,
        `mutation { replayDeadLetters(input: {subscriber: "billing"}) { replayed ${ERRORS} } }`,
      );
      expect(wrong.data.replayDeadLetters.userErrors).toMatchObject([
        { code: 'UNKNOWN_SUBSCRIBER', field: ['input', 'subscriber'] },
      ]);

      const again = await stack.query(admin, replay, { id: event.id });
      expect(again.data.replayEvent).toMatchObject({
        replayed: 0,
        event: null,
        userErrors: [{ code: 'NOTHING_TO_REPLAY', field: ['input', 'id'] }],
      });
      const unknown = await stack.query(admin, replay, { id: uuidv7() });
      expect(unknown.data.replayEvent.userErrors).toMatchObject([{ code: 'NOT_FOUND' }]);
      // Another tenant can neither see nor replay it.
      const other = await stack.token(newTenant('other'), ['admin']);
      expect((await stack.query(other, `{ events { totalCount } }`)).data.events.totalCount).toBe(0);
      expect((await stack.query(other, replay, { id: event.id })).data.replayEvent.userErrors).toMatchObject([
        { code: 'NOT_FOUND' },
      ]);
      // Without the admin scope there is no event log.
      const rep = await stack.token(deals.tenant, ['crm:read', 'sales:read', 'sales:write']);
      expect((await stack.query(rep, `{ events { totalCount } }`)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    } finally {
      await proxy.close();
    }
  });

  it('refuses deliveries that are unsigned, signed for another subgraph or malformed, with no effect', async () => {
    const deals = await wonDeals(0);
    const event = envelope(deals.tenant, 'opportunity.won', {
      opportunityId: uuidv7(),
      customerId: uuidv7(),
      title: 'x',
      currency: 'CNY',
      amount: '1',
      lines: [],
    });
    const unsigned = await fetch(stack.eventUrls['order-fulfilment'], {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(unsigned.status).toBe(401);
    expect((await deliver(stack, 'order-fulfilment', event, { secret: 'not-the-secret' })).status).toBe(401);
    const forFinance = await deliver(stack, 'finance', event);
    expect(forFinance.status).toBe(422);
    expect((await deliver(stack, 'order-fulfilment', { ...event, type: 'opportunity.exploded' })).status).toBe(422);
    expect((await deliver(stack, 'order-fulfilment', { ...event, version: 99 })).status).toBe(422);
    expect((await deliver(stack, 'order-fulfilment', { ...event, tenantId: 'Not A Tenant!' })).status).toBe(422);
    expect((await deliver(stack, 'order-fulfilment', null)).status).toBe(422);
    // Over 1 MiB: answered 413 (not a reset connection the relay would retry for hours).
    expect(
      (await deliver(stack, 'order-fulfilment', { ...event, payload: { padding: 'x'.repeat(1_100_000) } })).status,
    ).toBe(413);
    const [{ n }] = await stack.database
      .sql`select count(*)::int as n from fulfilment.inbox where tenant_id = ${deals.tenant}`;
    expect(n).toBe(0);
  });
});

describe('the outbox admin endpoint', () => {
  it('answers only requests signed for it, well formed, and only about the tenant they name', async () => {
    const deals = await wonDeals(1);
    const admin = stack.eventUrls['sales-pipeline'] + '/admin';
    const ask = (body: unknown, audience: string | null) => {
      const text = JSON.stringify(body);
      return fetch(admin, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(audience ? { [EVENT_SIGNATURE_HEADER]: signDelivery(stack.secrets.signingSecret, audience, text) } : {}),
        },
        body: text,
      });
    };
    const list = { action: 'list', tenantId: deals.tenant, limit: 10 };
    expect((await ask(list, null)).status).toBe(401);
    expect((await ask(list, 'sales-pipeline')).status).toBe(401);
    for (const bad of [
      { ...list, limit: 500 },
      { ...list, tenantId: 'Not A Tenant' },
      { ...list, before: 'x' },
      { action: 'drop', tenantId: deals.tenant },
      { action: 'replay', tenantId: deals.tenant, eventId: 'x' },
    ]) {
      expect((await ask(bad, 'sales-pipeline/admin')).status, JSON.stringify(bad)).toBe(400);
    }
    const ok = await ask(list, 'sales-pipeline/admin');
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { totalCount: number }).totalCount).toBe(1);
    const other = await ask({ ...list, tenantId: newTenant('other') }, 'sales-pipeline/admin');
    expect(((await other.json()) as { totalCount: number }).totalCount).toBe(0);
  });
});

describe('retention', () => {
  it('forgets delivered events and inbox entries past the retention, keeps dead letters and anything recent', async () => {
    const deals = await wonDeals(3);
    const relay = relayTo(stack.eventUrls['order-fulfilment']);
    await drain(relay, 2);
    const [dead, old, recent] = (
      await stack.database.sql`select id from sales.outbox_events where tenant_id = ${deals.tenant} order by id`
    ).map((r) => r.id);
    await stack.database
      .sql`update sales.outbox_deliveries set status = 'DEAD' where tenant_id = ${deals.tenant} and event_id = ${dead}`;
    await stack.database
      .sql`update sales.outbox_events set occurred_at = now() - interval '31 days' where tenant_id = ${deals.tenant} and id in ${stack.database.sql([dead, old])}`;
    await stack.database
      .sql`update fulfilment.inbox set received_at = now() - interval '31 days' where tenant_id = ${deals.tenant} and event_id = ${old}`;
    const pruned = await relay.prune();
    expect(pruned!.events).toBeGreaterThanOrEqual(1);
    const left = (
      await stack.database.sql`select id from sales.outbox_events where tenant_id = ${deals.tenant} order by id`
    ).map((r) => r.id);
    expect(left).toEqual([dead, recent]);
    const [{ n: deliveries }] = await stack.database
      .sql`select count(*)::int as n from sales.outbox_deliveries where tenant_id = ${deals.tenant}`;
    expect(deliveries).toBe(2);
    // Each subgraph's relay looks after its own schema: order-fulfilment's prunes its inbox.
    const fulfilmentRelay = new Relay({
      outbox: stack.subgraphs.fulfilment.outbox,
      database: stack.database,
      targets: {},
      signingSecret: stack.secrets.signingSecret,
    });
    expect((await fulfilmentRelay.prune())!.inbox).toBeGreaterThanOrEqual(1);
    const inbox = (
      await stack.database
        .sql`select event_id from fulfilment.inbox where tenant_id = ${deals.tenant} order by event_id`
    ).map((r) => r.event_id);
    expect(inbox).toEqual([dead, recent]);
  });
});

describe('the relay wakes on NOTIFY', () => {
  it('delivers a committed event without waiting for its (hour-long) poll', async () => {
    const relay = relayTo(stack.eventUrls['order-fulfilment'], { pollMs: 3_600_000 });
    await relay.start();
    try {
      const deals = await wonDeals(1);
      await expect.poll(() => deals.orders(), { timeout: 10_000 }).toHaveLength(1);
    } finally {
      await relay.stop();
    }
  });
});

describe('the events log', () => {
  it('pages newest first across publishers and filters by type and time', async () => {
    const deals = await wonDeals(3);
    const admin = await stack.token(deals.tenant, ['admin', 'crm:write', 'crm:read']);
    const t = await stack.query(
      admin,
      `mutation { openServiceTicket(input: {customerId: "${(await stack.database.sql`select id from customer.customers where tenant_id = ${deals.tenant}`)[0].id}", subject: "Leaky pot"}) { serviceTicket { id } ${ERRORS} } }`,
    );
    expect(t.errors).toBeUndefined();
    const ticket = t.data.openServiceTicket.serviceTicket.id;
    await stack.query(admin, `mutation { resolveServiceTicket(input: {id: "${ticket}"}) { ${ERRORS} } }`);
    const page = async (args: string) =>
      (
        await stack.query(
          admin,
          `{ events(${args}) { totalCount pageInfo { hasNextPage endCursor } nodes { id type publisher state } } }`,
        )
      ).data.events;
    const all = await page('first: 10');
    expect(all.totalCount).toBe(5);
    expect(all.nodes.map((e: { type: string }) => e.type)).toEqual([
      'serviceTicket.resolved',
      'opportunity.won',
      'opportunity.won',
      'opportunity.won',
      'customer.created',
    ]);
    expect(all.nodes[0]).toMatchObject({ publisher: 'customer', state: 'PUBLISHED' });
    expect(all.nodes[1]).toMatchObject({ publisher: 'sales-pipeline', state: 'PENDING' });
    const first = await page('first: 2');
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await page(`first: 3, after: "${first.pageInfo.endCursor}"`);
    expect([...first.nodes, ...second.nodes].map((e: { id: string }) => e.id)).toEqual(
      all.nodes.map((e: { id: string }) => e.id),
    );
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect((await page('filter: {type: "opportunity.won"}')).totalCount).toBe(3);
    expect((await page(`filter: {since: "${new Date(Date.now() + 60_000).toISOString()}"}`)).totalCount).toBe(0);
    const bad = await stack.query(admin, `{ events(first: 500) { totalCount } }`);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const forged = await stack.query(admin, `{ events(after: "bm9wZQ") { totalCount } }`);
    expect(forged.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
