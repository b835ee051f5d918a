/**
 * Composes schema/<subgraph>.graphql into schema/supergraph.graphql.
 * `--check` fails (exit 1) when the committed supergraph is stale instead of writing it.
 */
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ACTIVE_SUBGRAPHS, SUBGRAPHS } from '../lib/config.js';
import { readSdl } from '../lib/subgraph.js';

export function composeSupergraph(): string {
  const result = composeServices(
    ACTIVE_SUBGRAPHS.map((name) => ({
      name,
      typeDefs: parse(readSdl(name)),
      // Default locations; the gateway overrides them from <NAME>_URL at run time.
      url: `http://127.0.0.1:${SUBGRAPHS[name].port}/graphql`,
    })),
  );
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return `${result.supergraphSdl.trim()}\n`;
}

const file = 'schema/supergraph.graphql';
if (process.argv[1]?.endsWith('compose.ts')) {
  const supergraph = composeSupergraph();
  if (process.argv.includes('--check')) {
    if (!existsSync(file) || readFileSync(file, 'utf8') !== supergraph) {
      console.error(`${file} is stale: run npm run compose and commit it`);
      process.exit(1);
    }
    console.log(`${file} is up to date`);
  } else {
    writeFileSync(file, supergraph);
    console.log(`wrote ${file} (${ACTIVE_SUBGRAPHS.join(', ')})`);
  }
}
