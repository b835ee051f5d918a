import { customerDirectoryAt } from '../../lib/clients/customer-directory.js';
import type { Peers } from '../../lib/peers.js';
import type { Database } from '../../lib/db.js';
import { createSubgraph } from '../../lib/subgraph.js';
import { provisionTenant } from './db/queries.js';
import { createLoaders } from './loaders.js';
import { consumes, outbox } from './events.js';
import { Customer } from './resolvers/Customer.js';
import { Invoice, InvoiceLine, JournalEntry, JournalLine, Payment, PaymentAllocation } from './resolvers/Invoice.js';
import { Mutation } from './resolvers/Mutation.js';
import { FinanceSettings, Query } from './resolvers/Query.js';

/**
 * The finance subgraph (ERP accounting): invoices, payments and their allocation, receivables and
 * ageing, credit, the double-entry journal. It checks customer ids with the customer subgraph.
 */
export function buildFinanceSubgraph(database: Database, peers: Peers) {
  return createSubgraph({
    name: 'finance',
    resolvers: {
      Query,
      Mutation,
      Customer,
      Invoice,
      InvoiceLine,
      Payment,
      PaymentAllocation,
      JournalEntry,
      JournalLine,
      FinanceSettings,
    },
    database,
    createLoaders,
    provisionTenant,
    outbox,
    consumes,
    services: { customers: customerDirectoryAt({ customerUrl: peers.url('customer'), signingSecret: peers.signingSecret }) },
  });
}
