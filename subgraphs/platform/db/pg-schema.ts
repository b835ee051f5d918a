import { pgSchema } from 'drizzle-orm/pg-core';

/** Everything the platform subgraph stores lives in this Postgres schema; no other subgraph reads it. */
export const platformSchema = pgSchema('platform');
