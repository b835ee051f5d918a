/** `npm run migrate`: applies every subgraph's migrations to DATABASE_URL (each service also does this at start-up). */
import { ACTIVE_SUBGRAPHS, subgraphDatabaseUrl } from '../lib/config.js';
import { migrateSubgraph } from '../lib/migrate.js';

for (const name of ACTIVE_SUBGRAPHS) {
  const url = subgraphDatabaseUrl(name);
  if (!url) {
    console.error('Set DATABASE_URL (npm start migrates the embedded database by itself)');
    process.exit(2);
  }
  await migrateSubgraph(name, url);
  console.log(`migrated ${name}`);
}
