import type { Queryable } from '../../lib/db.js';
import { aggregateOf, childrenOf, perArguments, rowsById } from '../../lib/loaders.js';
import type { PageWindow } from '../../lib/pagination.js';
import * as exposure from './db/exposure-queries.js';
import * as inv from './db/invoice-queries.js';
import * as ledger from './db/ledger-queries.js';
import * as pay from './db/payment-queries.js';
import * as q from './db/queries.js';
import * as recv from './db/receivables-queries.js';

/** The request's DataLoaders: every list and entity reference is one query per batch. */
export function createLoaders(db: Queryable, tenantId: string) {
  let tenant: ReturnType<typeof q.tenantById> | undefined;
  return {
    tenant: () => (tenant ??= q.tenantById(db, tenantId)),
    invoice: rowsById((ids) => inv.invoicesByIds(db, tenantId, ids)),
    linesOfInvoice: childrenOf(
      (ids) => inv.linesOfInvoices(db, tenantId, ids),
      (l) => l.invoiceId,
    ),
    payment: rowsById((ids) => pay.paymentsByIds(db, tenantId, ids)),
    allocationsOfPayment: childrenOf(
      (ids) => pay.allocationsOfPayments(db, tenantId, ids),
      (a) => a.paymentId,
    ),
    allocationsOfInvoice: childrenOf(
      (ids) => pay.allocationsOfInvoices(db, tenantId, ids),
      (a) => a.invoiceId,
    ),
    linesOfEntry: childrenOf(
      (ids) => ledger.linesOfEntries(db, tenantId, ids),
      (l) => l.entryId,
    ),
    account: aggregateOf(
      (ids) => q.accountsOf(db, tenantId, ids),
      (a) => a.customerId,
      (a) => ({ creditLimit: a.creditLimit, paymentTermsDays: a.paymentTermsDays }),
      { creditLimit: null as string | null, paymentTermsDays: null as number | null },
    ),
    unbilled: aggregateOf(
      (ids) => exposure.unbilledOfCustomers(db, tenantId, ids),
      (r) => r.customer_id,
      (r) => r.unbilled,
      '0',
    ),
    receivables: perArguments((asOf: string) =>
      aggregateOf(
        (ids) => recv.receivablesOfCustomers(db, tenantId, ids, asOf),
        (r) => r.customer_id,
        (r) => r as recv.ReceivableRow | null,
        null,
      ),
    ),
    unallocated: perArguments((asOf: string) =>
      aggregateOf(
        (ids) => recv.unallocatedOfCustomers(db, tenantId, ids, asOf),
        (r) => r.customer_id,
        (r) => r.unallocated,
        '0',
      ),
    ),
    invoicesOfCustomer: perArguments(({ status, window }: { status: string | null; window: PageWindow }) =>
      childrenOf(
        (ids) => inv.invoicesOfCustomers(db, tenantId, ids, status, window),
        (i) => i.customerId,
      ),
    ),
    invoiceCountOfCustomer: perArguments((status: string | null) =>
      aggregateOf(
        (ids) => inv.countInvoicesOfCustomers(db, tenantId, ids, status),
        (r) => r.customerId,
        (r) => Number(r.n),
        0,
      ),
    ),
    paymentsOfCustomer: perArguments((window: PageWindow) =>
      childrenOf(
        (ids) => pay.paymentsOfCustomers(db, tenantId, ids, window),
        (p) => p.customerId,
      ),
    ),
    paymentCountOfCustomer: aggregateOf(
      (ids) => pay.countPaymentsOfCustomers(db, tenantId, ids),
      (r) => r.customerId,
      (r) => Number(r.n),
      0,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
