import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, envelope } from '../support/events.js';
import { strictClient } from '../support/fulfilment.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/** Flow 1: opportunity.won -> a DRAFT sales order, linked both ways. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const ERRORS = 'userErrors { code field message }';
const cny = (amount: string) => ({ amount, currency: 'CNY' });

async function scene() {
  const tenant = newTenant('won');
  const token = await stack.token(tenant);
  const run = strictClient(stack, token);
  const product = async (sku: string, price: string) =>
    (
      await run(`mutation($i: CreateProductInput!) { createProduct(input: $i) { product { id } ${ERRORS} } }`, {
        i: { sku, name: `Product ${sku}`, listPrice: cny(price) },
      })
    ).product.id as string;
  const customer = (await run(`mutation { createCustomer(input: {name: "Deal Co"}) { customer { id } ${ERRORS} } }`))
    .customer.id as string;
  const [kiln, glaze] = [await product('KILN', '5000'), await product('GLAZE', '20')];
  const opportunity = async (
    lines: {
      productId?: string;
      description?: string;
      quantity: string;
      unitPrice: string;
      discountPercent?: string;
    }[],
  ) => {
    const { opportunity } = await run(
      `mutation($c: ID!) { createOpportunity(input: {title: "Studio fit-out", customerId: $c}) { opportunity { id } ${ERRORS} } }`,
      { c: customer },
    );
    for (const line of lines) {
      await run(
        `mutation($id: ID!, $l: OpportunityLineInput!) { addOpportunityLine(input: {opportunityId: $id, line: $l}) { opportunity { id } ${ERRORS} } }`,
        {
          id: opportunity.id,
          l: { ...line, unitPrice: cny(line.unitPrice) },
        },
      );
    }
    return opportunity.id as string;
  };
  const win = (id: string) =>
    run(`mutation($id: ID!) { markOpportunityWon(input: {id: $id}) { opportunity { status } ${ERRORS} } }`, { id });
  const orderOf = async (id: string) =>
    (
      await run(
        `query($id: ID!) { opportunity(id: $id) { id salesOrder { id number status customer { id } opportunity { id title } total { amount currency }
          lines { product { sku } quantity unitPrice { amount } discountPercent amount { amount } } } } }`,
        { id },
      )
    ).salesOrder;
  return { tenant, token, run, customer, kiln, glaze, opportunity, win, orderOf };
}

