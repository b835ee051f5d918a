import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Database } from '../../lib/db.js';

/** `search` must not scan the tenant's customers: the trigram GIN index on search_text serves it. */
describe('customer search', () => {
  let database: Database;
  beforeAll(() => {
    database = connect(inject('databaseUrl'), { max: 1 });
  });
  afterAll(() => database.close());

  it('is answered from the trigram index', async () => {
    // A tenant with 20,000 customers among smaller ones, rolled back afterwards.
    const plan = await database.sql
      .begin(async (tx) => {
        await tx`insert into customer.customers (tenant_id, id, name, kind, email, created_at, updated_at)
          select case when n <= 20000 then 'explain-big' else 'explain-' || (n % 20) end, gen_random_uuid(), 'Customer ' || n, 'COMPANY', 'c' || n || '@example.cn', now(), now()
          from generate_series(1, 22000) as n`;
        // Steady state: autovacuum merges the GIN pending list that a bulk insert leaves behind.
        await tx`select gin_clean_pending_list('customer.customers_search_idx'::regclass)`;
        await tx`analyze customer.customers`;
        const rows =
          await tx`explain select id from customer.customers where tenant_id = 'explain-big' and search_text like '%tea house%'`;
        throw Object.assign(new Error('rollback'), { rows });
      })
      .catch((error) => error.rows as { 'QUERY PLAN': string }[]);
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toContain('customers_search_idx');
  });
});
