import { sql } from 'drizzle-orm';
import type { Queryable } from '../../../lib/db.js';

export interface MetricsRow {
  delivered_with_promise: number;
  on_time: number;
  average_lead_days: string | null;
  cost_shipped: string;
  inventory_start: string;
  inventory_end: string;
  lines_confirmed: number;
  lines_backordered: number;
}

/** Delivery, stock and backorder figures for [from, toExclusive), all in SQL. */
export async function fulfilmentMetrics(
  db: Queryable,
  tenantId: string,
  from: string,
  toExclusive: string,
): Promise<MetricsRow> {
  const [row] = (await db.execute(sql`
    with delivered as (
      select promised_date, delivered_at, confirmed_at from fulfilment.sales_orders
      where tenant_id = ${tenantId} and delivered_at >= ${from}::date and delivered_at < ${toExclusive}::date
    ),
    valued as (
      select m.occurred_at, m.kind, m.quantity, m.on_hand_change, p.unit_cost
      from fulfilment.stock_movements m
      join fulfilment.products p on p.tenant_id = m.tenant_id and p.id = m.product_id
      where m.tenant_id = ${tenantId}
    )
    select
      (select count(*) filter (where promised_date is not null) from delivered)::int as delivered_with_promise,
      (select count(*) filter (where delivered_at::date <= promised_date) from delivered)::int as on_time,
      (select round(avg(extract(epoch from (delivered_at - confirmed_at)) / 86400), 2)::text from delivered where confirmed_at is not null) as average_lead_days,
      (select coalesce(sum(quantity * unit_cost), 0)::text from valued
        where kind = 'SHIPMENT' and occurred_at >= ${from}::date and occurred_at < ${toExclusive}::date) as cost_shipped,
      (select coalesce(sum(on_hand_change * unit_cost), 0)::text from valued where occurred_at < ${from}::date) as inventory_start,
      (select coalesce(sum(on_hand_change * unit_cost), 0)::text from valued where occurred_at < ${toExclusive}::date) as inventory_end,
      (select count(*) from fulfilment.sales_order_lines l join fulfilment.sales_orders o on o.tenant_id = l.tenant_id and o.id = l.order_id
        where l.tenant_id = ${tenantId} and o.confirmed_at >= ${from}::date and o.confirmed_at < ${toExclusive}::date)::int as lines_confirmed,
      (select count(*) from fulfilment.sales_order_lines l join fulfilment.sales_orders o on o.tenant_id = l.tenant_id and o.id = l.order_id
        where l.tenant_id = ${tenantId} and o.confirmed_at >= ${from}::date and o.confirmed_at < ${toExclusive}::date
          and l.backordered_on_confirm > 0)::int as lines_backordered`)) as unknown as MetricsRow[];
  return row;
}
