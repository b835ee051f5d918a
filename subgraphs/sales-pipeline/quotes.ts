import { todayUtc } from '../../lib/dates.js';
import type { Queryable } from '../../lib/db.js';
import { failOn } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { findOrFail } from '../../lib/transaction.js';
import type { SalesWrite } from './context.js';
import { linesOfOpportunities, updateOpportunity } from './db/opportunity-queries.js';
import { nextQuoteNumber } from './db/queries.js';
import * as quotesQ from './db/quote-queries.js';
import type { QuoteRow } from './db/schema.js';
import { Code, refuse } from './errors.js';
import type { CreateQuoteInput, QuoteActionInput, QuoteStatus, UpdateQuoteLineInput } from './generated/resolvers.js';
import { openOpportunityForUpdate } from './opportunities.js';
import { publishQuoteAccepted } from './publish.js';
import { lineValues, quoteStatus } from './rules.js';

/** The quote, locked, in one of the statuses the action needs (an expired quote is in none). */
async function quoteInStatus(
  tx: Queryable,
  ctx: SalesWrite,
  id: string,
  allowed: QuoteStatus[],
  field = ['input', 'id'],
): Promise<QuoteRow> {
  const quote = await findOrFail(id, (id) => quotesQ.lockQuote(tx, ctx.tenantId, id), 'Quote', field);
  const status = quoteStatus(quote, todayUtc());
  if (status === 'EXPIRED') refuse(Code.QUOTE_EXPIRED, field, `The quote expired on ${quote.validUntil}`);
  if (!allowed.includes(status))
    refuse(Code.INVALID_STATUS, field, `The quote is ${status}; this needs ${allowed.join(' or ')}`);
  return quote;
}

/** A DRAFT quote of an open opportunity, with the opportunity's lines copied in. */
export async function createQuote(tx: Queryable, ctx: SalesWrite, input: CreateQuoteInput) {
  const opportunity = await openOpportunityForUpdate(tx, ctx, input.opportunityId, ['input', 'opportunityId']);
  if (input.validUntil < todayUtc())
    refuse(Code.INVALID_DATE, ['input', 'validUntil'], 'validUntil must not be in the past');
  if ((await linesOfOpportunities(tx, ctx.tenantId, [opportunity.id])).length === 0)
    refuse(Code.NO_LINES, ['input', 'opportunityId'], 'Add lines to the opportunity before quoting it');
  const quote = await quotesQ.insertQuote(tx, {
    tenantId: ctx.tenantId,
    id: uuidv7(),
    number: await nextQuoteNumber(tx, ctx.tenantId),
    opportunityId: opportunity.id,
    status: 'DRAFT',
    validUntil: input.validUntil,
    currency: opportunity.currency,
    createdAt: new Date(),
  });
  await quotesQ.copyOpportunityLinesToQuote(tx, ctx.tenantId, opportunity.id, quote.id);
  return quote;
}

/** Changes one line of a DRAFT quote. */
export async function updateQuoteLine(tx: Queryable, ctx: SalesWrite, input: UpdateQuoteLineInput) {
  const line = await findOrFail(input.id, (id) => quotesQ.quoteLineById(tx, ctx.tenantId, id), 'Quote line', [
    'input',
    'id',
  ]);
  const quote = await quoteInStatus(tx, ctx, line.quoteId, ['DRAFT']);
  const { id: _id, ...fields } = input;
  const { values, errors } = lineValues(fields, {
    currency: quote.currency,
    creating: false,
    field: ['input'],
    current: line,
  });
  failOn(errors);
  await quotesQ.updateQuoteLine(tx, ctx.tenantId, line.id, values);
  return quote;
}

export async function sendQuote(tx: Queryable, ctx: SalesWrite, input: QuoteActionInput) {
  const quote = await quoteInStatus(tx, ctx, input.id, ['DRAFT']);
  await openOpportunityForUpdate(tx, ctx, quote.opportunityId, ['input', 'id']);
  return quotesQ.updateQuote(tx, ctx.tenantId, quote.id, { status: 'SENT', sentAt: new Date() });
}

/** The opportunity's lines and amount become the quote's. */
export async function acceptQuote(tx: Queryable, ctx: SalesWrite, input: QuoteActionInput) {
  const quote = await quoteInStatus(tx, ctx, input.id, ['SENT']);
  const opportunity = await openOpportunityForUpdate(tx, ctx, quote.opportunityId, ['input', 'id']);
  if (await quotesQ.acceptedQuoteOf(tx, ctx.tenantId, opportunity.id)) {
    refuse(Code.QUOTE_ALREADY_ACCEPTED, ['input', 'id'], 'Another quote of this opportunity was accepted already');
  }
  await quotesQ.copyQuoteLinesToOpportunity(tx, ctx.tenantId, quote.id, opportunity.id);
  const repriced = await updateOpportunity(tx, ctx.tenantId, opportunity.id);
  const accepted = await quotesQ.updateQuote(tx, ctx.tenantId, quote.id, { status: 'ACCEPTED', decidedAt: new Date() });
  await publishQuoteAccepted(tx, ctx, accepted, repriced);
  return accepted;
}

export async function rejectQuote(tx: Queryable, ctx: SalesWrite, input: QuoteActionInput) {
  const quote = await quoteInStatus(tx, ctx, input.id, ['SENT']);
  return quotesQ.updateQuote(tx, ctx.tenantId, quote.id, { status: 'REJECTED', decidedAt: new Date() });
}
