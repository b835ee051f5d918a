/**
 * Seeds the demo tenant once: `npm run seed` (DATABASE_URL required), and `npm start` on its first run.
 */
import { eq, sql } from 'drizzle-orm';
import { ACTIVE_SUBGRAPHS } from '../lib/config.js';
import { migrateSubgraph } from '../lib/migrate.js';
import { connect } from '../lib/db.js';
import { tenants } from '../subgraphs/customer/db/schema.js';
import { seedCustomers } from '../subgraphs/customer/seed.js';
import { seedFinance } from '../subgraphs/finance/seed.js';
import { seedFulfilment } from '../subgraphs/order-fulfilment/seed.js';
import { seedSales } from '../subgraphs/sales-pipeline/seed.js';

export const DEMO_TENANT = 'demo';

/** Seeds `tenantId` unless it exists already; everything in one transaction. Returns whether it seeded. */
export async function seedDemo(url: string, tenantId = DEMO_TENANT): Promise<boolean> {
  const database = connect(url, { max: 1 });
  try {
    return await database.db.transaction(async (tx) => {
      // Two starters racing on a fresh database: the second waits, then finds the tenant.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`seed:${tenantId}`}))`);
      const existing = await tx.select().from(tenants).where(eq(tenants.id, tenantId)).for('update');
      if (existing.length > 0) return false;
      const customerIds = await seedCustomers(tx, tenantId);
      await seedSales(tx, tenantId, customerIds);
      await seedFulfilment(tx, tenantId, customerIds);
      await seedFinance(tx, tenantId, customerIds);
      return true;
    });
  } finally {
    await database.close();
  }
}

if (process.argv[1]?.endsWith('seed.ts')) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('Set DATABASE_URL (npm start seeds the embedded database by itself)');
    process.exit(2);
  }
  for (const name of ACTIVE_SUBGRAPHS) await migrateSubgraph(name, url);
  console.log(
    (await seedDemo(url)) ? `seeded tenant "${DEMO_TENANT}"` : `tenant "${DEMO_TENANT}" exists; nothing to do`,
  );
}
