import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerOps, type CustomerOps } from '../support/customer-ops.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

async function tenantOps() {
  const tenant = newTenant();
  return { tenant, ops: customerOps(stack, await stack.token(tenant)), token: await stack.token(tenant) };
}

describe('createCustomer / updateCustomer / archiveCustomer', () => {
  it('creates a customer with every field, normalised, and reads it back', async () => {
    const { ops } = await tenantOps();
    const { customer, userErrors } = await ops.createCustomer({
      name: '  Acme Trading ',
      kind: 'COMPANY',
      industry: 'Wholesale',
      email: 'Sales@Acme.CN',
      phone: '+86 21 5555 0100',
      website: 'acme.cn',
      address: { line1: '1 Bund Road', city: 'Shanghai', region: 'Shanghai', postalCode: '200000', country: 'cn' },
      ownerId: 'rep-1',
      tags: ['vip', 'vip', 'export'],
      segment: 'SMB',
    });
    expect(userErrors).toEqual([]);
    expect(customer).toMatchObject({
      name: 'Acme Trading',
      kind: 'COMPANY',
      email: 'sales@acme.cn',
      website: 'https://acme.cn/',
      address: { line1: '1 Bund Road', line2: null, city: 'Shanghai', country: 'CN' },
      tags: ['vip', 'export'],
      archivedAt: null,
    });
    expect(await ops.customer(customer.id)).toEqual(customer);
  });

  it('reports every invalid field at once and saves nothing', async () => {
    const { ops } = await tenantOps();
    const { customer, userErrors } = await ops.createCustomer({
      name: '   ',
      email: 'not-an-email',
      phone: 'call me',
      website: 'ftp://x',
      address: { country: 'China' },
      tags: ['x'.repeat(51)],
    });
    expect(customer).toBeNull();
    expect(userErrors.map((e: any) => [e.code, e.field.join('.')]).sort()).toEqual(
      [
        ['REQUIRED', 'input.name'],
        ['INVALID_EMAIL', 'input.email'],
        ['INVALID_PHONE', 'input.phone'],
        ['INVALID_URL', 'input.website'],
        ['INVALID_COUNTRY', 'input.address.country'],
        ['INVALID_TAG', 'input.tags'],
      ].sort(),
    );
    expect((await ops.customers()).totalCount).toBe(0);
  });

  it('rejects over-long names with TOO_LONG', async () => {
    const { ops } = await tenantOps();
    const { userErrors } = await ops.createCustomer({ name: 'x'.repeat(201) });
    expect(userErrors).toEqual([
      { code: 'TOO_LONG', field: ['input', 'name'], message: 'name must be at most 200 characters' },
    ]);
  });

  it('updates only the fields given, clears fields set to null, and moves updatedAt', async () => {
    const { ops } = await tenantOps();
    const { customer } = await ops.createCustomer({ name: 'Beta', email: 'b@beta.cn', phone: '12345', segment: 'SMB' });
    const { customer: updated, userErrors } = await ops.updateCustomer({
      id: customer.id,
      email: null,
      segment: 'Enterprise',
    });
    expect(userErrors).toEqual([]);
    expect(updated).toMatchObject({ name: 'Beta', email: null, phone: '12345', segment: 'Enterprise' });
    expect(new Date(updated.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(customer.updatedAt).getTime());
    const invalid = await ops.updateCustomer({ id: customer.id, email: 'nope' });
    expect(invalid.userErrors[0].code).toBe('INVALID_EMAIL');
    expect((await ops.customer(customer.id)).email).toBeNull();
  });

  it('answers NOT_FOUND for unknown and malformed ids', async () => {
    const { ops } = await tenantOps();
    for (const id of ['018f0000-0000-7000-8000-000000000000', 'not-a-uuid']) {
      expect((await ops.updateCustomer({ id, name: 'x' })).userErrors).toEqual([
        { code: 'NOT_FOUND', field: ['input', 'id'], message: 'Customer not found' },
      ]);
      expect((await ops.archiveCustomer(id)).userErrors[0].code).toBe('NOT_FOUND');
      expect(await ops.customer(id)).toBeNull();
    }
  });

  it('archives idempotently, hides archived customers unless asked, and refuses edits', async () => {
    const { ops } = await tenantOps();
    const { customer } = await ops.createCustomer({ name: 'Gamma' });
    const first = await ops.archiveCustomer(customer.id);
    const second = await ops.archiveCustomer(customer.id);
    expect(first.customer.archivedAt).not.toBeNull();
    expect(second.customer.archivedAt).toBe(first.customer.archivedAt);
    expect((await ops.customers()).totalCount).toBe(0);
    expect((await ops.customers({ filter: { includeArchived: true } })).totalCount).toBe(1);
    expect((await ops.updateCustomer({ id: customer.id, name: 'x' })).userErrors[0].code).toBe('CUSTOMER_ARCHIVED');
    expect((await ops.addContact({ customerId: customer.id, name: 'x' })).userErrors[0].code).toBe('CUSTOMER_ARCHIVED');
  });
});

describe('customers query', () => {
  let ops: CustomerOps;
  const names = ['Delta Foods', 'alpha Tools', 'Charlie Tea', 'Bravo Steel', 'Echo Paper'];
  beforeAll(async () => {
    ({ ops } = await tenantOps());
    for (const [i, name] of names.entries()) {
      const { userErrors } = await ops.createCustomer({
        name,
        email: `info@${name.split(' ')[0].toLowerCase()}.cn`,
        phone: `+86 10 8888 000${i}`,
        tags: i % 2 === 0 ? ['even', 'all'] : ['odd', 'all'],
        segment: i < 2 ? 'SMB' : 'Enterprise',
        ownerId: i < 3 ? 'rep-a' : 'rep-b',
      });
      expect(userErrors).toEqual([]);
    }
  });

  it('orders by name by default and pages forward with stable cursors', async () => {
    const page1 = await ops.customers({ first: 2 });
    expect(page1.totalCount).toBe(5);
    expect(page1.nodes.map((n: any) => n.name)).toEqual(['Bravo Steel', 'Charlie Tea']);
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const page2 = await ops.customers({ first: 2, after: page1.pageInfo.endCursor });
    expect(page2.nodes.map((n: any) => n.name)).toEqual(['Delta Foods', 'Echo Paper']);
    const page3 = await ops.customers({ first: 2, after: page2.pageInfo.endCursor });
    expect(page3.nodes.map((n: any) => n.name)).toEqual(['alpha Tools']);
    expect(page3.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('pages backward with last/before', async () => {
    const last = await ops.customers({ last: 2 });
    expect(last.nodes.map((n: any) => n.name)).toEqual(['Echo Paper', 'alpha Tools']);
    expect(last.pageInfo).toMatchObject({ hasPreviousPage: true });
    const before = await ops.customers({ last: 2, before: last.pageInfo.startCursor });
    expect(before.nodes.map((n: any) => n.name)).toEqual(['Charlie Tea', 'Delta Foods']);
  });

  it('orders by creation time both ways', async () => {
    const asc = await ops.customers({ orderBy: { field: 'CREATED_AT', direction: 'ASC' } });
    expect(asc.nodes.map((n: any) => n.name)).toEqual(names);
    const desc = await ops.customers({ first: 3, orderBy: { field: 'CREATED_AT', direction: 'DESC' } });
    const rest = await ops.customers({
      first: 3,
      after: desc.pageInfo.endCursor,
      orderBy: { field: 'CREATED_AT', direction: 'DESC' },
    });
    expect([...desc.nodes, ...rest.nodes].map((n: any) => n.name)).toEqual([...names].reverse());
  });

  it('filters by search over name, e-mail and phone, case-insensitively', async () => {
    expect((await ops.customers({ filter: { search: 'TEA' } })).nodes.map((n: any) => n.name)).toEqual(['Charlie Tea']);
    expect((await ops.customers({ filter: { search: 'info@bravo' } })).nodes.map((n: any) => n.name)).toEqual([
      'Bravo Steel',
    ]);
    expect((await ops.customers({ filter: { search: '8888 0004' } })).nodes.map((n: any) => n.name)).toEqual([
      'Echo Paper',
    ]);
    expect((await ops.customers({ filter: { search: '%' } })).totalCount).toBe(0);
  });

  it('filters by tags (all of them), segment, owner and creation time', async () => {
    expect((await ops.customers({ filter: { tags: ['even', 'all'] } })).totalCount).toBe(3);
    expect((await ops.customers({ filter: { tags: ['even', 'odd'] } })).totalCount).toBe(0);
    expect((await ops.customers({ filter: { segment: 'SMB' } })).nodes.map((n: any) => n.name).sort()).toEqual([
      'Delta Foods',
      'alpha Tools',
    ]);
    expect((await ops.customers({ filter: { ownerId: 'rep-b' } })).totalCount).toBe(2);
    const all = await ops.customers({ orderBy: { field: 'CREATED_AT' } });
    const third = await ops.customer(all.nodes[2].id);
    expect((await ops.customers({ filter: { createdAfter: third.createdAt } })).totalCount).toBe(3);
    expect((await ops.customers({ filter: { createdBefore: third.createdAt } })).totalCount).toBe(2);
  });

  it('refuses page sizes over 100 and garbage cursors with BAD_USER_INPUT', async () => {
    const { token } = await tenantOps();
    const big = await stack.query(token, '{ customers(first: 101) { totalCount } }');
    expect(big.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const cursor = await stack.query(token, '{ customers(after: "garbage") { totalCount } }');
    expect(cursor.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('tags', () => {
  it('tags and untags many customers at once, all or nothing', async () => {
    const { ops } = await tenantOps();
    const a = (await ops.createCustomer({ name: 'A', tags: ['x'] })).customer;
    const b = (await ops.createCustomer({ name: 'B' })).customer;
    const tagged = await ops.tagCustomers({ ids: [a.id, b.id], tags: ['vip', 'x'] });
    expect(tagged.userErrors).toEqual([]);
    expect(tagged.customers.map((c: any) => c.tags)).toEqual([
      ['vip', 'x'],
      ['vip', 'x'],
    ]);
    const untagged = await ops.untagCustomers({ ids: [a.id], tags: ['x'] });
    expect(untagged.customers[0].tags).toEqual(['vip']);
    const missing = await ops.tagCustomers({ ids: [b.id, '018f0000-0000-7000-8000-000000000000'], tags: ['new'] });
    expect(missing.userErrors).toEqual([
      {
        code: 'NOT_FOUND',
        field: ['input', 'ids', '1'],
        message: 'Customer 018f0000-0000-7000-8000-000000000000 not found',
      },
    ]);
    expect(missing.customers).toEqual([]);
    expect((await ops.customer(b.id)).tags).toEqual(['vip', 'x']);
    expect((await ops.tagCustomers({ ids: [a.id], tags: [] })).userErrors[0].code).toBe('REQUIRED');
  });
});
