import { notFound, userError, type UserError } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import { checkDecimal, checkMoney, dec, MAX_AMOUNT, MAX_QUANTITY, type MoneyInput } from '../../lib/money.js';
import { definedOnly, InputCheck } from '../../lib/validate.js';
import type { QuoteRow, StageRow } from './db/schema.js';

/** `updateLead` may only move a lead between NEW and CONTACTED; the other moves have their own mutations. */
export const canSetLeadStatus = (from: string, to: string) =>
  from === to || ((from === 'NEW' || from === 'CONTACTED') && (to === 'NEW' || to === 'CONTACTED'));

export interface LeadFields {
  name?: string | null;
  company?: string | null;
  email?: string | null;
  phone?: string | null;
  source?: string | null;
  campaignId?: string | null;
  ownerId?: string | null;
  nextFollowUpAt?: Date | null;
}

export function leadValues(input: LeadFields, creating: boolean) {
  const check = new InputCheck();
  const values = definedOnly({
    name: check.text('name', input.name, { max: 200, required: creating || input.name !== undefined }) ?? undefined,
    company: check.text('company', input.company, { max: 200 }),
    email: check.email('email', input.email),
    phone: check.phone('phone', input.phone),
    source: input.source ?? undefined,
    campaignId: input.campaignId,
    ownerId: check.text('ownerId', input.ownerId, { max: 100 }),
    nextFollowUpAt: input.nextFollowUpAt,
  });
  return { values, errors: check.errors };
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

export function checkStageName(
  name: string | null | undefined,
  stages: StageRow[],
  exceptId: string | null,
  errors: UserError[],
) {
  const trimmed = name?.trim() ?? '';
  if (!trimmed || trimmed.length > 60)
    errors.push(userError('INVALID_LENGTH', ['input', 'name'], 'Stage name must be 1 to 60 characters'));
  else if (stages.some((s) => s.id !== exceptId && s.name.toLowerCase() === trimmed.toLowerCase())) {
    errors.push(userError('DUPLICATE_NAME', ['input', 'name'], `A stage named "${trimmed}" exists already`));
  }
  return trimmed;
}

export function checkProbability(probability: number, kind: string, errors: UserError[]) {
  if (!Number.isInteger(probability) || probability < 0 || probability > 100) {
    errors.push(
      userError(
        'INVALID_PROBABILITY',
        ['input', 'probability'],
        'Probability must be a whole percentage from 0 to 100',
      ),
    );
  } else if ((kind === 'WON' && probability !== 100) || (kind === 'LOST' && probability !== 0)) {
    errors.push(
      userError(
        'INVALID_PROBABILITY',
        ['input', 'probability'],
        `The ${kind} stage's probability is fixed at ${kind === 'WON' ? 100 : 0}`,
      ),
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

export interface LineInput {
  productId?: string | null;
  description?: string | null;
  quantity?: string | null;
  unitPrice?: MoneyInput | null;
  discountPercent?: string | null;
}

/** Bounds that keep every line amount, and their sums, inside the numeric columns. */
export const MAX_UNIT_PRICE = '999999999999.9999';

/**
 * Validates a line (all of it when creating, the given fields when patching `current`) into column
 * values; quantity x unit price must stay within MAX_AMOUNT.
 */
export function lineValues(
  input: LineInput,
  opts: { currency: string; creating: boolean; field: string[]; current?: { quantity: string; unitPrice: string } },
) {
  const errors: UserError[] = [];
  const check = new InputCheck(opts.field);
  const values = definedOnly({
    productId: input.productId,
    description: check.text('description', input.description, { max: 500 }),
    quantity:
      input.quantity == null
        ? undefined
        : (checkDecimal(
            input.quantity,
            { field: [...opts.field, 'quantity'], min: '0', exclusiveMin: true, max: MAX_QUANTITY, scale: 4 },
            errors,
          ) ?? undefined),
    unitPrice:
      input.unitPrice == null
        ? undefined
        : (checkMoney(
            input.unitPrice,
            { currency: opts.currency, field: [...opts.field, 'unitPrice'], scale: 4, max: MAX_UNIT_PRICE },
            errors,
          ) ?? undefined),
    discountPercent:
      input.discountPercent == null
        ? undefined
        : (checkDecimal(
            input.discountPercent,
            { field: [...opts.field, 'discountPercent'], min: '0', max: '100', scale: 2 },
            errors,
          ) ?? undefined),
  });
  if (input.productId && !isUuid(input.productId)) errors.push(notFound('Product', [...opts.field, 'productId']));
  if (opts.creating && input.quantity == null)
    errors.push(userError('REQUIRED', [...opts.field, 'quantity'], 'quantity is required'));
  if (opts.creating && input.unitPrice == null)
    errors.push(userError('REQUIRED', [...opts.field, 'unitPrice'], 'unitPrice is required'));
  const quantity = values.quantity ?? opts.current?.quantity;
  const unitPrice = values.unitPrice ?? opts.current?.unitPrice;
  if (errors.length === 0 && quantity && unitPrice && dec(quantity).times(unitPrice).gt(MAX_AMOUNT)) {
    errors.push(
      userError('OUT_OF_RANGE', [...opts.field, 'quantity'], `quantity x unit price must be at most ${MAX_AMOUNT}`),
    );
  }
  return { values, errors: [...check.errors, ...errors] };
}

// ---- quotes

/** A DRAFT or SENT quote past its validUntil date reads as EXPIRED. */
export function quoteStatus(quote: Pick<QuoteRow, 'status' | 'validUntil'>, today: string): string {
  return (quote.status === 'DRAFT' || quote.status === 'SENT') && quote.validUntil < today ? 'EXPIRED' : quote.status;
}

export const formatQuoteNumber = (n: number) => `Q-${String(n).padStart(6, '0')}`;
