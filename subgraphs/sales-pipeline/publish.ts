import type { Queryable } from '../../lib/db.js';
import type { SalesWrite } from './context.js';
import { linesOfOpportunities } from './db/opportunity-queries.js';
import { documentNumber } from '../../lib/numbers.js';
import type { LeadRow, OpportunityRow, QuoteRow } from './db/schema.js';

/** The events the sales-pipeline subgraph publishes, each in the transaction of the change it reports. */
type Publisher = Pick<SalesWrite, 'tenantId' | 'outbox'>;

export const publishLeadConverted = (
  tx: Queryable,
  ctx: Publisher,
  conversion: { leadId: string; customerId: string; opportunityId: string },
) => ctx.outbox.publish(tx, ctx.tenantId, 'lead.converted', conversion);

/** opportunity.won carries the lines order-fulfilment turns into a draft order (those naming a product). */
export async function publishWon(tx: Queryable, ctx: Publisher, won: OpportunityRow) {
  const lines = await linesOfOpportunities(tx, ctx.tenantId, [won.id]);
  await ctx.outbox.publish(tx, ctx.tenantId, 'opportunity.won', {
    opportunityId: won.id,
    customerId: won.customerId,
    title: won.title,
    currency: won.currency,
    amount: won.amount,
    lines: lines
      .filter((l) => l.productId)
      .map((l) => ({
        productId: l.productId!,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        discountPercent: l.discountPercent,
      })),
  });
}

export const publishLost = (tx: Queryable, ctx: Publisher, lost: OpportunityRow) =>
  ctx.outbox.publish(tx, ctx.tenantId, 'opportunity.lost', {
    opportunityId: lost.id,
    customerId: lost.customerId,
    reason: lost.lostReason,
  });

export const publishLeadCreated = (tx: Queryable, ctx: Publisher, lead: LeadRow) =>
  ctx.outbox.publish(tx, ctx.tenantId, 'lead.created', {
    leadId: lead.id,
    name: lead.name,
    company: lead.company,
    source: lead.source,
    status: lead.status,
    ownerId: lead.ownerId,
    createdAt: lead.createdAt.toISOString(),
  });

/** quote.accepted, with the opportunity's amount once the quote's lines became its lines. */
export const publishQuoteAccepted = (tx: Queryable, ctx: Publisher, quote: QuoteRow, opportunity: OpportunityRow) =>
  ctx.outbox.publish(tx, ctx.tenantId, 'quote.accepted', {
    quoteId: quote.id,
    number: documentNumber('Q', quote.number),
    opportunityId: opportunity.id,
    customerId: opportunity.customerId,
    total: opportunity.amount,
    currency: quote.currency,
    acceptedAt: quote.decidedAt!.toISOString(),
  });
