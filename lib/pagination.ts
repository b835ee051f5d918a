import { badInput } from './errors.js';

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
  return Buffer.from(JSON.stringify([key.value, key.id])).toString('base64url');
}

export function decodeCursor(cursor: string, argument: string): CursorKey {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string'
    ) {
      return { value: parsed[0], id: parsed[1] };
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
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount?: () => Promise<number>;
}

/** Turns the fetched rows (page + 1, in query order) into a Relay connection. */
export function toConnection<T>(
  rows: T[],
  window: PageWindow,
  keyOf: (row: T) => CursorKey,
  totalCount?: () => Promise<number>,
): Connection<T> {
  const hasMore = rows.length > window.size;
  const page = rows.slice(0, window.size);
  if (window.backward) page.reverse();
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    nodes: page,
    pageInfo: {
      hasNextPage: window.backward ? window.hadCursor : hasMore,
      hasPreviousPage: window.backward ? hasMore : window.hadCursor,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}

/** Cursor values for timestamps: ISO strings with millisecond precision (columns are timestamptz(3)). */
export const timeKey = (value: Date) => value.toISOString();
