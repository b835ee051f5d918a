import { todayUtc } from '../../../lib/dates.js';
import type { Queryable } from '../../../lib/db.js';
import { userError } from '../../../lib/errors.js';
import { uuidv7 } from '../../../lib/ids.js';
import type { MoneyInput } from '../../../lib/money.js';
import { failOn, findOrFail, inTransaction } from '../../../lib/mutation.js';
import type { SalesContext } from '../context.js';
import { linesOfOpportunities, updateOpportunity } from '../db/opportunity-queries.js';
import { nextQuoteNumber } from '../db/queries.js';
import * as quotesQ from '../db/quote-queries.js';
import type { QuoteRow } from '../db/schema.js';
import { lineValues, quoteStatus } from '../rules.js';
import { openOpportunityForUpdate } from './opportunities.js';

/** The quote, locked, in one of the statuses the action needs (an expired quote is in none). */
async function quoteInStatus(
  tx: Queryable,
  ctx: SalesContext,
  id: string,
  allowed: string[],
  field = ['input', 'id'],
): Promise<QuoteRow> {
  const quote = await findOrFail(id, (id) => quotesQ.lockQuote(tx, ctx.tenantId, id), 'Quote', field);
  const status = quoteStatus(quote, todayUtc());
  if (status === 'EXPIRED') failOn([userError('QUOTE_EXPIRED', field, `The quote expired on ${quote.validUntil}`)]);
  if (!allowed.includes(status))
    failOn([userError('INVALID_QUOTE_STATUS', field, `The quote is ${status}; this needs ${allowed.join(' or ')}`)]);
  return quote;
}

export const quoteMutations = {
  createQuote: (_: unknown, { input }: { input: { opportunityId: string; validUntil: string } }, ctx: SalesContext) =>
    inTransaction(ctx.database, async (tx) => {
      const opportunity = await openOpportunityForUpdate(tx, ctx, input.opportunityId, ['input', 'opportunityId']);
      if (input.validUntil < todayUtc())
        failOn([userError('INVALID_DATE', ['input', 'validUntil'], 'validUntil must not be in the past')]);
      if ((await linesOfOpportunities(tx, ctx.tenantId, [opportunity.id])).length === 0) {
        failOn([userError('NO_LINES', ['input', 'opportunityId'], 'Add lines to the opportunity before quoting it')]);
      }
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
      return { quote };
    }),

  updateQuoteLine: (
    _: unknown,
    {
      input,
    }: {
      input: {
        id: string;
        description?: string | null;
        quantity?: string | null;
        unitPrice?: MoneyInput | null;
        discountPercent?: string | null;
      };
    },
    ctx: SalesContext,
  ) =>
    inTransaction(ctx.database, async (tx) => {
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
      return { quote };
    }),

  sendQuote: (_: unknown, { input }: { input: { id: string } }, ctx: SalesContext) =>
    inTransaction(ctx.database, async (tx) => {
      const quote = await quoteInStatus(tx, ctx, input.id, ['DRAFT']);
      await openOpportunityForUpdate(tx, ctx, quote.opportunityId, ['input', 'id']);
      return { quote: await quotesQ.updateQuote(tx, ctx.tenantId, quote.id, { status: 'SENT', sentAt: new Date() }) };
    }),

  acceptQuote: (_: unknown, { input }: { input: { id: string } }, ctx: SalesContext) =>
    inTransaction(ctx.database, async (tx) => {
      const quote = await quoteInStatus(tx, ctx, input.id, ['SENT']);
      const opportunity = await openOpportunityForUpdate(tx, ctx, quote.opportunityId, ['input', 'id']);
      if (await quotesQ.acceptedQuoteOf(tx, ctx.tenantId, opportunity.id)) {
        failOn([
          userError(
            'QUOTE_ALREADY_ACCEPTED',
            ['input', 'id'],
            'Another quote of this opportunity was accepted already',
          ),
        ]);
      }
      await quotesQ.copyQuoteLinesToOpportunity(tx, ctx.tenantId, quote.id, opportunity.id);
      await updateOpportunity(tx, ctx.tenantId, opportunity.id);
      return {
        quote: await quotesQ.updateQuote(tx, ctx.tenantId, quote.id, { status: 'ACCEPTED', decidedAt: new Date() }),
      };
    }),

  rejectQuote: (_: unknown, { input }: { input: { id: string } }, ctx: SalesContext) =>
    inTransaction(ctx.database, async (tx) => {
      const quote = await quoteInStatus(tx, ctx, input.id, ['SENT']);
      return {
        quote: await quotesQ.updateQuote(tx, ctx.tenantId, quote.id, { status: 'REJECTED', decidedAt: new Date() }),
      };
    }),
};
