import DataLoader from 'dataloader';
import { isUuid } from './ids.js';

/** One row per id (or per `keyOf` key), null for ids that do not exist (or are not UUIDs): one query per batch. */
export function rowsById<Row extends { id: string }>(
  fetch: (ids: readonly string[]) => Promise<Row[]>,
  keyOf: (row: Row) => string = (row) => row.id,
) {
  return new DataLoader<string, Row | null>(async (ids) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length ? await fetch(valid) : [];
    const byId = new Map(rows.map((r) => [keyOf(r), r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** All children of each parent: one query per batch, grouped in memory. */
export function childrenOf<Row>(
  fetch: (parentIds: readonly string[]) => Promise<Row[]>,
  parentOf: (row: Row) => string,
) {
  return new DataLoader<string, Row[]>(async (parentIds) => {
    const groups = new Map<string, Row[]>(parentIds.map((id) => [id, []]));
    for (const row of await fetch(parentIds)) groups.get(parentOf(row))?.push(row);
    return parentIds.map((id) => groups.get(id)!);
  });
}

/** A value computed per parent (a count, an aggregate), with a default for parents without rows. */
export function aggregateOf<Row, Value>(
  fetch: (parentIds: readonly string[]) => Promise<Row[]>,
  parentOf: (row: Row) => string,
  valueOf: (row: Row) => Value,
  empty: Value,
) {
  return new DataLoader<string, Value>(async (parentIds) => {
    const values = new Map<string, Value>();
    for (const row of await fetch(parentIds)) values.set(parentOf(row), valueOf(row));
    return parentIds.map((id) => values.get(id) ?? empty);
  });
}

/**
 * Loaders for children that depend on field arguments (a page window, a status filter): parents
 * asking with the same arguments share one query; different arguments get one query each.
 */
export function perArguments<Args, Value>(make: (args: Args) => DataLoader<string, Value>) {
  const loaders = new Map<string, DataLoader<string, Value>>();
  return (args: Args) => {
    const key = JSON.stringify(args);
    let loader = loaders.get(key);
    if (!loader) loaders.set(key, (loader = make(args)));
    return loader;
  };
}
