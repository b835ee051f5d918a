import type { Resolvers } from '../generated/resolvers.js';
import { Customer } from './Customer.js';
import { FinanceSettings } from './FinanceSettings.js';
import { Invoice } from './Invoice.js';
import { InvoiceLine } from './InvoiceLine.js';
import { JournalEntry } from './JournalEntry.js';
import { JournalLine } from './JournalLine.js';
import { Mutation } from './Mutation.js';
import { Payment } from './Payment.js';
import { PaymentAllocation } from './PaymentAllocation.js';
import { Query } from './Query.js';

/** The finance subgraph's resolver map: one file per GraphQL type. */
export const resolvers: Resolvers = {
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
};
