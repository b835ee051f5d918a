import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ACTIVE_SUBGRAPHS } from '../../lib/config.js';
import { startEmbeddedPostgres, type RunningPostgres } from '../../lib/embedded-postgres.js';
import { migrateSubgraph } from '../../lib/migrate.js';

/**
 * One real PostgreSQL for the whole run: DATABASE_URL when set, otherwise an embedded server in
 * a temporary directory. Migrations run once here; every test then builds its own tenant.
 */
export default async function setup(project: TestProject) {
  let embedded: RunningPostgres | undefined;
  let dir: string | undefined;
  let url = process.env.DATABASE_URL;
  if (!url) {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sme-graph-pg-'));
    embedded = await startEmbeddedPostgres({ dir: path.join(dir, 'data'), persistent: false });
    url = embedded.url;
  }
  for (const name of ACTIVE_SUBGRAPHS) await migrateSubgraph(name, url);
  project.provide('databaseUrl', url);
  return async () => {
    await embedded?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
