import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLedgerConsistent, strictClient } from '../support/fulfilment.js';
import { newTenant, startStack, type Stack } from '../support/stack.js';

/**
 * 50 clients, each with its own HTTP connection to the gateway, confirm 500 one-unit orders for a
 * product with 100 units across two warehouses. The database pool is widened so that many
 * confirmations really run in parallel transactions.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ poolSize: 40 });
});
afterAll(() => stack?.close());

describe('confirming many orders at once', () => {
  it('reserves exactly the 100 units, backorders the rest, and the ledger matches', { timeout: 180_000 }, async () => {
    const tenant = newTenant('rush');
    const token = await stack.token(tenant);
    const run = strictClient(stack, token);
    const w1 = (
      await run('mutation { createWarehouse(input: {code: "A", name: "A"}) { warehouse { id } userErrors { code } } }')
    ).warehouse.id;
    const w2 = (
      await run('mutation { createWarehouse(input: {code: "B", name: "B"}) { warehouse { id } userErrors { code } } }')
    ).warehouse.id;
    const product = (
      await run(
        'mutation { createProduct(input: {sku: "HOT-1", name: "Hot item", listPrice: {amount: "10", currency: "CNY"}, reorderQuantity: "20", leadTimeDays: 5}) { product { id } userErrors { code } } }',
      )
    ).product.id;
    await run(
      'mutation($p: ID!, $w: ID!) { receiveStock(input: {productId: $p, warehouseId: $w, quantity: "60"}) { userErrors { code } } }',
      { p: product, w: w1 },
    );
    await run(
      'mutation($p: ID!, $w: ID!) { receiveStock(input: {productId: $p, warehouseId: $w, quantity: "40"}) { userErrors { code } } }',
      { p: product, w: w2 },
    );
    const customer = (
      await run('mutation { createCustomer(input: {name: "Rush Buyer"}) { customer { id } userErrors { code } } }')
    ).customer.id;

    // 500 drafts, made directly in the tables (the creation path is not what is under test here).
    const orderIds = Array.from({ length: 500 }, () => crypto.randomUUID());
    await stack.database.sql`
      insert into fulfilment.sales_orders (tenant_id, id, number, customer_id, status, priority, currency, total, created_at, updated_at)
      select ${tenant}, id::uuid, n, ${customer}::uuid, 'DRAFT', 'NORMAL', 'CNY', 10, now(), now()
      from unnest(${orderIds}::text[]) with ordinality as o(id, n)`;
    await stack.database.sql`
      insert into fulfilment.sales_order_lines (tenant_id, id, order_id, product_id, quantity, unit_price, position)
      select ${tenant}, gen_random_uuid(), id::uuid, ${product}::uuid, 1, 10, 1 from unnest(${orderIds}::text[]) as o(id)`;

    // 50 clients, each its own connection pool of one socket, each confirming 10 orders in turn.
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, async (_, client) => {
        const results: { allocated: string; backordered: string }[] = [];
        for (const id of orderIds.slice(client * 10, client * 10 + 10)) {
          const res = await fetch(stack.gatewayUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, connection: 'keep-alive' },
            body: JSON.stringify({
              query:
                'mutation($id: ID!) { confirmSalesOrder(input: {id: $id}) { order { status lines { allocatedQuantity backorderedQuantity } } userErrors { code } } }',
              variables: { id },
            }),
          });
          const body = (await res.json()) as any;
          expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
          expect(body.data.confirmSalesOrder.order.status).toBe('CONFIRMED');
          const line = body.data.confirmSalesOrder.order.lines[0];
          results.push({ allocated: line.allocatedQuantity, backordered: line.backorderedQuantity });
        }
        return results;
      }),
    );
    const all = outcomes.flat();
    expect(all).toHaveLength(500);
    expect(all.filter((r) => r.allocated === '1')).toHaveLength(100);
    expect(all.filter((r) => r.backordered === '1')).toHaveLength(400);

    const stock = await run(
      'query($p: ID!) { product(id: $p) { availableQuantity incomingQuantity stock { warehouse { code } onHand reserved available } } }',
      { p: product },
    );
    expect(stock).toEqual({
      availableQuantity: '0',
      // one request, raised by the first shortage: max(reorder quantity 20, shortfall 1)
      incomingQuantity: '20',
      stock: [
        { warehouse: { code: 'A' }, onHand: '60', reserved: '60', available: '0' },
        { warehouse: { code: 'B' }, onHand: '40', reserved: '40', available: '0' },
      ],
    });
    const requests = await run('{ replenishmentRequests { totalCount } }');
    expect(requests.totalCount).toBe(1);
    await expectLedgerConsistent(stack, tenant);
    const [reservations] = await stack.database
      .sql`select count(*)::int as n from fulfilment.stock_movements where tenant_id = ${tenant} and kind = 'RESERVATION'`;
    expect(reservations.n).toBe(100);
  });
});
