import type { Queryable } from '../../lib/db.js';
import { childConnections } from '../../lib/list-connection.js';
import { aggregateOf, childrenOf, perArguments, rowsById } from '../../lib/loaders.js';
import * as exposure from './db/exposure-queries.js';
import * as inv from './db/invoice-queries.js';
import * as ledger from './db/ledger-queries.js';
import * as pay from './db/payment-queries.js';
import * as q from './db/queries.js';
import * as recv from './db/receivables-queries.js';
import type { TenantRow } from './db/schema.js';

/** The request's DataLoaders: every list and entity reference is one query per batch. */
export function createLoaders(db: Queryable, tenantId: string) {
  let tenant: Promise<TenantRow> | undefined;
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
    /** Connections under a customer (invoices, payments). */
    children: childConnections(db, tenantId),
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
        (r): recv.ReceivableRow | null => r,
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
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
