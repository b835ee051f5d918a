import { defineConfig } from 'drizzle-kit';

// One migration folder per subgraph: `SUBGRAPH=customer npx drizzle-kit generate` (scripts/generate-migrations.ts loops).
const subgraph = process.env.SUBGRAPH ?? 'customer';
const schemaName: Record<string, string> = {
  customer: 'customer',
  'sales-pipeline': 'sales',
  'order-fulfilment': 'fulfilment',
  finance: 'finance',
  platform: 'platform',
};

export default defineConfig({
  dialect: 'postgresql',
  schema: `./subgraphs/${subgraph}/db/schema.ts`,
  out: `./migrations/${subgraph}`,
  schemaFilter: [schemaName[subgraph]],
});
