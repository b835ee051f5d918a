import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Database } from '../../lib/db.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';
import { sleep, strict, syncPass } from './support.js';

/**
 * A sync loop, as an integrator runs it (page by page with the cursors, then again from the last
 * page's syncedUntil), against clients writing at the same time and against transactions that
 * commit late with an earlier updatedAt: the copy ends equal to the source.
 */
let stack: Stack;
let late: Database;
beforeAll(async () => {
  stack = await startStack();
  late = connect(inject('databaseUrl'), { max: 4 });
});
afterAll(async () => {
  await late?.close();
  await stack?.close();
});

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** A transaction on its own connection, held open until released; `start` is its start, to the millisecond. */
function heldTransaction(
  work: (tx: Database['sql']) => Promise<void>,
  before?: (tx: Database['sql']) => Promise<void>,
) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let started!: (start: string) => void;
  const start = new Promise<string>((resolve) => (started = resolve));
  const done = late.sql.begin(async (tx) => {
    const [row] = await tx.unsafe(
      `select to_char(date_trunc('milliseconds', now()) at time zone 'UTC', ${ISO}) as start`,
    );
    await before?.(tx as unknown as Database['sql']);
    started(row.start);
    await released;
    await work(tx as unknown as Database['sql']);
  });
  return { start, release, done };
}

type Copy = Map<string, { updatedAt: string; name: string }>;

/** Applies one pass to the copy, checking that it is in strict (updatedAt, id) order: nothing repeats. */
function apply(copy: Copy, nodes: { id: string; updatedAt: string; name: string }[]) {
  for (const [i, node] of nodes.entries()) {
    if (i > 0) {
      const prev = nodes[i - 1];
      const order = Date.parse(prev.updatedAt) - Date.parse(node.updatedAt) || (prev.id < node.id ? -1 : 1);
      expect(order, `${prev.id}@${prev.updatedAt} then ${node.id}@${node.updatedAt}`).toBeLessThan(0);
    }
    copy.set(node.id, { updatedAt: node.updatedAt, name: node.name });
  }
}

async function source(tenantId: string) {
  const rows = await late.sql`
    select id, name, to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as updated_at
    from customer.customers where tenant_id = ${tenantId}`;
  return new Map(rows.map((r) => [r.id as string, { updatedAt: r.updated_at as string, name: r.name as string }]));
}

describe('a sync loop', () => {
  it('against concurrent writers and late commits ends with a copy equal to the source', async () => {
    const tenant = newTenant('loop');
    const token = await stack.token(tenant);
    const run = strict(stack, token);
    const create = async (name: string) =>
      (
        await run(
          `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { code } } }`,
          { i: { name } },
        )
      ).customer.id as string;
    const seeded: string[] = [];
    for (let i = 0; i < 12; i++) seeded.push(await create(`Seed ${i}`));
    // Two rows the late transactions change; the writers leave them alone.
    const [lateWriteId, lateReadThenWriteId] = seeded.splice(0, 2);

    let writing = true;
    let writes = 0;
    const writer = async (w: number) => {
      const mine: string[] = [];
      for (let i = 0; writing; i++) {
        if (i % 3 === 0 || mine.length === 0) mine.push(await create(`W${w}-${i}`));
        else {
          const id = i % 2 ? mine[i % mine.length] : seeded[(w + i) % seeded.length];
          await run(`mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { userErrors { code } } }`, {
            i: { id, segment: `s${w}-${i}` },
          });
        }
        writes++;
      }
    };
    // Reads first (no xid yet) while passes run, writes only when released: an xid-based horizon
    // would pass its start.
    const lateReadThenWrite = heldTransaction(async (tx) => {
      await tx`update customer.customers set name = 'Late read then write' where tenant_id = ${tenant} and id = ${lateReadThenWriteId}`;
    });
    const readThenWriteStart = await lateReadThenWrite.start;
    // Holds its write open across a pass, then commits: its updatedAt (its start) is behind rows that
    // pass has already read.
    const lateWrite = heldTransaction(
      async () => {},
      async (tx) => {
        await tx`update customer.customers set name = 'Late write' where tenant_id = ${tenant} and id = ${lateWriteId}`;
      },
    );
    const writeStart = await lateWrite.start;
    const [xactStart] = await late.sql`
      select to_char(date_trunc('milliseconds', min(xact_start)) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as start
      from pg_stat_activity where backend_xid is not null and query like '%Late write%'`;

    const copy: Copy = new Map();
    let since: string | null = null;
    const pass = (pageSize: number) =>
      syncPass<{ id: string; updatedAt: string; name: string }>(stack, token, 'customers', 'id updatedAt name', since, {
        pageSize,
        onPage: async () => {
          await sleep(10);
        },
      });
    const writers = [0, 1, 2, 3].map(writer);
    try {
      for (let n = 0; n < 4; n++) {
        const read = await pass(5);
        if (n === 0) {
          // syncedUntil never passes the start of a write transaction still open.
          for (const p of read.pages) expect(Date.parse(p.syncedUntil!)).toBeLessThanOrEqual(Date.parse(writeStart));
          expect(read.nodes.find((c) => c.id === lateWriteId)?.name).toBe('Seed 0');
          lateWrite.release();
          await lateWrite.done;
        }
        if (n === 1) {
          expect(Date.parse(read.syncedUntil)).toBeLessThanOrEqual(Date.parse(readThenWriteStart));
          lateReadThenWrite.release();
          await lateReadThenWrite.done;
        }
        apply(copy, read.nodes);
        since = read.syncedUntil;
      }
    } finally {
      writing = false;
      lateWrite.release();
      lateReadThenWrite.release();
      await Promise.allSettled([...writers, lateWrite.done, lateReadThenWrite.done]);
    }
    apply(copy, (await pass(20)).nodes);

    expect(writes).toBeGreaterThan(10);
    expect(xactStart.start).toBe(writeStart);
    const truth = await source(tenant);
    expect(truth.get(lateWriteId)).toEqual({ updatedAt: writeStart, name: 'Late write' });
    expect(truth.get(lateReadThenWriteId)).toEqual({ updatedAt: readThenWriteStart, name: 'Late read then write' });
    expect(new Map([...copy].sort())).toEqual(new Map([...truth].sort()));
  }, 60_000);
});
