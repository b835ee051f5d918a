import { expect } from 'vitest';
import type { GraphQLResponse, Stack } from '../support/stack.js';

/** What one sync pass read: every node in page order, and the last page's syncedUntil. */
export interface Pass<T> {
  nodes: T[];
  pages: { syncedUntil: string | null; hasNextPage: boolean }[];
  syncedUntil: string;
}

/**
 * One sync pass over a root list, as an integrator writes it: from `since` (or from the start),
 * ordered by UPDATED_AT, page by page with the cursors, until the last page.
 */
export async function syncPass<T = Record<string, any>>(
  stack: Stack,
  token: string,
  list: string,
  fields: string,
  since: string | null,
  opts: { pageSize?: number; args?: string; onPage?: () => Promise<void> } = {},
): Promise<Pass<T>> {
  const nodes: T[] = [];
  const pages: Pass<T>['pages'] = [];
  let after: string | null = null;
  for (;;) {
    const res: GraphQLResponse = await stack.query(
      token,
      `query($after: String, $since: DateTime) {
        ${list}(${opts.args ?? ''} first: ${opts.pageSize ?? 2}, after: $after, filter: { updatedSince: $since }, orderBy: { field: UPDATED_AT }) {
          nodes { ${fields} } pageInfo { hasNextPage endCursor syncedUntil } } }`,
      { after, since },
    );
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const page = res.data[list] as {
      nodes: T[];
      pageInfo: { hasNextPage: boolean; endCursor: string; syncedUntil: string };
    };
    nodes.push(...page.nodes);
    pages.push({ syncedUntil: page.pageInfo.syncedUntil, hasNextPage: page.pageInfo.hasNextPage });
    expect(page.pageInfo.syncedUntil).toEqual(expect.any(String));
    await opts.onPage?.();
    if (!page.pageInfo.hasNextPage) return { nodes, pages, syncedUntil: page.pageInfo.syncedUntil };
    after = page.pageInfo.endCursor;
  }
}

/** Runs an operation, failing on errors and user errors; returns the root field's payload. */
export function strict(stack: Stack, token: string) {
  return async (query: string, variables: Record<string, unknown> = {}) => {
    const res: GraphQLResponse = await stack.query(token, query, variables);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const payload = Object.values(res.data)[0] as any;
    if (payload && typeof payload === 'object' && 'userErrors' in payload) expect(payload.userErrors).toEqual([]);
    return payload;
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A time strictly after every change so far: the latest updatedAt plus 1 ms, once the clock has passed it. */
export async function markAfter(latest: string[]): Promise<string> {
  const max = Math.max(...latest.map((t) => Date.parse(t)));
  await sleep(5);
  return new Date(max + 1).toISOString();
}
