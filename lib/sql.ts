import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/**
 * `column = any($1::uuid[])`: one parameter whatever the number of ids, so the statement text is
 * the same for every batch size and PostgreSQL can reuse its prepared plan (IN (...) cannot).
 */
export const anyOf = (column: AnyColumn, values: readonly string[], type: 'uuid' | 'text' = 'uuid'): SQL =>
  sql`${column} = any(${sql.param([...values])}::${sql.raw(type)}[])`;
