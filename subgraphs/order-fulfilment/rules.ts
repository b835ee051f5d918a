import Big from 'big.js';
import { dec } from '../../lib/money.js';

export interface WarehouseStock {
  warehouseId: string;
  code: string;
  available: Big;
}

export interface AllocationPlan {
  picks: { warehouseId: string; quantity: string }[];
  shortfall: string;
}

/**
 * Where to reserve `need` from: a warehouse that can cover all of it (the best-stocked such one),
 * otherwise the best-stocked warehouses first until the need is met or stock runs out. Ties go
 * by warehouse code, so the plan is deterministic.
 */
export function planAllocation(need: string, stock: WarehouseStock[]): AllocationPlan {
  const candidates = stock
    .filter((s) => s.available.gt(0))
    .sort((a, b) => b.available.cmp(a.available) || a.code.localeCompare(b.code));
  const whole = candidates.find((s) => s.available.gte(need));
  if (whole) return { picks: [{ warehouseId: whole.warehouseId, quantity: dec(need).toFixed() }], shortfall: '0' };
  let remaining = dec(need);
  const picks: AllocationPlan['picks'] = [];
  for (const s of candidates) {
    if (remaining.lte(0)) break;
    const take = s.available.lt(remaining) ? s.available : remaining;
    picks.push({ warehouseId: s.warehouseId, quantity: take.toFixed() });
    remaining = remaining.minus(take);
  }
  return { picks, shortfall: remaining.toFixed() };
}

/** A shortage raises a request for max(reorder quantity, shortfall). */
export const replenishmentQuantity = (reorderQuantity: string, shortfall: string) =>
  (dec(reorderQuantity).gt(shortfall) ? dec(reorderQuantity) : dec(shortfall)).toFixed();

/**
 * Available-to-promise: what of `quantity` can ship now, and the date all of it can ship: today
 * when it is in stock; otherwise the due date of the open replenishment by which the incoming
 * stock, after the backlog of confirmed orders already waiting for it, covers the rest; null
 * when nothing incoming does.
 */
export function availableToPromise(
  quantity: string,
  available: string,
  openRequests: { quantity: string; dueDate: string }[],
  backlog: string,
  today: string,
): { quantity: string; date: string | null } {
  const now = dec(available).gt(0) ? dec(available) : dec(0);
  const shipNow = now.lt(quantity) ? now : dec(quantity);
  if (now.gte(quantity)) return { quantity: shipNow.toFixed(), date: today };
  let covered = now.minus(backlog);
  for (const request of [...openRequests].sort((a, b) => a.dueDate.localeCompare(b.dueDate))) {
    covered = covered.plus(request.quantity);
    if (covered.gte(quantity))
      return { quantity: shipNow.toFixed(), date: request.dueDate > today ? request.dueDate : today };
  }
  return { quantity: shipNow.toFixed(), date: null };
}

/** Available stock of one warehouse's level: on hand minus reserved, never below zero. */
export const availableOf = (level: { onHand: string; reserved: string }) =>
  dec(level.onHand).gt(level.reserved) ? dec(level.onHand).minus(level.reserved) : dec(0);

/** The sum of decimal strings, exactly. */
export const sumOf = (values: string[]) => values.reduce((total, v) => total.plus(v), dec(0));
