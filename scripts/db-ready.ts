/** Exits 0 when the PostgreSQL at the given URL answers within 3 seconds (used by .ci/run). */
import postgres from 'postgres';

const sql = postgres(process.argv[2], { max: 1, connect_timeout: 3, onnotice: () => {} });
try {
  await sql`select 1`;
  process.exitCode = 0;
} catch {
  process.exitCode = 1;
} finally {
  await sql.end({ timeout: 1 });
}
