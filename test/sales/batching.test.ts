import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '../../lib/auth.js';
import { uuidv7 } from '../../lib/ids.js';
import { customers } from '../../subgraphs/customer/db/schema.js';
import { opportunities, opportunityLines, stageHistory } from '../../subgraphs/sales-pipeline/db/schema.js';
import { countStatements, newTenant, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

/** `n` customers, each with two opportunities (one with two lines), written straight into the tables. */
async function seed(n: number) {
  const tenantId = newTenant();
  const token = await stack.token(tenantId);
  const stages = (await stack.query(token, '{ pipelineStages { id kind } tenant { id } }')).data.pipelineStages as {
    id: string;
  }[];
  const now = Date.now();
  const customerRows = Array.from({ length: n }, (_, i) => ({
    tenantId,
    id: uuidv7(now + i),
    name: `Customer ${String(i).padStart(3, '0')}`,
    kind: 'COMPANY',
    createdAt: new Date(now + i),
    updatedAt: new Date(now + i),
  }));
  await stack.database.db.insert(customers).values(customerRows);
  const opportunityRows = customerRows.flatMap((c, i) =>
    [0, 1].map((k) => ({
      tenantId,
      id: uuidv7(),
      title: `Deal ${i}-${k}`,
      customerId: c.id,
      ownerId: 'rep',
      stageId: stages[k].id,
      status: 'OPEN',
      manualAmount: '100.00',
      amount: '100.00',
      currency: 'CNY',
      createdAt: new Date(now + k),
      updatedAt: new Date(now + k),
    })),
  );
  await stack.database.db.insert(opportunities).values(opportunityRows);
  await stack.database.db.insert(opportunityLines).values(
    opportunityRows
      .filter((_, i) => i % 2 === 0)
      .flatMap((o) =>
        [1, 2].map((position) => ({
          tenantId,
          id: uuidv7(),
          opportunityId: o.id,
          quantity: '1',
          unitPrice: '50',
          position,
        })),
      ),
  );
  await stack.database.db.insert(stageHistory).values(
    opportunityRows.map((o) => ({
      tenantId,
      id: uuidv7(),
      opportunityId: o.id,
      stageId: o.stageId,
      enteredAt: new Date(now),
    })),
  );
  return { tenantId, token, opportunityIds: opportunityRows.map((o) => o.id) };
}

const LIST = `{ customers(first: 100) { nodes { name
  opportunities(first: 5) { totalCount nodes { title status stage { name } amount { amount } weightedAmount { amount } lines { quantity amount { amount } } stageHistory { stage { name } } quotes { number } } }
  open: opportunities(status: OPEN) { totalCount }
  pipeline { openCount openAmount { amount } weightedAmount { amount } } } } }`;

describe('sales fields over many customers', () => {
  async function statementsFor(n: number) {
    const { tenantId, token } = await seed(n);
    const { result, statements } = await countStatements(tenantId, () => stack.query(token, LIST));
    expect(result.errors).toBeUndefined();
    expect(result.data.customers.nodes).toHaveLength(n);
    return { result, statements };
  }

  it('runs the same number of SQL statements for 10 and for 100 customers', async () => {
    const ten = await statementsFor(10);
    const hundred = await statementsFor(100);
    const first = hundred.result.data.customers.nodes[0];
    expect(first.opportunities.totalCount).toBe(2);
    expect(first.pipeline).toEqual({
      openCount: 2,
      openAmount: { amount: '200.00' },
      weightedAmount: { amount: '35.00' },
    }); // 100 x 10% + 100 x 25%
    expect(hundred.statements.length, hundred.statements.join('\n')).toBe(ten.statements.length);
  });
});

describe('_entities in the sales subgraph', () => {
  it('resolves 100 Opportunity references with one SQL statement', async () => {
    const { tenantId, opportunityIds } = await seed(50);
    const sales = stack.subgraphs.sales;
    const contextValue = await sales.contextFor({
      tenantId,
      userId: 'u',
      scopes: [...ALL_SCOPES],
      exp: Date.now() / 1000 + 60,
      requestId: 'r',
    });
    const { result, statements } = await countStatements(tenantId, () =>
      sales.apollo.executeOperation(
        {
          query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Opportunity { id title } } }',
          variables: { r: opportunityIds.map((id) => ({ __typename: 'Opportunity', id })) },
        },
        { contextValue },
      ),
    );
    const body = result.body as any;
    expect(body.singleResult.errors).toBeUndefined();
    expect(body.singleResult.data._entities.map((e: any) => e.id)).toEqual(opportunityIds);
    expect(statements).toHaveLength(1);
  });
});
