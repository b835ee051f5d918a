import { migrate } from 'drizzle-orm/postgres-js/migrator';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from './db.js';
import type { SubgraphName } from './config.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Applies a subgraph's drizzle-kit migrations. An advisory lock serialises concurrent starters
 * (several replicas, parallel test workers), so each migration runs exactly once.
 */
export async function migrateSubgraph(name: SubgraphName, url: string): Promise<void> {
  const { sql, db, close } = connect(url, { max: 1 });
  try {
    await sql`select pg_advisory_lock(hashtext('sme-graph-migrations'))`;
    await migrate(db, {
      migrationsFolder: path.join(root, 'migrations', name),
      migrationsSchema: 'drizzle',
      migrationsTable: `migrations_${name.replace(/-/g, '_')}`,
    });
  } finally {
    await sql`select pg_advisory_unlock(hashtext('sme-graph-migrations'))`.catch(() => {});
    await close();
  }
}
