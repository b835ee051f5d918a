import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { internalClient } from '../../lib/clients/internal-client.js';
import type { BaseContext } from '../../lib/context.js';
import { logger } from '../../lib/logger.js';
import { killServiceProcesses, startServiceProcess } from '../support/service-process.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/**
 * The customer subgraph as its own process (subgraphs/customer/main.ts, as in production), killed
 * (SIGKILL) in the middle of a mutation after the change was written and while its audit entry
 * is being written: PostgreSQL rolls back both. The stack provides the rest of the graph.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  killServiceProcesses();
  await stack?.close();
});

/** A customer service on a port of its own, with the stack's secrets, delivering to the stack's platform. */
async function customerService() {
  const { child, exited, base } = await startServiceProcess('subgraphs/customer/main.ts', 'CUSTOMER_PORT', {
    DATABASE_URL: inject('databaseUrl'),
    JWT_SECRET: stack.secrets.jwtSecret,
    GATEWAY_SIGNING_SECRET: stack.secrets.signingSecret,
    PLATFORM_EVENTS_URL: stack.eventUrls.platform,
    LOG_LEVEL: 'silent',
  });
  // Signed as the gateway signs, for the customer subgraph, with a long enough timeout to be killed first.
  const call = internalClient({
    url: `${base}/graphql`,
    signingSecret: stack.secrets.signingSecret,
    audience: 'customer',
    timeoutMs: 30_000,
  });
  return { child, exited, call };
}

const RENAME = `mutation Rename($id: ID!) { updateCustomer(input: {id: $id, name: "Renamed"}) { customer { name } userErrors { code } } }`;

describe('a subgraph killed mid-request', () => {
  it(
    'leaves neither the change nor its audit entry; the same mutation on a fresh process records it exactly once',
    { timeout: 90_000 },
    async () => {
      const tenant = newTenant('crash');
      const token = await stack.token(tenant, ['crm:read', 'crm:write', 'admin'], { userId: 'ada' });
      const created = await stack.query(
        token,
        'mutation { createCustomer(input: {name: "Original"}) { customer { id } } }',
      );
      const id: string = created.data.createCustomer.customer.id;
      await stack.settle();
      const actor: BaseContext = {
        tenantId: tenant,
        userId: 'ada',
        actorKind: 'USER',
        clientIp: '192.0.2.7',
        operationName: 'Rename',
        scopes: new Set(),
        requestId: 'req-crash',
        log: logger,
      };

      // Writing this tenant's audit event waits for an advisory lock the test holds: the customer
      // row is updated by then, and the transaction is open, neither committed.
      const key = randomInt(1, 2 ** 31 - 1);
      const tag = tenant.replace(/-/g, '_');
      await stack.database.sql.unsafe(`
      create function hold_${tag}() returns trigger language plpgsql as $$
        begin
          if new.tenant_id = '${tenant}' and new.type = 'audit.recorded' then perform pg_advisory_xact_lock(${key}); end if;
          return new;
        end $$;
      create trigger hold_${tag} before insert on customer.outbox_events for each row execute function hold_${tag}();`);
      const holder = await stack.database.sql.reserve();
      try {
        await holder`select pg_advisory_lock(${key})`;
        const doomed = await customerService();
        const answer = doomed.call(actor, ['crm:write', 'crm:read'], RENAME, { id }).then(
          () => 'answered',
          (error: Error) => error.message,
        );
        const waiter = async () =>
          (
            await stack.database
              .sql`select pid from pg_locks where locktype = 'advisory' and objid = ${key} and not granted`
          )[0]?.pid as number | undefined;
        await expect.poll(waiter, { timeout: 20_000, interval: 50 }).toBeDefined();
        const backend = await waiter();
        // The update itself has run (its row lock is held) inside the waiting transaction.
        const [{ n: rowLocks }] = await stack.database.sql`
        select count(*)::int as n from pg_locks l join pg_class c on c.oid = l.relation
        where l.pid = ${backend!} and c.relname = 'customers' and l.mode = 'RowExclusiveLock'`;
        expect(rowLocks).toBe(1);

        doomed.child.kill('SIGKILL');
        expect(await doomed.exited).toBe('SIGKILL');
        expect(await answer).toMatch(/did not answer/);
        await holder`select pg_advisory_unlock_all()`;
        // Its backend finds the client gone once the insert returns, and rolls back.
        await expect
          .poll(
            async () =>
              (await stack.database.sql`select count(*)::int as n from pg_stat_activity where pid = ${backend!}`)[0].n,
            {
              timeout: 20_000,
            },
          )
          .toBe(0);
      } finally {
        // Whatever happened, let the waiting insert go before dropping its trigger (which waits for it).
        await holder`select pg_advisory_unlock_all()`;
        holder.release();
        await stack.database.sql.unsafe(
          `drop trigger hold_${tag} on customer.outbox_events; drop function hold_${tag}();`,
        );
      }

      const state = async () => {
        const [row] = await stack.database.sql`
        select (select name from customer.customers where tenant_id = ${tenant} and id = ${id}) as name,
               (select count(*)::int from customer.outbox_events where tenant_id = ${tenant}
                  and type = 'audit.recorded' and payload->>'field' = 'updateCustomer') as events,
               (select count(*)::int from platform.audit_log where tenant_id = ${tenant} and field = 'updateCustomer') as entries`;
        return row;
      };
      expect(await state()).toEqual({ name: 'Original', events: 0, entries: 0 });

      // The client tries again, against a fresh process: the change and its entry, once.
      const fresh = await customerService();
      const again = await fresh.call<{ updateCustomer: unknown }>(actor, ['crm:write', 'crm:read'], RENAME, { id });
      expect(again.updateCustomer).toEqual({ customer: { name: 'Renamed' }, userErrors: [] });
      await stack.settle();
      await expect.poll(state, { timeout: 10_000 }).toEqual({ name: 'Renamed', events: 1, entries: 1 });
      const entries = await stack.database.sql`
      select actor_id, actor_kind, operation_name, field, service, entity_ids, request_id, client_ip, input
      from platform.audit_log where tenant_id = ${tenant} and field = 'updateCustomer'`;
      expect(entries).toEqual([
        {
          actor_id: 'ada',
          actor_kind: 'USER',
          operation_name: 'Rename',
          field: 'updateCustomer',
          service: 'customer',
          entity_ids: [id],
          request_id: 'req-crash',
          client_ip: '192.0.2.7',
          input: { id, name: 'Renamed' },
        },
      ]);
      fresh.child.kill('SIGKILL');
      await fresh.exited;
    },
  );
});
