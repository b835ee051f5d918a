import { pgSchema } from 'drizzle-orm/pg-core';

/** Everything the customer subgraph stores lives in this Postgres schema; no other subgraph reads it. */
export const customerSchema = pgSchema('customer');
