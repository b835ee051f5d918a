import { sql } from 'drizzle-orm';
import type { Queryable } from '../../../lib/db.js';

export interface ReceivableRow {
  customer_id: string;
  outstanding: string;
  overdue: string;
  current: string;
  days1to30: string;
  days31to60: string;
  days61to90: string;
  over90: string;
  oldest_overdue_days: number;
  invoice_count: number;
}

/**
 * Per customer, as of a day: what issued invoices still owe (total minus payments received by
 * then), bucketed by days past due. Invoices issued after the day, drafts and voids don't count.
 */
export async function receivablesOfCustomers(
  db: Queryable,
  tenantId: string,
  customerIds: readonly string[] | null,
  asOf: string,
): Promise<ReceivableRow[]> {
  return (await db.execute(sql`
    with open as (
      select i.customer_id, i.due_date,
             i.total - coalesce((select sum(a.amount) from finance.payment_allocations a
                                 join finance.payments p on p.tenant_id = a.tenant_id and p.id = a.payment_id
                                 where a.tenant_id = i.tenant_id and a.invoice_id = i.id and p.received_on <= ${asOf}::date), 0) as balance,
             (${asOf}::date - i.due_date) as days
      from finance.invoices i
      where i.tenant_id = ${tenantId} and i.status not in ('DRAFT', 'VOID') and i.issue_date <= ${asOf}::date
        and (${customerIds === null}::boolean or i.customer_id = any(${sql.param([...(customerIds ?? [])])}::uuid[]))
    )
    select customer_id,
           sum(balance)::text as outstanding,
           coalesce(sum(balance) filter (where days > 0), 0)::text as overdue,
           coalesce(sum(balance) filter (where days <= 0), 0)::text as current,
           coalesce(sum(balance) filter (where days between 1 and 30), 0)::text as days1to30,
           coalesce(sum(balance) filter (where days between 31 and 60), 0)::text as days31to60,
           coalesce(sum(balance) filter (where days between 61 and 90), 0)::text as days61to90,
           coalesce(sum(balance) filter (where days > 90), 0)::text as over90,
           coalesce(max(days) filter (where days > 0), 0)::int as oldest_overdue_days,
           count(*)::int as invoice_count
    from open where balance > 0
    group by customer_id
    order by customer_id`)) as unknown as ReceivableRow[];
}

/** Money received by a day and not allocated to invoices, per customer. */
export async function unallocatedOfCustomers(
  db: Queryable,
  tenantId: string,
  customerIds: readonly string[],
  asOf: string,
) {
  return (await db.execute(sql`
    select customer_id, sum(amount - allocated)::text as unallocated
    from finance.payments
    where tenant_id = ${tenantId} and customer_id = any(${sql.param([...customerIds])}::uuid[]) and received_on <= ${asOf}::date and allocated < amount
    group by customer_id`)) as unknown as { customer_id: string; unallocated: string }[];
}

/** Invoiced (total) in (from, to]: the sales days sales outstanding is measured against. */
export async function invoicedBetween(
  db: Queryable,
  tenantId: string,
  fromExclusive: string,
  to: string,
): Promise<string> {
  const [row] = (await db.execute(sql`
    select coalesce(sum(total), 0)::text as total from finance.invoices
    where tenant_id = ${tenantId} and status not in ('DRAFT', 'VOID') and issue_date > ${fromExclusive}::date and issue_date <= ${to}::date`)) as unknown as {
    total: string;
  }[];
  return row.total;
}
