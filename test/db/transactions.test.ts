import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Database } from '../../lib/db.js';
import { uuidv7 } from '../../lib/ids.js';
import { logger } from '../../lib/logger.js';
import { outboxSink } from '../../lib/audit.js';
import { inTransaction, type Writable } from '../../lib/transaction.js';
import { outbox } from '../../subgraphs/customer/events.js';
import { newTenant } from '../support/stack.js';

/**
 * Two real transactions lock two rows in opposite orders: PostgreSQL detects the deadlock and
 * aborts one. inTransaction runs the victim's work again, so both writes land, each once.
 */
let database: Database;
beforeAll(() => {
  database = connect(inject('databaseUrl'), { max: 4 });
});
afterAll(() => database.close());

describe('inTransaction', () => {
  it('retries a deadlock victim and both writers succeed', async () => {
    const tenant = newTenant('lock');
    const [a, b] = [uuidv7(), uuidv7()];
    await database.sql`insert into customer.customers (tenant_id, id, name, kind, created_at, updated_at)
      values (${tenant}, ${a}, 'A', 'COMPANY', now(), now()), (${tenant}, ${b}, 'B', 'COMPANY', now(), now())`;
    let bothHoldFirstLock: () => void = () => {};
    const barrier = new Promise<void>((resolve) => {
      let waiting = 2;
      bothHoldFirstLock = () => {
        waiting -= 1;
        if (waiting === 0) resolve();
      };
    });
    const attempts = { ab: 0, ba: 0 };
    // A request's context as inTransaction needs it: the real database, no settings to read.
    const ctx: Writable<object> = {
      tenantId: tenant,
      userId: 'u',
      actorKind: 'USER',
      clientIp: null,
      operationName: null,
      scopes: new Set(),
      requestId: 'r',
      log: logger,
      outbox,
      // Outside a mutation: nothing to record.
      audit: { service: 'customer', sink: outboxSink(outbox), mutation: null },
      database,
      loaders: { tenant: async () => ({}) },
      renewLoaders: () => {},
    };
    const writer = (first: string, second: string, key: 'ab' | 'ba') =>
      inTransaction(ctx, async (tx) => {
        attempts[key] += 1;
        await tx.execute(
          sql`select 1 from customer.customers where tenant_id = ${tenant} and id = ${first} for update`,
        );
        if (attempts[key] === 1) {
          bothHoldFirstLock();
          await barrier;
        }
        await tx.execute(
          sql`update customer.customers set segment = coalesce(segment, '') || ${key} where tenant_id = ${tenant} and id = ${second}`,
        );
        return { done: key };
      });
    const results = await Promise.all([writer(a, b, 'ab'), writer(b, a, 'ba')]);
    expect(results).toEqual([
      { value: { done: 'ab' }, userErrors: [] },
      { value: { done: 'ba' }, userErrors: [] },
    ]);
    expect(attempts.ab + attempts.ba).toBe(3); // one of them was the victim and ran twice
    const rows =
      await database.sql`select id, segment from customer.customers where tenant_id = ${tenant} order by name`;
    expect(rows.map((r) => r.segment)).toEqual(['ba', 'ab']); // each write exactly once
  });
});
