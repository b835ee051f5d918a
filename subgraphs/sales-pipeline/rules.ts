import { definedOnly, FieldCheck } from '../../lib/check.js';
import { notFound } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import { dec, MAX_AMOUNT } from '../../lib/money.js';
import type { QuoteLineRow, QuoteRow, StageRow } from './db/schema.js';
import { Code } from './errors.js';
import type { QuoteStatus, UpdateLeadInput, UpdateOpportunityLineInput } from './generated/resolvers.js';

/** `updateLead` may only move a lead between NEW and CONTACTED; the other moves have their own mutations. */
export const canSetLeadStatus = (from: string, to: string) =>
  from === to || ((from === 'NEW' || from === 'CONTACTED') && (to === 'NEW' || to === 'CONTACTED'));

/** The fields of a lead that create and update share. */
export type LeadFields = Omit<UpdateLeadInput, 'id' | 'status' | 'customFields'> & { ownerId?: string | null };

/** Validates lead input (for create, `name` is required) into column values, collecting errors in `check`. */
export function leadValues(check: FieldCheck, input: LeadFields, creating: boolean) {
  return definedOnly({
    name: check.text('name', input.name, { max: 200, required: creating || input.name !== undefined }) ?? undefined,
    company: check.text('company', input.company, { max: 200 }),
    email: check.email('email', input.email),
    phone: check.phone('phone', input.phone),
    source: input.source ?? undefined,
    campaignId: input.campaignId,
    ownerId: check.text('ownerId', input.ownerId, { max: 100 }),
    nextFollowUpAt: input.nextFollowUpAt,
  });
}

/**
 * Round-robin over the given owners: the one who least recently received a lead by assignment
 * (never first, ties in list order).
 */
export function nextRoundRobinOwner(owners: string[], lastAssigned: Map<string, Date>): string {
  let best = owners[0];
  for (const owner of owners) {
    const last = lastAssigned.get(owner)?.getTime() ?? -Infinity;
    const bestLast = lastAssigned.get(best)?.getTime() ?? -Infinity;
    if (last < bestLast) best = owner;
  }
  return best;
}

// ---- stages

/** A stage's name: 1 to 60 characters, unique (case-insensitive) among the live stages but `exceptId`. */
export function stageName(check: FieldCheck, name: string, stages: StageRow[], exceptId: string | null) {
  const trimmed = check.text('name', name, { max: 60, required: true, label: 'Stage name' }) ?? '';
  if (trimmed && trimmed.length <= 60) {
    const taken = stages.some((s) => s.id !== exceptId && s.name.toLowerCase() === trimmed.toLowerCase());
    check.check(!taken, 'name', Code.TAKEN, `A stage named "${trimmed}" exists already`);
  }
  return trimmed;
}

/** A whole percentage from 0 to 100; WON's stays 100 and LOST's 0. */
export function checkProbability(check: FieldCheck, probability: number, kind: string) {
  if (!Number.isInteger(probability) || probability < 0 || probability > 100) {
    check.add('probability', Code.OUT_OF_RANGE, 'Probability must be a whole percentage from 0 to 100');
  } else if ((kind === 'WON' && probability !== 100) || (kind === 'LOST' && probability !== 0)) {
    check.add(
      'probability',
      Code.INVALID_PROBABILITY,
      `The ${kind} stage's probability is fixed at ${kind === 'WON' ? 100 : 0}`,
    );
  }
}

/** Where a new stage goes by default: after the last OPEN stage (before WON and LOST). */
export function defaultStagePosition(live: StageRow[]): number {
  const open = live.filter((s) => s.kind === 'OPEN');
  return open.length ? Math.max(...open.map((s) => s.position)) + 1 : 1;
}

/** The live stage ids in order, with `id` inserted at the 1-based `position` (clamped). */
export function insertAt(orderedIds: string[], id: string, position: number): string[] {
  const index = Math.min(Math.max(position - 1, 0), orderedIds.length);
  return [...orderedIds.slice(0, index), id, ...orderedIds.slice(index)];
}

// ---- lines

/** What a line of an opportunity or a quote may be given (a quote line's product is fixed). */
export type LineFields = Omit<UpdateOpportunityLineInput, 'id'>;

/** Bounds that keep every line amount, and their sums, inside the numeric columns. */
export const MAX_UNIT_PRICE = '999999999999.9999';

/**
 * Validates a line (all of it when creating, the given fields when patching `current`) into column
 * values; quantity x unit price must stay within MAX_AMOUNT. `field` is where the line sits in the input.
 */
export function lineValues(
  input: LineFields,
  opts: { currency: string; creating: boolean; field: string[]; current?: { quantity: string; unitPrice: string } },
) {
  const check = new FieldCheck(opts.field);
  const description = check.text('description', input.description, { max: 500 });
  // A description too long does not hide a line amount too large; any other error does.
  const described = check.errors.length;
  const values = definedOnly({
    productId: input.productId,
    description,
    quantity: check.quantity('quantity', input.quantity),
    unitPrice: check.money('unitPrice', input.unitPrice, { currency: opts.currency, scale: 4, max: MAX_UNIT_PRICE }),
    discountPercent: check.percent('discountPercent', input.discountPercent),
  });
  if (input.productId && !isUuid(input.productId)) check.errors.push(notFound('Product', check.path('productId')));
  if (opts.creating && input.quantity == null) check.add('quantity', Code.REQUIRED, 'quantity is required');
  if (opts.creating && input.unitPrice == null) check.add('unitPrice', Code.REQUIRED, 'unitPrice is required');
  const quantity = values.quantity ?? opts.current?.quantity;
  const unitPrice = values.unitPrice ?? opts.current?.unitPrice;
  if (check.errors.length === described && quantity && unitPrice && dec(quantity).times(unitPrice).gt(MAX_AMOUNT)) {
    check.add('quantity', Code.OUT_OF_RANGE, `quantity x unit price must be at most ${MAX_AMOUNT}`);
  }
  return { values, errors: check.errors };
}

// ---- quotes

/** A DRAFT or SENT quote past its validUntil date reads as EXPIRED. */
export function quoteStatus(quote: Pick<QuoteRow, 'status' | 'validUntil'>, today: string): QuoteStatus {
  const stored = quote.status as QuoteStatus;
  return (stored === 'DRAFT' || stored === 'SENT') && quote.validUntil < today ? 'EXPIRED' : stored;
}

/** A quote's subtotal (before discounts), total (the line amounts) and their difference, to the cent. */
export function quoteTotals(lines: Pick<QuoteLineRow, 'grossAmount' | 'amount'>[]) {
  const subtotal = lines.reduce((sum, l) => sum.plus(l.grossAmount), dec(0));
  const total = lines.reduce((sum, l) => sum.plus(l.amount), dec(0));
  return { subtotal: subtotal.toFixed(2), total: total.toFixed(2), discount: subtotal.minus(total).toFixed(2) };
}