describe('a won opportunity becomes a draft sales order', () => {
  it('copies product, quantity, price and discount; links both ways', async () => {
    const s = await scene();
    const id = await s.opportunity([
      { productId: s.kiln, quantity: '2', unitPrice: '4800.00', discountPercent: '5' },
      { productId: s.glaze, quantity: '30', unitPrice: '19.99' },
      { description: 'Installation (no product)', quantity: '1', unitPrice: '500' },
    ]);
    expect(await s.orderOf(id)).toBeNull();
    await s.win(id);
    await stack.settle();
    const order = await s.orderOf(id);
    // 2 x 4800 x 0.95 = 9120.00; 30 x 19.99 = 599.70; the installation line has no product to order.
    expect(order).toMatchObject({
      status: 'DRAFT',
      customer: { id: s.customer },
      opportunity: { id, title: 'Studio fit-out' },
      total: cny('9719.70'),
      lines: [
        {
          product: { sku: 'KILN' },
          quantity: '2',
          unitPrice: { amount: '4800.00' },
          discountPercent: '5',
          amount: { amount: '9120.00' },
        },
        {
          product: { sku: 'GLAZE' },
          quantity: '30',
          unitPrice: { amount: '19.99' },
          discountPercent: '0',
          amount: { amount: '599.70' },
        },
      ],
    });
    const back = await s.run(`query($o: ID!) { salesOrder(id: $o) { opportunity { id salesOrder { id } } } }`, {
      o: order.id,
    });
    expect(back.opportunity).toEqual({ id, salesOrder: { id: order.id } });
  });

  it('applies a redelivered event once, and leaves an opportunity that has a hand-made order alone', async () => {
    const s = await scene();
    const id = await s.opportunity([{ productId: s.glaze, quantity: '3', unitPrice: '20' }]);
    const event = envelope(s.tenant, 'opportunity.won', {
      opportunityId: id,
      customerId: s.customer,
      title: 'Studio fit-out',
      currency: 'CNY',
      amount: '60.00',
      lines: [{ productId: s.glaze, quantity: '3', unitPrice: '20', discountPercent: '0' }],
    });
    const answers = await Promise.all([
      deliver(stack, 'order-fulfilment', event),
      deliver(stack, 'order-fulfilment', event),
    ]);
    expect(answers.map((a) => a.body.status).sort()).toEqual(['applied', 'duplicate']);
    expect((await deliver(stack, 'order-fulfilment', event)).body.status).toBe('duplicate');
    const [{ n }] = await stack.database
      .sql`select count(*)::int as n from fulfilment.sales_orders where tenant_id = ${s.tenant} and opportunity_id = ${id}`;
    expect(n).toBe(1);

    // A second won event for the same deal (another id) finds the order and adds none.
    expect((await deliver(stack, 'order-fulfilment', { ...event, id: crypto.randomUUID() })).body.status).toBe(
      'applied',
    );
    const [{ n: after }] = await stack.database
      .sql`select count(*)::int as n from fulfilment.sales_orders where tenant_id = ${s.tenant} and opportunity_id = ${id}`;
    expect(after).toBe(1);

    // Creating an order by hand for a deal that has one is refused.
    const res = await stack.query(
      s.token,
      `mutation($c: ID!, $o: ID!, $p: ID!) { createSalesOrder(input: {customerId: $c, opportunityId: $o, lines: [{productId: $p, quantity: "1"}]}) { order { id } ${ERRORS} } }`,
      {
        c: s.customer,
        o: id,
        p: s.glaze,
      },
    );
    expect(res.data.createSalesOrder.userErrors).toMatchObject([
      { code: 'OPPORTUNITY_HAS_ORDER', field: ['input', 'opportunityId'] },
    ]);
  });

  it("refuses opportunity lines naming a product the catalogue does not have, or another tenant's", async () => {
    const s = await scene();
    const other = await scene();
    const id = await s.opportunity([]);
    const add = `mutation($id: ID!, $p: ID!) { addOpportunityLine(input: {opportunityId: $id, line: {productId: $p, quantity: "1", unitPrice: {amount: "10", currency: "CNY"}}}) { opportunity { id } userErrors { code field } } }`;
    for (const p of [crypto.randomUUID(), other.kiln]) {
      const res = await stack.query(s.token, add, { id, p });
      expect(res.data.addOpportunityLine).toEqual({
        opportunity: null,
        userErrors: [{ code: 'NOT_FOUND', field: ['input', 'line', 'productId'] }],
      });
    }
    const line = (
      await s.run(
        `mutation($id: ID!, $p: ID!) { addOpportunityLine(input: {opportunityId: $id, line: {productId: $p, quantity: "1", unitPrice: {amount: "10", currency: "CNY"}}}) { opportunity { lines { id } } } }`,
        { id, p: s.kiln },
      )
    ).opportunity.lines[0].id;
    const update = await stack.query(
      s.token,
      `mutation($l: ID!, $p: ID!) { updateOpportunityLine(input: {id: $l, productId: $p}) { opportunity { id } userErrors { code field } } }`,
      { l: line, p: other.glaze },
    );
    expect(update.data.updateOpportunityLine).toEqual({
      opportunity: null,
      userErrors: [{ code: 'NOT_FOUND', field: ['input', 'productId'] }],
    });
  });

  it('refuses an event naming products the catalogue does not know: dead-lettered, nothing written', async () => {
    const s = await scene();
    const id = await s.opportunity([]);
    // A line the API would refuse now (as one imported or written before products were checked).
    await stack.database.sql`
      insert into sales.opportunity_lines (tenant_id, id, opportunity_id, product_id, quantity, unit_price, position)
      values (${s.tenant}, ${crypto.randomUUID()}, ${id}, ${crypto.randomUUID()}, 1, 10, 1)`;
    await s.win(id);
    await stack.settle();
    expect(await s.orderOf(id)).toBeNull();
    const [delivery] = await stack.database.sql`
      select d.status, d.attempts, d.last_error from sales.outbox_deliveries d join sales.outbox_events e on e.tenant_id = d.tenant_id and e.id = d.event_id
      where d.tenant_id = ${s.tenant} and e.type = 'opportunity.won'`;
    expect(delivery).toMatchObject({ status: 'DEAD', attempts: 1 });
    expect(delivery.last_error).toContain('Products not in the catalogue');
    const [{ n }] = await stack.database
      .sql`select count(*)::int as n from fulfilment.inbox where tenant_id = ${s.tenant}`;
    expect(n).toBe(0);
  });

  it('refuses a payload that does not check out (422), whatever the field', async () => {
    const s = await scene();
    const line = { productId: s.glaze, quantity: '3', unitPrice: '20', discountPercent: '0' };
    const won = (payload: Record<string, unknown>) =>
      envelope(s.tenant, 'opportunity.won', {
        opportunityId: crypto.randomUUID(),
        customerId: s.customer,
        title: 'x',
        currency: 'CNY',
        amount: '60',
        lines: [line],
        ...payload,
      } as never);
    for (const [payload, message] of [
      [{ opportunityId: 'nope' }, 'opportunityId must be a UUID'],
      [{ currency: 'USD' }, 'Amounts are in CNY'],
      [{ lines: [{ ...line, productId: 42 }] }, 'lines.0.productId must be a UUID'],
      [{ lines: [{ ...line, quantity: '0' }] }, 'quantity'],
      [{ lines: [{ ...line, quantity: '1.00001' }] }, 'decimal'],
      [{ lines: [{ ...line, discountPercent: '101' }] }, 'discountPercent'],
      [{ lines: Array.from({ length: 201 }, () => line) }, 'lines must hold 0 to 200 items'],
    ] as const) {
      const answer = await deliver(stack, 'order-fulfilment', won(payload));
      expect(answer.status, JSON.stringify(payload).slice(0, 80)).toBe(422);
      expect(answer.body.errors?.[0].message).toContain(message);
    }
    const [{ n }] = await stack.database
      .sql`select count(*)::int as n from fulfilment.sales_orders where tenant_id = ${s.tenant}`;
    expect(n).toBe(0);
  });
});
