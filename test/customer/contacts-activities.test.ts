import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerOps, type CustomerOps } from '../support/customer-ops.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let ops: CustomerOps;
let token: string;
beforeAll(async () => {
  stack = await startStack();
  token = await stack.token(newTenant(), undefined, { userId: 'rep-42' });
  ops = customerOps(stack, token);
});
afterAll(() => stack?.close());

const newCustomer = async (name = 'Contact Co') => (await ops.createCustomer({ name })).customer;

describe('contacts', () => {
  it('adds contacts, keeps exactly one primary, lists primary first', async () => {
    const customer = await newCustomer();
    const a = await ops.addContact({
      customerId: customer.id,
      name: 'Zhang San',
      title: 'CEO',
      decisionRole: 'DECISION_MAKER',
      isPrimary: true,
      email: 'ZS@co.cn',
    });
    expect(a.userErrors).toEqual([]);
    expect(a.contact).toMatchObject({
      name: 'Zhang San',
      email: 'zs@co.cn',
      decisionRole: 'DECISION_MAKER',
      isPrimary: true,
    });
    const b = await ops.addContact({ customerId: customer.id, name: 'Li Si', isPrimary: true });
    expect(b.contact).toMatchObject({ decisionRole: 'OTHER', isPrimary: true });
    const c = await ops.addContact({ customerId: customer.id, name: 'Aaron' });
    const res = await stack.query(token, 'query($id: ID!) { customer(id: $id) { contacts { name isPrimary } } }', {
      id: customer.id,
    });
    expect(res.data.customer.contacts).toEqual([
      { name: 'Li Si', isPrimary: true },
      { name: 'Aaron', isPrimary: false },
      { name: 'Zhang San', isPrimary: false },
    ]);
    const promoted = await ops.updateContact({ id: c.contact.id, isPrimary: true, title: 'Buyer' });
    expect(promoted.contact).toMatchObject({ isPrimary: true, title: 'Buyer', name: 'Aaron' });
    const after = await stack.query(token, 'query($id: ID!) { customer(id: $id) { contacts { name isPrimary } } }', {
      id: customer.id,
    });
    expect(after.data.customer.contacts.filter((x: any) => x.isPrimary)).toEqual([{ name: 'Aaron', isPrimary: true }]);
  });

  it('keeps one primary contact when two are made primary at the same moment', async () => {
    const customer = await newCustomer();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => ops.addContact({ customerId: customer.id, name: `P${i}`, isPrimary: true })),
    );
    expect(results.every((r) => r.userErrors.length === 0)).toBe(true);
    const res = await stack.query(token, 'query($id: ID!) { customer(id: $id) { contacts { isPrimary } } }', {
      id: customer.id,
    });
    expect(res.data.customer.contacts.filter((x: any) => x.isPrimary)).toHaveLength(1);
  });

  it('validates contact input and ids', async () => {
    const customer = await newCustomer();
    const bad = await ops.addContact({ customerId: customer.id, name: '', email: 'x@', phone: '12' });
    expect(bad.userErrors.map((e: any) => e.code).sort()).toEqual(['INVALID_EMAIL', 'INVALID_PHONE', 'REQUIRED']);
    expect((await ops.addContact({ customerId: 'nope', name: 'x' })).userErrors[0]).toMatchObject({
      code: 'NOT_FOUND',
      field: ['input', 'customerId'],
    });
    expect(
      (await ops.updateContact({ id: '018f0000-0000-7000-8000-000000000000', name: 'x' })).userErrors[0].code,
    ).toBe('NOT_FOUND');
    expect((await ops.removeContact('018f0000-0000-7000-8000-000000000000')).userErrors[0].code).toBe('NOT_FOUND');
  });

  it('removes a contact and detaches it from interactions that named it', async () => {
    const customer = await newCustomer();
    const { contact } = await ops.addContact({ customerId: customer.id, name: 'Leaving Soon' });
    await ops.logInteraction({ customerId: customer.id, kind: 'CALL', summary: 'Said goodbye', contactId: contact.id });
    expect((await ops.removeContact(contact.id)).removedContactId).toBe(contact.id);
    const res = await stack.query(
      token,
      'query($id: ID!) { customer(id: $id) { contacts { id } interactions { nodes { summary contact { id } } } } }',
      { id: customer.id },
    );
    expect(res.data.customer).toEqual({
      contacts: [],
      interactions: { nodes: [{ summary: 'Said goodbye', contact: null }] },
    });
  });
});

