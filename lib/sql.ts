import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { isUuid } from './ids.js';

/**
 * `column = any($1::uuid[])`: one parameter whatever the number of ids, so the statement text is
 * the same for every batch size and PostgreSQL can reuse its prepared plan (IN (...) cannot).
 */
export const anyOf = (column: AnyColumn, values: readonly string[], type: 'uuid' | 'text' = 'uuid'): SQL =>
  sql`${column} = any(${sql.param([...values])}::${sql.raw(type)}[])`;

/** `column = id`, where an id that is not a UUID matches nothing (rather than failing the query). */
export const idEquals = (column: AnyColumn, id: string): SQL => (isUuid(id) ? sql`${column} = ${id}` : sql`false`);

/** `column like '%text%'` on a lower-cased search column, with the user's % and _ taken literally. */
export const containsText = (column: AnyColumn, text: string): SQL =>
  sql`${column} like ${`%${text
    .trim()
    .toLowerCase()
    .replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`;
