import { sql, type SQL } from 'drizzle-orm';
import { HEALTH_FACTORS, HEALTH_WEIGHTS, type HealthFactorName } from '../health.js';

/*
 * Customer intelligence in one SQL definition: the loader (customer fields) and the customers
 * filter both read it, so a field and a filter on it can never disagree. The factor expressions
 * mirror the plain rules of health.ts (the tests hold both to the same expectations); numeric
 * round() rounds half up for the non-negative values here.
 */

/** RECENCY from days since the last purchase (null: never bought). */
export const recencySql = (days: SQL) =>
  sql`(case when ${days} is null then 0 when ${days} <= 30 then 100 when ${days} >= 365 then 0 else round((365 - ${days}) * 100 / 335.0)::int end)`;

/** FREQUENCY from the number of purchases in the last 365 days. */
export const frequencySql = (n: SQL) => sql`round(least(${n}, 6) * 100 / 6.0)::int`;

/** OVERDUE_RECEIVABLES from the oldest open invoice's days past due (null: nothing overdue). */
export const overdueSql = (days: SQL) =>
  sql`(case when ${days} is null then 100 when ${days} >= 90 then 0 else round((90 - ${days}) * 100 / 90.0)::int end)`;

/** OPEN_TICKETS from the number of tickets OPEN or IN_PROGRESS. */
export const openTicketsSql = (n: SQL) => sql`greatest(0, 100 - 25 * ${n})`;

/** SATISFACTION from the sum and count of recent ratings (1-5). */
export const satisfactionSql = (sum: SQL, n: SQL) =>
  sql`(case when ${n} = 0 then 50 else round((${sum} - ${n}) * 25 / ${n}::numeric)::int end)`;

/** The score from the factors' values: round(sum of weight x value / 100). */
export function healthScoreSql(values: Record<HealthFactorName, SQL>): SQL {
  const weighted = HEALTH_FACTORS.map((name) => sql`${sql.raw(String(HEALTH_WEIGHTS[name]))} * ${values[name]}`);
  return sql`round((${sql.join(weighted, sql` + `)}) / 100.0)::int`;
}

/** Each factor's value column in customerInsightsSql: its name in lower case + _value. */
const valueColumns = Object.fromEntries(
  HEALTH_FACTORS.map((name) => [name, sql.raw(`${name.toLowerCase()}_value`)]),
) as Record<HealthFactorName, SQL>;

/** Median of the gaps, an even count's middle pair averaged and rounded half up; null without gaps. */
const medianGap = sql`round((percentile_cont(0.5) within group (order by gap))::numeric)::int`;

/**
 * One row per customer of the tenant (or of `customerIds`), as of `today` (UTC):
 * customer_id, purchase_count, last_purchase_on, next_purchase_on (dates), the facts the health
 * factors come from, each factor's value (recency_value, frequency_value, overdue_receivables_value,
 * open_tickets_value, satisfaction_value) and health_score. "The last 365 days" are today - 364 through today.
 */
export function customerInsightsSql(tenantId: string, today: string, customerIds: readonly string[] | null): SQL {
  const scope = customerIds === null ? sql`` : sql`and id = any(${sql.param([...customerIds])}::uuid[])`;
  const day = sql`${today}::date`;
  return sql`
    with scope as (select id from customer.customers where tenant_id = ${tenantId} ${scope}),
    dated as (
      select customer_id, purchased_on, purchased_on - lag(purchased_on) over (partition by customer_id order by purchased_on) as gap
      from customer.purchases where tenant_id = ${tenantId} and customer_id in (select id from scope)),
    bought as (
      select customer_id, count(*)::int as purchase_count, max(purchased_on) as last_purchase_on,
             count(*) filter (where purchased_on > ${day} - 365)::int as purchases_last_year, ${medianGap} as median_gap
      from dated group by customer_id),
    owed as (
      select customer_id, count(*)::int as overdue_invoices, max(${day} - due_date) as oldest_days_past_due
      from customer.receivables
      where tenant_id = ${tenantId} and customer_id in (select id from scope) and status = 'OPEN' and due_date < ${day}
      group by customer_id),
    rated as (
      select customer_id, status, satisfaction_score as score,
             satisfaction_score is not null and satisfaction_at >= (${day} - 364)::timestamp at time zone 'UTC' as recent
      from customer.service_tickets where tenant_id = ${tenantId} and customer_id in (select id from scope)),
    ticketed as (
      select customer_id, count(*) filter (where status in ('OPEN', 'IN_PROGRESS'))::int as open_tickets,
             count(*) filter (where recent)::int as ratings, coalesce(sum(score) filter (where recent), 0)::int as rating_sum,
             round(avg(score) filter (where recent), 2)::text as rating_average
      from rated group by customer_id),
    facts as (
      select s.id as customer_id, coalesce(b.purchase_count, 0) as purchase_count, b.last_purchase_on,
             b.last_purchase_on + b.median_gap as next_purchase_on, ${day} - b.last_purchase_on as days_since_last_purchase,
             coalesce(b.purchases_last_year, 0) as purchases_last_year,
             coalesce(o.overdue_invoices, 0) as overdue_invoices, o.oldest_days_past_due,
             coalesce(t.open_tickets, 0) as open_tickets, coalesce(t.ratings, 0) as ratings, coalesce(t.rating_sum, 0) as rating_sum, t.rating_average
      from scope s left join bought b on b.customer_id = s.id left join owed o on o.customer_id = s.id left join ticketed t on t.customer_id = s.id),
    valued as (
      select facts.*, ${recencySql(sql`days_since_last_purchase`)} as recency_value, ${frequencySql(sql`purchases_last_year`)} as frequency_value,
             ${overdueSql(sql`oldest_days_past_due`)} as overdue_receivables_value, ${openTicketsSql(sql`open_tickets`)} as open_tickets_value,
             ${satisfactionSql(sql`rating_sum`, sql`ratings`)} as satisfaction_value
      from facts)
    select valued.*, ${healthScoreSql(valueColumns)} as health_score from valued`;
}