describe('interactions', () => {
  it('logs interactions by the caller, newest first, paged', async () => {
    const customer = await newCustomer();
    const { contact } = await ops.addContact({ customerId: customer.id, name: 'Wang Wu' });
    for (const [i, kind] of ['CALL', 'EMAIL', 'MEETING', 'VISIT', 'NOTE'].entries()) {
      const { interaction, userErrors } = await ops.logInteraction({
        customerId: customer.id,
        kind,
        summary: `touch ${i}`,
        occurredAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
        contactId: i === 0 ? contact.id : null,
      });
      expect(userErrors).toEqual([]);
      expect(interaction.authorId).toBe('rep-42');
    }
    const q =
      'query($id: ID!, $after: String) { customer(id: $id) { interactions(first: 2, after: $after) { totalCount nodes { summary contact { name } } pageInfo { hasNextPage endCursor } } } }';
    const page1 = (await stack.query(token, q, { id: customer.id })).data.customer.interactions;
    expect(page1.totalCount).toBe(5);
    expect(page1.nodes.map((n: any) => n.summary)).toEqual(['touch 4', 'touch 3']);
    const page2 = (await stack.query(token, q, { id: customer.id, after: page1.pageInfo.endCursor })).data.customer
      .interactions;
    const page3 = (await stack.query(token, q, { id: customer.id, after: page2.pageInfo.endCursor })).data.customer
      .interactions;
    expect(page2.nodes.map((n: any) => n.summary)).toEqual(['touch 2', 'touch 1']);
    expect(page3.nodes).toEqual([{ summary: 'touch 0', contact: { name: 'Wang Wu' } }]);
    expect(page3.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses an empty summary and a contact of another customer', async () => {
    const customer = await newCustomer();
    const other = await newCustomer('Other Co');
    const { contact } = await ops.addContact({ customerId: other.id, name: 'Not Yours' });
    expect((await ops.logInteraction({ customerId: customer.id, kind: 'NOTE', summary: ' ' })).userErrors[0].code).toBe(
      'REQUIRED',
    );
    const wrong = await ops.logInteraction({
      customerId: customer.id,
      kind: 'NOTE',
      summary: 'x',
      contactId: contact.id,
    });
    expect(wrong.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'contactId'] });
    expect(wrong.interaction).toBeNull();
  });
});

describe('service tickets and satisfaction', () => {
  it('runs a ticket through its life and averages satisfaction', async () => {
    const customer = await newCustomer();
    const opened = await ops.openServiceTicket({
      customerId: customer.id,
      subject: 'Broken pallet',
      description: 'Arrived damaged',
      priority: 'HIGH',
    });
    expect(opened.serviceTicket).toMatchObject({
      status: 'OPEN',
      priority: 'HIGH',
      resolvedAt: null,
      satisfactionScore: null,
    });
    const id = opened.serviceTicket.id;
    expect((await ops.recordSatisfaction(id, 4)).userErrors[0].code).toBe('TICKET_NOT_RESOLVED');
    expect((await ops.updateServiceTicket({ id, status: 'RESOLVED' })).userErrors[0].code).toBe(
      'INVALID_STATUS_TRANSITION',
    );
    expect((await ops.updateServiceTicket({ id, status: 'IN_PROGRESS' })).serviceTicket.status).toBe('IN_PROGRESS');
    const resolved = await ops.resolveServiceTicket(id);
    expect(resolved.serviceTicket.status).toBe('RESOLVED');
    expect(resolved.serviceTicket.resolvedAt).not.toBeNull();
    expect((await ops.resolveServiceTicket(id)).userErrors[0].code).toBe('TICKET_NOT_OPEN');
    for (const score of [0, 6])
      expect((await ops.recordSatisfaction(id, score)).userErrors[0].code).toBe('INVALID_SCORE');
    expect((await ops.recordSatisfaction(id, 4)).serviceTicket.satisfactionScore).toBe(4);

    const second = (await ops.openServiceTicket({ customerId: customer.id, subject: 'Wrong colour' })).serviceTicket;
    await ops.resolveServiceTicket(second.id);
    await ops.recordSatisfaction(second.id, 5);
    const third = (await ops.openServiceTicket({ customerId: customer.id, subject: 'Question' })).serviceTicket;
    expect((await ops.updateServiceTicket({ id: third.id, status: 'CLOSED' })).serviceTicket.status).toBe('CLOSED');
    expect((await ops.updateServiceTicket({ id: third.id, subject: 'x' })).userErrors[0].code).toBe('TICKET_CLOSED');

    const res = await stack.query(
      token,
      `query($id: ID!) { customer(id: $id) {
        satisfaction { averageScore count }
        all: serviceTickets { totalCount nodes { subject } }
        open: serviceTickets(status: OPEN) { totalCount }
        resolved: serviceTickets(status: RESOLVED, first: 1) { totalCount nodes { subject } pageInfo { hasNextPage } } } }`,
      { id: customer.id },
    );
    expect(res.data.customer).toEqual({
      satisfaction: { averageScore: '4.50', count: 2 },
      all: {
        totalCount: 3,
        nodes: [{ subject: 'Question' }, { subject: 'Wrong colour' }, { subject: 'Broken pallet' }],
      },
      open: { totalCount: 0 },
      resolved: { totalCount: 2, nodes: [{ subject: 'Wrong colour' }], pageInfo: { hasNextPage: true } },
    });
  });

  it('reopening a resolved ticket clears its resolution and rating', async () => {
    const customer = await newCustomer();
    const { id } = (await ops.openServiceTicket({ customerId: customer.id, subject: 'Flaky' })).serviceTicket;
    await ops.resolveServiceTicket(id);
    await ops.recordSatisfaction(id, 2);
    const reopened = await ops.updateServiceTicket({ id, status: 'OPEN' });
    expect(reopened.serviceTicket).toMatchObject({ status: 'OPEN', resolvedAt: null, satisfactionScore: null });
  });

  it('validates ticket input', async () => {
    const customer = await newCustomer();
    expect((await ops.openServiceTicket({ customerId: customer.id, subject: '' })).userErrors[0].code).toBe('REQUIRED');
    expect((await ops.openServiceTicket({ customerId: 'x', subject: 's' })).userErrors[0].code).toBe('NOT_FOUND');
    expect((await ops.resolveServiceTicket('x')).userErrors[0].code).toBe('NOT_FOUND');
    expect((await ops.recordSatisfaction('018f0000-0000-7000-8000-000000000000', 3)).userErrors[0].code).toBe(
      'NOT_FOUND',
    );
  });
});
