/** `npm run db:generate -- [name]`: drizzle-kit migrations for every active subgraph whose db/schema.ts changed. */
import { execFileSync } from 'node:child_process';
import { ACTIVE_SUBGRAPHS } from '../lib/config.js';

const name = process.argv[2] ?? 'change';
for (const subgraph of ACTIVE_SUBGRAPHS) {
  execFileSync('npx', ['drizzle-kit', 'generate', '--name', name], {
    stdio: 'inherit',
    env: { ...process.env, SUBGRAPH: subgraph },
  });
}
