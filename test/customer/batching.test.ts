import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '../../lib/auth.js';
import { connect, type Database } from '../../lib/db.js';
import { uuidv7 } from '../../lib/ids.js';
import { buildCustomerSubgraph } from '../../subgraphs/customer/index.js';
import { contacts, customers, serviceTickets } from '../../subgraphs/customer/db/schema.js';
import { countStatements, newTenant, startStack, statementsForList, type Stack } from '../support/stack.js';

/** Inserts `n` customers, each with two contacts and two rated tickets, straight into the tables. */
async function seedCustomers(database: Database, tenantId: string, n: number) {
  const now = Date.now();
  const rows = Array.from({ length: n }, (_, i) => ({
    tenantId,
    id: uuidv7(now + i),
    name: `Customer ${String(i).padStart(3, '0')}`,
    kind: 'COMPANY',
    createdAt: new Date(now + i),
    updatedAt: new Date(now + i),
  }));
  await database.db.insert(customers).values(rows);
  await database.db.insert(contacts).values(
    rows.flatMap((c, i) =>
      [0, 1].map((k) => ({
        tenantId,
        id: uuidv7(),
        customerId: c.id,
        name: `Contact ${i}-${k}`,
        decisionRole: 'OTHER',
        isPrimary: k === 0,
        createdAt: new Date(),
      })),
    ),
  );
  await database.db.insert(serviceTickets).values(
    rows.flatMap((c) =>
      [3, 5].map((score) => ({
        tenantId,
        id: uuidv7(),
        customerId: c.id,
        subject: 'Ticket',
        status: 'RESOLVED',
        priority: 'NORMAL',
        openedAt: new Date(),
        resolvedAt: new Date(),
        satisfactionScore: score,
      })),
    ),
  );
  return rows.map((r) => r.id);
}

describe('_entities in the customer subgraph', () => {
  let database: Database;
  const subgraph = () => buildCustomerSubgraph(database);
  beforeAll(() => {
    database = connect(inject('databaseUrl'));
  });
  afterAll(() => database.close());

  it('resolves 100 Customer references with one SQL statement', async () => {
    const tenantId = newTenant();
    const ids = await seedCustomers(database, tenantId, 100);
    const customerSubgraph = subgraph();
    const contextValue = await customerSubgraph.contextFor({
      tenantId,
      userId: 'u',
      scopes: [...ALL_SCOPES],
      exp: Date.now() / 1000 + 60,
      requestId: 'r',
    });
    const representations = ids.map((id) => ({ __typename: 'Customer', id }));
    const { result, statements } = await countStatements(tenantId, () =>
      customerSubgraph.apollo.executeOperation(
        {
          query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name } } }',
          variables: { r: representations },
        },
        { contextValue },
      ),
    );
    const body = result.body as any;
    expect(body.singleResult.errors).toBeUndefined();
    expect(body.singleResult.data._entities.map((e: any) => e.id)).toEqual(ids);
    expect(statements).toHaveLength(1);
  });

  it('resolves unknown, malformed and other tenants’ references to null', async () => {
    const owner = newTenant();
    const [theirs] = await seedCustomers(database, owner, 1);
    const customerSubgraph = subgraph();
    const contextValue = await customerSubgraph.contextFor({
      tenantId: newTenant(),
      userId: 'u',
      scopes: ['crm:read'],
      exp: Date.now() / 1000 + 60,
      requestId: 'r',
    });
    const { body } = await customerSubgraph.apollo.executeOperation(
      {
        query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name } } }',
        variables: { r: [theirs, 'not-a-uuid', uuidv7()].map((id) => ({ __typename: 'Customer', id })) },
      },
      { contextValue },
    );
    expect((body as any).singleResult.data._entities).toEqual([null, null, null]);
  });

  it('refuses entity references without crm:read', async () => {
    const customerSubgraph = subgraph();
    const contextValue = await customerSubgraph.contextFor({
      tenantId: newTenant(),
      userId: 'u',
      scopes: ['sales:read'],
      exp: Date.now() / 1000 + 60,
      requestId: 'r',
    });
    const { body } = await customerSubgraph.apollo.executeOperation(
      {
        query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id } } }',
        variables: { r: [{ __typename: 'Customer', id: uuidv7() }] },
      },
      { contextValue },
    );
    expect((body as any).singleResult.errors[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('listing customers through the gateway', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  const LIST = `{ customers(first: 100) { totalCount nodes {
    id name customFields { key } contacts { name isPrimary }
    serviceTickets(first: 5) { totalCount nodes { subject } }
    open: serviceTickets(status: OPEN) { totalCount }
    interactions(first: 3) { totalCount nodes { summary contact { name } } }
    satisfaction { averageScore count } } } }`;

  const list = async (n: number) => {
    const counted = await statementsForList(
      stack,
      (tenantId, count) => seedCustomers(stack.database, tenantId, count),
      LIST,
      n,
    );
    expect(counted.result.data.customers.nodes).toHaveLength(n);
    return counted;
  };

  it('runs the same number of SQL statements for 10 and for 100 customers', async () => {
    const ten = await list(10);
    const hundred = await list(100);
    expect(hundred.result.data.customers.nodes[0].satisfaction).toEqual({ averageScore: '4.00', count: 2 });
    expect(hundred.result.data.customers.nodes[0].contacts).toHaveLength(2);
    expect(hundred.statements.length, hundred.statements.join('\n')).toBe(ten.statements.length);
    // list, count, definitions, contacts, 2 x (ticket page + ticket count), interactions, interaction count, satisfaction
    expect(hundred.statements.length, hundred.statements.join('\n')).toBe(11);
  });
});
