import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerOps, type CustomerOps } from '../support/customer-ops.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/**
 * Tenant B holds a valid token with every scope and tries every id-taking field and every filter
 * on tenant A's data. Nothing of A's may be read or changed, and A's ids must look exactly like
 * ids that do not exist (NOT_FOUND), never like "forbidden".
 */
let stack: Stack;
let a: CustomerOps;
let b: CustomerOps;
let aToken: string;
let bToken: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  stack = await startStack();
  aToken = await stack.token(newTenant('a'));
  a = customerOps(stack, aToken);
  bToken = await stack.token(newTenant('b'));
  b = customerOps(stack, bToken);
  await a.defineCustomField({ entity: 'CUSTOMER', key: 'secretTier', label: 'Secret tier', type: 'TEXT' });
  const { customer } = await a.createCustomer({
    name: 'Alpha Secret Ltd',
    email: 'ceo@alpha-secret.cn',
    phone: '+86 10 1234 5678',
    tags: ['vip'],
    segment: 'Enterprise',
    ownerId: 'rep-a',
    customFields: { secretTier: 'diamond' },
  });
  ids.customer = customer.id;
  ids.contact = (await a.addContact({ customerId: customer.id, name: 'Alpha Boss', isPrimary: true })).contact.id;
  ids.ticket = (await a.openServiceTicket({ customerId: customer.id, subject: 'Alpha problem' })).serviceTicket.id;
  ids.resolvedTicket = (
    await a.openServiceTicket({ customerId: customer.id, subject: 'Alpha solved' })
  ).serviceTicket.id;
  await a.resolveServiceTicket(ids.resolvedTicket);
  await a.logInteraction({ customerId: customer.id, kind: 'CALL', summary: 'Alpha call', contactId: ids.contact });
});
afterAll(() => stack?.close());

describe('tenant isolation through the gateway', () => {
  it('B cannot read A’s customer by id, nor find it by any filter or search', async () => {
    expect(await b.customer(ids.customer)).toBeNull();
    for (const filter of [
      {},
      { includeArchived: true },
      { search: 'alpha' },
      { search: 'ceo@alpha-secret.cn' },
      { search: '1234 5678' },
      { tags: ['vip'] },
      { segment: 'Enterprise' },
      { ownerId: 'rep-a' },
      { customField: { key: 'secretTier', equals: 'diamond' } },
    ]) {
      expect((await b.customers({ filter })).totalCount).toBe(0);
    }
    const defs = await stack.query(bToken, '{ customFieldDefinitions(entity: CUSTOMER) { key } }');
    expect(defs.data.customFieldDefinitions).toEqual([]);
  });

  it('B cannot change A’s customer, contacts or tickets; every attempt reads as NOT_FOUND', async () => {
    const attempts = [
      b.updateCustomer({ id: ids.customer, name: 'Pwned' }),
      b.archiveCustomer(ids.customer),
      b.addContact({ customerId: ids.customer, name: 'Mole' }),
      b.updateContact({ id: ids.contact, name: 'Pwned' }),
      b.removeContact(ids.contact),
      b.logInteraction({ customerId: ids.customer, kind: 'NOTE', summary: 'was here' }),
      b.tagCustomers({ ids: [ids.customer], tags: ['pwned'] }),
      b.untagCustomers({ ids: [ids.customer], tags: ['vip'] }),
      b.openServiceTicket({ customerId: ids.customer, subject: 'x' }),
      b.updateServiceTicket({ id: ids.ticket, subject: 'Pwned' }),
      b.resolveServiceTicket(ids.ticket),
      b.recordSatisfaction(ids.resolvedTicket, 1),
    ];
    for (const payload of await Promise.all(attempts)) {
      expect(payload.userErrors.map((e: any) => e.code)).toEqual(['NOT_FOUND']);
    }
    // B's own customer cannot point at A's contact either.
    const own = (await b.createCustomer({ name: 'Bravo' })).customer;
    const cross = await b.logInteraction({ customerId: own.id, kind: 'NOTE', summary: 'x', contactId: ids.contact });
    expect(cross.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'contactId'] });
  });

  it('A still sees exactly its own data afterwards', async () => {
    const res = await stack.query(
      aToken,
      `query($id: ID!) { customer(id: $id) { name tags archivedAt contacts { name }
        interactions { totalCount } serviceTickets { nodes { subject status satisfactionScore } } } }`,
      { id: ids.customer },
    );
    expect(res.data.customer).toEqual({
      name: 'Alpha Secret Ltd',
      tags: ['vip'],
      archivedAt: null,
      contacts: [{ name: 'Alpha Boss' }],
      interactions: { totalCount: 1 },
      serviceTickets: {
        nodes: [
          { subject: 'Alpha solved', status: 'RESOLVED', satisfactionScore: null },
          { subject: 'Alpha problem', status: 'OPEN', satisfactionScore: null },
        ],
      },
    });
  });
});
