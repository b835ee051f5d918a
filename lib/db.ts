import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';

export type Sql = postgres.Sql;
export type Db = PostgresJsDatabase<Record<string, never>>;

type QueryListener = (query: string, params: unknown[]) => void;
const queryListeners = new Set<QueryListener>();

/**
 * Observes every statement sent to PostgreSQL by this process. Tests use it to prove that a
 * request runs a constant number of statements (no N+1).
 */
export function onQuery(listener: QueryListener): () => void {
  queryListeners.add(listener);
  return () => queryListeners.delete(listener);
}

export interface Database {
  sql: Sql;
  db: Db;
  close(): Promise<void>;
}

export function connect(url: string, opts: { max?: number } = {}): Database {
  const sql = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => {},
    // Dates are UTC days everywhere (analytics windows, due dates), whatever the server's zone.
    connection: { TimeZone: 'UTC' },
    // postgres.js returns numeric as a string: money and quantities never pass through a JS number.
    debug: (_connection, query, params) => {
      for (const listener of queryListeners) listener(query, params as unknown[]);
    },
  });
  const db = drizzle(sql);
  return { sql, db, close: () => sql.end({ timeout: 5 }) };
}

/** The database or a transaction: query functions accept either. */
export type Queryable = import('drizzle-orm/pg-core').PgDatabase<any, any, any>;
