import { expect } from 'vitest';
import { ledgerMismatches } from '../../subgraphs/order-fulfilment/db/stock-queries.js';
import type { Stack } from './stack.js';

/** After any scenario: every stock level equals the ledger's sums, and nothing is negative or oversold. */
export async function expectLedgerConsistent(stack: Stack, tenantId: string) {
  expect(await ledgerMismatches(stack.database.db, tenantId)).toEqual([]);
  const [bad] = await stack.database.sql`
    select count(*)::int as n from fulfilment.stock_levels
    where tenant_id = ${tenantId} and (reserved < 0 or on_hand < reserved)`;
  expect(bad.n).toBe(0);
  const [lines] = await stack.database.sql`
    select count(*)::int as n from fulfilment.sales_order_lines l
    where l.tenant_id = ${tenantId} and l.allocated <> coalesce((select sum(a.quantity) from fulfilment.allocations a
      where a.tenant_id = l.tenant_id and a.order_line_id = l.id), 0)`;
  expect(lines.n).toBe(0);
}

/** Runs an operation and fails the test on GraphQL errors or user errors; returns the root field's payload. */
export function strictClient(stack: Stack, token: string) {
  return async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await stack.query(token, query, variables);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const payload = Object.values(res.data)[0] as any;
    if (payload && typeof payload === 'object' && 'userErrors' in payload) expect(payload.userErrors).toEqual([]);
    return payload;
  };
}
