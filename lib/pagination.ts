import { badInput } from './errors.js';
import { syncedUntil } from './sync.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A position in a list ordered by (sort value, id): both go into the opaque cursor. */
export interface CursorKey {
  value: string;
  id: string;
  /** In a sync pass (order by UPDATED_AT): the horizon its first page read (lib/sync.ts). */
  horizon?: string;
}

export interface PageWindow {
  /** Rows to fetch: the page plus one, to learn whether another page exists. */
  fetch: number;
  size: number;
  /** Backward pages are fetched in reverse order and flipped afterwards. */
  backward: boolean;
  cursor: CursorKey | null;
  hadCursor: boolean;
}

export function encodeCursor(key: CursorKey): string {
  const parts = key.horizon ? [key.value, key.id, key.horizon] : [key.value, key.id];
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string, argument: string): CursorKey {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      (parsed.length === 2 || parsed.length === 3) &&
      parsed.every((part) => typeof part === 'string')
    ) {
      return parsed.length === 3
        ? { value: parsed[0], id: parsed[1], horizon: parsed[2] }
        : { value: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the typed error below
  }
  throw badInput(`"${argument}" is not a valid cursor`, argument);
}

function pageSize(value: number | null | undefined, argument: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE) {
    throw badInput(`"${argument}" must be between 0 and ${MAX_PAGE_SIZE}`, argument);
  }
  return value;
}

/** Validates Relay arguments into what a keyset query needs. */
export function pageWindow(args: PageArgs): PageWindow {
  const first = pageSize(args.first, 'first');
  const last = pageSize(args.last, 'last');
  if (first !== undefined && last !== undefined) throw badInput('Pass either "first" or "last", not both', 'last');
  if (last !== undefined || (args.before && first === undefined)) {
    const size = last ?? DEFAULT_PAGE_SIZE;
    const cursor = args.before ? decodeCursor(args.before, 'before') : null;
    return { fetch: size + 1, size, backward: true, cursor, hadCursor: cursor !== null };
  }
  const size = first ?? DEFAULT_PAGE_SIZE;
  const cursor = args.after ? decodeCursor(args.after, 'after') : null;
  return { fetch: size + 1, size, backward: false, cursor, hadCursor: cursor !== null };
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
    /** Where the next sync starts (lib/sync.ts); null unless the list is read in sync order. */
    syncedUntil: Date | null;
  };
  totalCount?: () => Promise<number>;
}

/**
 * Turns the fetched rows (page + 1, in query order) into a Relay connection. With `sync` (a
 * forward page in ascending updatedAt order), the cursors carry the pass's horizon and pageInfo
 * its syncedUntil.
 */
export function toConnection<T>(
  rows: T[],
  window: PageWindow,
  keyOf: (row: T) => CursorKey,
  totalCount?: () => Promise<number>,
  sync?: { horizon: string; updatedAt: (row: T) => Date },
): Connection<T> {
  const hasMore = rows.length > window.size;
  const page = rows.slice(0, window.size);
  if (window.backward) page.reverse();
  const horizon = sync?.horizon;
  const edges = page.map((node) => ({ cursor: encodeCursor({ ...keyOf(node), horizon }), node }));
  const hasNextPage = window.backward ? window.hadCursor : hasMore;
  const last = page.at(-1);
  return {
    edges,
    nodes: page,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: window.backward ? hasMore : window.hadCursor,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
      syncedUntil: sync ? syncedUntil(sync.horizon, hasNextPage, last && sync.updatedAt(last)) : null,
    },
    totalCount,
  };
}

/** Cursor values for timestamps: ISO strings with millisecond precision (columns are timestamptz(3)). */
export const timeKey = (value: Date) => value.toISOString();
