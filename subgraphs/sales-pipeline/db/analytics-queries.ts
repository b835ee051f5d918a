import { sql } from 'drizzle-orm';
import type { Queryable } from '../../../lib/db.js';

export interface FunnelRow {
  stage_id: string;
  entered: number;
  advanced: number;
  lost: number;
  average_days: string | null;
}

/**
 * Per open stage: opportunities that entered it in [from, toExclusive), how many of those left it
 * for a later open stage or WON, how many for LOST, and the average stay of completed visits.
 * The next stage of a visit is found over the whole history, so a move after the window counts.
 */
export async function funnelStages(
  db: Queryable,
  tenantId: string,
  from: string,
  toExclusive: string,
  ownerId: string | null,
) {
  const rows = await db.execute(sql`
    with visits as (
      select h.opportunity_id, h.stage_id, h.entered_at, h.left_at,
             lead(h.stage_id) over (partition by h.opportunity_id order by h.entered_at, h.id) as next_stage_id
      from sales.stage_history h
      join sales.opportunities o on o.tenant_id = h.tenant_id and o.id = h.opportunity_id
      where h.tenant_id = ${tenantId} and (${ownerId}::text is null or o.owner_id = ${ownerId})
    ),
    windowed as (
      select * from visits where entered_at >= ${from}::date and entered_at < ${toExclusive}::date
    )
    select s.id as stage_id,
           count(distinct w.opportunity_id)::int as entered,
           (count(distinct w.opportunity_id) filter (where ns.kind = 'WON' or (ns.kind = 'OPEN' and ns.position > s.position)))::int as advanced,
           (count(distinct w.opportunity_id) filter (where ns.kind = 'LOST'))::int as lost,
           round(avg(extract(epoch from (w.left_at - w.entered_at)) / 86400) filter (where w.left_at is not null), 2)::text as average_days
    from sales.pipeline_stages s
    left join windowed w on w.stage_id = s.id
    left join sales.pipeline_stages ns on ns.tenant_id = s.tenant_id and ns.id = w.next_stage_id
    where s.tenant_id = ${tenantId} and s.kind = 'OPEN' and s.deleted_at is null
    group by s.id, s.position
    order by s.position`);
  return rows as unknown as FunnelRow[];
}

/** Leads created in the window and how many of them were converted; opportunities won and lost in it. */
export async function funnelTotals(
  db: Queryable,
  tenantId: string,
  from: string,
  toExclusive: string,
  ownerId: string | null,
) {
  const [row] = (await db.execute(sql`
    select
      (select count(*) from sales.leads l
        where l.tenant_id = ${tenantId} and l.created_at >= ${from}::date and l.created_at < ${toExclusive}::date
          and (${ownerId}::text is null or l.owner_id = ${ownerId}))::int as leads,
      (select count(*) from sales.leads l
        where l.tenant_id = ${tenantId} and l.created_at >= ${from}::date and l.created_at < ${toExclusive}::date
          and l.opportunity_id is not null and (${ownerId}::text is null or l.owner_id = ${ownerId}))::int as converted,
      (select count(*) from sales.opportunities o
        where o.tenant_id = ${tenantId} and o.status = 'WON' and o.closed_at >= ${from}::date and o.closed_at < ${toExclusive}::date
          and (${ownerId}::text is null or o.owner_id = ${ownerId}))::int as won,
      (select count(*) from sales.opportunities o
        where o.tenant_id = ${tenantId} and o.status = 'LOST' and o.closed_at >= ${from}::date and o.closed_at < ${toExclusive}::date
          and (${ownerId}::text is null or o.owner_id = ${ownerId}))::int as lost`)) as unknown as {
    leads: number;
    converted: number;
    won: number;
    lost: number;
  }[];
  return row;
}

export interface ForecastRow {
  month: string;
  count: number;
  amount: string;
  weighted_amount: string;
}

/** Open opportunities by month of expected close; overdue ones count in the first month. */
export async function forecast(db: Queryable, tenantId: string, months: number, today: string) {
  const rows = await db.execute(sql`
    with months as (
      select (date_trunc('month', ${today}::date) + make_interval(months => n))::date as month
      from generate_series(0, ${months - 1}) as n
    ),
    open as (
      select greatest(date_trunc('month', o.expected_close_date), date_trunc('month', ${today}::date))::date as month,
             o.amount, round(o.amount * s.probability / 100, 2) as weighted
      from sales.opportunities o
      join sales.pipeline_stages s on s.tenant_id = o.tenant_id and s.id = o.stage_id
      where o.tenant_id = ${tenantId} and o.status = 'OPEN' and o.expected_close_date is not null
    )
    select to_char(m.month, 'YYYY-MM-DD') as month, count(open.month)::int as count,
           coalesce(sum(open.amount), 0)::text as amount, coalesce(sum(open.weighted), 0)::text as weighted_amount
    from months m left join open on open.month = m.month
    group by m.month order by m.month`);
  return rows as unknown as ForecastRow[];
}
