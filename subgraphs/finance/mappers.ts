/**
 * What each GraphQL type's resolvers receive as their parent, where it is not the generated shape:
 * rows as the database returns them, views of rows, connections of rows, and the entities of other
 * subgraphs by id. `npm run codegen` maps every type exported here (by name) in generated/resolvers.ts.
 */
import type { Connection } from '../../lib/pagination.js';
import type {
  AllocationRow,
  InvoiceLineRow,
  InvoiceRow,
  JournalEntryRow,
  JournalLineRow,
  PaymentRow,
  TenantRow,
} from './db/schema.js';

/** Entities of other subgraphs: finance knows them by id. */
export type Customer = { id: string };
export type SalesOrder = { id: string };
export type Product = { id: string };

export type FinanceSettings = TenantRow;
export type Invoice = InvoiceRow;
export type InvoiceConnection = Connection<InvoiceRow>;
/** A line with its invoice's currency (its money fields need it). */
export type InvoiceLine = InvoiceLineRow & { currency: string };
export type Payment = PaymentRow;
export type PaymentConnection = Connection<PaymentRow>;
export type PaymentAllocation = AllocationRow;
export type JournalEntry = JournalEntryRow;
export type JournalEntryConnection = Connection<JournalEntryRow>;
export type JournalLine = JournalLineRow;
