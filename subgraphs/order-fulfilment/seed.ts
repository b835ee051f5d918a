import { DAY_MS as DAY } from '../../lib/dates.js';
import { addDays } from '../../lib/dates.js';
import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../lib/db.js';
import { uuidv7 } from '../../lib/ids.js';
import { documentNumber } from '../../lib/numbers.js';
import { outbox } from './events.js';
import { publishDelivered, publishOrderConfirmed } from './publish.js';

import {
  allocations,
  products,
  replenishmentRequests,
  salesOrderLines,
  salesOrders,
  shipmentLines,
  shipments,
  stockMovements,
  tenants,
  warehouses,
} from './db/schema.js';

/**
 * The demo tenant's operations: two warehouses, a small catalogue with stock, and orders in every
 * status (with their reservations, shipments and a backorder), written with a ledger that the
 * stock levels are then summed from, so that levels and ledger agree exactly.
 */
export async function seedFulfilment(tx: Queryable, tenantId: string, customerIds: string[], now = Date.now()) {
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY);
  const day = (daysAgo: number) => at(daysAgo).toISOString().slice(0, 10);
  const [sh, gz] = [uuidv7(), uuidv7()];
  await tx.insert(warehouses).values([
    {
      tenantId,
      id: sh,
      code: 'SH',
      name: 'Shanghai central',
      address: '88 Jiangchang Road, Jing’an, Shanghai',
      createdAt: at(400),
    },
    {
      tenantId,
      id: gz,
      code: 'GZ',
      name: 'Guangzhou south',
      address: '12 Huangpu Port Road, Guangzhou',
      createdAt: at(400),
    },
  ]);
  const catalogue = [
    ['TEA-OOL-250', 'Oolong tea, 250 g tin', 'tin', '89.00', '41.50', 'PURCHASE', '40', '200', 21],
    ['TEA-PUE-357', 'Pu-erh cake, 357 g', 'cake', '268.00', '120.00', 'PURCHASE', '20', '60', 30],
    ['SET-CER-6', 'Ceramic tea set, 6 cups', 'set', '459.00', '180.00', 'PRODUCTION', '10', '40', 14],
    ['KET-GLS-1', 'Glass kettle, 1 l', 'piece', '199.00', '78.00', 'PURCHASE', '15', '50', 10],
    ['SLK-SCF-90', 'Silk scarf, 90 cm', 'piece', '320.00', '96.00', 'PRODUCTION', '30', '100', 20],
    ['RCK-BAY-3M', 'Pallet racking bay, 3 m', 'bay', '2150.00', '1380.00', 'PRODUCTION', '2', '10', 35],
  ] as const;
  const ids = catalogue.map(() => uuidv7());
  await tx.insert(products).values(
    catalogue.map(
      ([sku, name, unit, listPrice, unitCost, replenishment, reorderPoint, reorderQuantity, leadTimeDays], i) => ({
        tenantId,
        id: ids[i],
        sku,
        name,
        unit,
        listPrice,
        unitCost,
        currency: 'CNY',
        replenishment,
        reorderPoint,
        reorderQuantity,
        leadTimeDays,
        createdAt: at(390),
        updatedAt: at(390),
      }),
    ),
  );

  const movements: (typeof stockMovements.$inferInsert)[] = [];
  const move = (
    kind: string,
    product: number,
    warehouseId: string,
    quantity: number,
    daysAgo: number,
    reference: string | null,
  ) => {
    const onHand = kind === 'RECEIPT' ? quantity : kind === 'SHIPMENT' ? -quantity : 0;
    const reserved =
      kind === 'RESERVATION' ? quantity : kind === 'SHIPMENT' ? -quantity : kind === 'RELEASE' ? -quantity : 0;
    movements.push({
      tenantId,
      id: uuidv7(now - daysAgo * DAY),
      productId: ids[product],
      warehouseId,
      kind,
      quantity: String(quantity),
      onHandChange: String(onHand),
      reservedChange: String(reserved),
      reference,
      occurredAt: at(daysAgo),
    });
  };
  // Opening stock (the Pu-erh is scarce: it will be backordered).
  const receipts: [number, string, number][] = [
    [0, sh, 300],
    [0, gz, 120],
    [1, sh, 8],
    [2, sh, 25],
    [2, gz, 15],
    [3, gz, 60],
    [4, sh, 150],
    [5, gz, 6],
  ];
  for (const [product, warehouseId, quantity] of receipts)
    move('RECEIPT', product, warehouseId, quantity, 120, 'Opening count');

  // [status, customer, priority, days ago created, lines [product, quantity, warehouse, shipped, allocated]]
  type Line = [number, number, string, number, number];
  const specs: [string, number, string, number, Line[]][] = [
    [
      'DELIVERED',
      0,
      'NORMAL',
      60,
      [
        [0, 40, sh, 40, 0],
        [3, 2, gz, 2, 0],
      ],
    ],
    ['DELIVERED', 1, 'HIGH', 45, [[4, 25, sh, 25, 0]]],
    ['SHIPPED', 3, 'NORMAL', 12, [[2, 5, sh, 5, 0]]],
    ['PARTIALLY_SHIPPED', 6, 'URGENT', 9, [[5, 4, gz, 2, 2]]],
    [
      'CONFIRMED',
      8,
      'NORMAL',
      4,
      [
        [2, 6, gz, 0, 6],
        [3, 3, gz, 0, 3],
      ],
    ],
    ['CONFIRMED', 4, 'HIGH', 3, [[1, 12, sh, 0, 8]]],
    ['DRAFT', 2, 'NORMAL', 1, [[0, 24, sh, 0, 0]]],
    ['CANCELLED', 5, 'NORMAL', 20, [[4, 10, sh, 0, 0]]],
  ];
  const promised = (status: string, created: number) =>
    status === 'DRAFT' || status === 'CANCELLED' ? null : day(created - 3);
  for (const [n, [status, customer, priority, created, lines]] of specs.entries()) {
    const orderId = uuidv7(now - created * DAY);
    const number = n + 1;
    const reference = documentNumber('SO', number);
    const confirmed = status === 'DRAFT' ? null : at(created - 0.1);
    const shippedAll = status === 'SHIPPED' || status === 'DELIVERED';
    await tx.insert(salesOrders).values({
      tenantId,
      id: orderId,
      number,
      customerId: customerIds[customer],
      status,
      priority,
      currency: 'CNY',
      promisedDate: promised(status, created),
      createdAt: at(created),
      updatedAt: at(created - 1),
      confirmedAt: confirmed,
      shippedAt: shippedAll ? at(created - 2) : null,
      deliveredAt: status === 'DELIVERED' ? at(created - 3.5) : null,
      cancelledAt: status === 'CANCELLED' ? at(created - 1) : null,
    });
    const shipmentId = uuidv7(now - (created - 2) * DAY);
    const shipped: (typeof shipmentLines.$inferInsert)[] = [];
    for (const [position, [product, quantity, warehouseId, shippedQty, allocated]] of lines.entries()) {
      const lineId = uuidv7();
      const [listPrice] = [catalogue[product][3]];
      await tx.insert(salesOrderLines).values({
        tenantId,
        id: lineId,
        orderId,
        productId: ids[product],
        quantity: String(quantity),
        unitPrice: listPrice,
        allocated: String(allocated),
        shipped: String(shippedQty),
        backorderedOnConfirm:
          status === 'DRAFT'
            ? null
            : String(quantity - allocated - shippedQty > 0 ? quantity - allocated - shippedQty : 0),
        position: position + 1,
      });
      if (status === 'CANCELLED') {
        move('RESERVATION', product, warehouseId, quantity, created - 0.1, reference);
        move('RELEASE', product, warehouseId, quantity, created - 1, reference);
      } else if (status !== 'DRAFT') {
        if (shippedQty + allocated > 0)
          move('RESERVATION', product, warehouseId, shippedQty + allocated, created - 0.1, reference);
        if (shippedQty > 0) {
          move('SHIPMENT', product, warehouseId, shippedQty, created - 2, documentNumber('SH', n + 1));
          shipped.push({
            tenantId,
            shipmentId,
            orderLineId: lineId,
            productId: ids[product],
            quantity: String(shippedQty),
          });
        }
        if (allocated > 0)
          await tx
            .insert(allocations)
            .values({ tenantId, orderLineId: lineId, warehouseId, quantity: String(allocated) });
      }
    }
    if (shipped.length) {
      await tx.insert(shipments).values({
        tenantId,
        id: shipmentId,
        number: n + 1,
        orderId,
        warehouseId: lines[0][2],
        status: status === 'DELIVERED' ? 'DELIVERED' : 'SHIPPED',
        carrier: 'SF Express',
        trackingNumber: `SF${1000000 + n}`,
        createdAt: at(created - 1.5),
        shippedAt: at(created - 2),
        deliveredAt: status === 'DELIVERED' ? at(created - 3.5) : null,
      });
      await tx.insert(shipmentLines).values(shipped);
    }
  }
  await tx.insert(stockMovements).values(movements);
  await tx.execute(sql`
    insert into fulfilment.stock_levels (tenant_id, product_id, warehouse_id, on_hand, reserved)
    select tenant_id, product_id, warehouse_id, sum(on_hand_change), sum(reserved_change)
    from fulfilment.stock_movements where tenant_id = ${tenantId} group by tenant_id, product_id, warehouse_id`);
  // The Pu-erh shortage (12 ordered, 8 in stock) is on order.
  await tx.insert(replenishmentRequests).values({
    tenantId,
    id: uuidv7(),
    number: 1,
    productId: ids[1],
    kind: 'PURCHASE',
    quantity: '60',
    dueDate: addDays(day(3), 30),
    status: 'OPEN',
    createdAt: at(3),
  });
  await tx
    .insert(tenants)
    .values({ id: tenantId, orderSeq: specs.length, shipmentSeq: specs.length, replenishmentSeq: 1 })
    .onConflictDoUpdate({
      target: tenants.id,
      set: { orderSeq: specs.length, shipmentSeq: specs.length, replenishmentSeq: 1 },
    });
  await publishHistory(tx, tenantId);
}

/**
 * Order totals from their lines, and the events of this history that other domains derive state
 * from: orders confirmed and not yet shipped (finance's exposure) and deliveries (the customer's
 * purchases). No shipment.shipped: finance's seed has its own invoices (not tied to these
 * orders), and billing the shipped orders again would tell a different story.
 */
async function publishHistory(tx: Queryable, tenantId: string) {
  await tx.execute(sql`
    update fulfilment.sales_orders o set total = coalesce((select sum(l.amount) from fulfilment.sales_order_lines l where l.tenant_id = o.tenant_id and l.order_id = o.id), 0)
    where o.tenant_id = ${tenantId}`);
  const orders = await tx.select().from(salesOrders).where(eq(salesOrders.tenantId, tenantId));
  const publisher = { tenantId, outbox };
  for (const order of orders.filter((o) => o.status === 'CONFIRMED')) await publishOrderConfirmed(tx, publisher, order);
  const delivered = await tx
    .select()
    .from(shipments)
    .where(and(eq(shipments.tenantId, tenantId), eq(shipments.status, 'DELIVERED')));
  for (const shipment of delivered)
    await publishDelivered(
      tx,
      publisher,
      shipment,
      orders.find((o) => o.id === shipment.orderId)!,
    );
}
