import { eventTables } from '../../../lib/events/tables.js';
import { idempotencyTable } from '../../../lib/idempotency/table.js';
import { sql } from 'drizzle-orm';
import {
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgSchema,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** Everything the sales-pipeline subgraph stores lives in this Postgres schema. */
export const salesSchema = pgSchema('sales');

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });
const money = (name: string) => numeric(name, { precision: 18, scale: 2 });
const quantity = (name: string) => numeric(name, { precision: 18, scale: 4 });
const unitPrice = (name: string) => numeric(name, { precision: 18, scale: 4 });
const percent = (name: string) => numeric(name, { precision: 5, scale: 2 });

export const tenants = salesSchema.table('tenants', {
  id: text('id').primaryKey(),
  currency: text('currency').notNull().default('CNY'),
  /** The last quote number handed out (Q-000001 is 1). */
  quoteSeq: integer('quote_seq').notNull().default(0),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const campaigns = salesSchema.table(
  'campaigns',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    channel: text('channel'),
    startsOn: date('starts_on'),
    endsOn: date('ends_on'),
    spend: money('spend').notNull().default('0'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

export const leads = salesSchema.table(
  'leads',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    company: text('company'),
    email: text('email'),
    phone: text('phone'),
    source: text('source').notNull(),
    campaignId: uuid('campaign_id'),
    status: text('status').notNull(),
    disqualifiedReason: text('disqualified_reason'),
    ownerId: text('owner_id'),
    assignedAt: ts('assigned_at'),
    nextFollowUpAt: ts('next_follow_up_at'),
    customFields: jsonb('custom_fields').$type<Record<string, unknown>>().notNull().default({}),
    searchText: text('search_text')
      .notNull()
      .generatedAlwaysAs(
        sql`lower(name || ' ' || coalesce(company, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, ''))`,
      ),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    convertedAt: ts('converted_at'),
    customerId: uuid('customer_id'),
    opportunityId: uuid('opportunity_id'),
    /** The customer id reserved by a conversion in progress, so that a retried conversion never creates a second customer. */
    pendingCustomerId: uuid('pending_customer_id'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('leads_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('leads_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    index('leads_owner_idx').on(t.tenantId, t.ownerId, t.assignedAt),
    index('leads_follow_up_idx').on(t.tenantId, t.nextFollowUpAt),
    index('leads_search_idx').using('gin', t.searchText.op('gin_trgm_ops')),
  ],
);

export const pipelineStages = salesSchema.table(
  'pipeline_stages',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    probability: smallint('probability').notNull(),
    kind: text('kind').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** Deleted stages stay, so that stage history and the funnel keep their meaning. */
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('pipeline_stages_position_idx').on(t.tenantId, t.position),
  ],
);

export const opportunities = salesSchema.table(
  'opportunities',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    title: text('title').notNull(),
    customerId: uuid('customer_id').notNull(),
    ownerId: text('owner_id'),
    stageId: uuid('stage_id').notNull(),
    status: text('status').notNull(),
    /** The amount given by hand; used while the opportunity has no lines. */
    manualAmount: money('manual_amount').notNull().default('0'),
    /** What the opportunity is worth: the sum of its lines, or manualAmount without lines (kept in step in the same transaction). */
    amount: money('amount').notNull().default('0'),
    currency: text('currency').notNull(),
    expectedCloseDate: date('expected_close_date'),
    nextFollowUpAt: ts('next_follow_up_at'),
    lostReason: text('lost_reason'),
    leadId: uuid('lead_id'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    closedAt: ts('closed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('opportunities_customer_idx').on(t.tenantId, t.customerId, t.createdAt),
    index('opportunities_stage_idx').on(t.tenantId, t.stageId),
    index('opportunities_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('opportunities_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    index('opportunities_close_idx').on(t.tenantId, t.status, t.expectedCloseDate),
    index('opportunities_follow_up_idx').on(t.tenantId, t.nextFollowUpAt),
  ],
);

/** Lines of opportunities and of quotes share one shape. */
const lineColumns = {
  tenantId: text('tenant_id').notNull(),
  id: uuid('id').notNull(),
  productId: uuid('product_id'),
  description: text('description'),
  quantity: quantity('quantity').notNull(),
  unitPrice: unitPrice('unit_price').notNull(),
  discountPercent: percent('discount_percent').notNull().default('0'),
  /** quantity x unit price x (1 - discount), rounded half-up to the cent, by PostgreSQL numeric arithmetic. */
  amount: money('amount')
    .notNull()
    .generatedAlwaysAs(sql`round(quantity * unit_price * (100 - discount_percent) / 100, 2)`),
  /** quantity x unit price before the discount, to the cent. */
  grossAmount: money('gross_amount')
    .notNull()
    .generatedAlwaysAs(sql`round(quantity * unit_price, 2)`),
  position: integer('position').notNull(),
};

export const opportunityLines = salesSchema.table(
  'opportunity_lines',
  { ...lineColumns, opportunityId: uuid('opportunity_id').notNull() },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('opportunity_lines_opportunity_idx').on(t.tenantId, t.opportunityId, t.position),
  ],
);

export const stageHistory = salesSchema.table(
  'stage_history',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    opportunityId: uuid('opportunity_id').notNull(),
    stageId: uuid('stage_id').notNull(),
    enteredAt: ts('entered_at').notNull(),
    leftAt: ts('left_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('stage_history_opportunity_idx').on(t.tenantId, t.opportunityId, t.enteredAt),
    index('stage_history_stage_idx').on(t.tenantId, t.stageId, t.enteredAt),
  ],
);

export const quotes = salesSchema.table(
  'quotes',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    number: integer('number').notNull(),
    opportunityId: uuid('opportunity_id').notNull(),
    status: text('status').notNull(),
    validUntil: date('valid_until').notNull(),
    currency: text('currency').notNull(),
    createdAt: ts('created_at').notNull(),
    sentAt: ts('sent_at'),
    decidedAt: ts('decided_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('quotes_number_idx').on(t.tenantId, t.number),
    index('quotes_opportunity_idx').on(t.tenantId, t.opportunityId),
  ],
);

export const quoteLines = salesSchema.table(
  'quote_lines',
  { ...lineColumns, quoteId: uuid('quote_id').notNull() },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('quote_lines_quote_idx').on(t.tenantId, t.quoteId, t.position),
  ],
);

export type TenantRow = typeof tenants.$inferSelect;
export type LeadRow = typeof leads.$inferSelect;
export type CampaignRow = typeof campaigns.$inferSelect;
export type StageRow = typeof pipelineStages.$inferSelect;
export type OpportunityRow = typeof opportunities.$inferSelect;
export type LineRow = typeof opportunityLines.$inferSelect;
export type StageVisitRow = typeof stageHistory.$inferSelect;
export type QuoteRow = typeof quotes.$inferSelect;
export type QuoteLineRow = typeof quoteLines.$inferSelect;

/** Events it publishes (outbox + deliveries) and the events it has consumed (inbox). */
export const { outboxEvents, outboxDeliveries, inbox } = eventTables(salesSchema);
export const idempotencyKeys = idempotencyTable(salesSchema);
