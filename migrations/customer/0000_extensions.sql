-- Trigram search over names, e-mails and phones, in GIN indexes led by tenant_id (btree_gin).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS btree_gin;
