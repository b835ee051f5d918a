-- Incremental sync (lib/sync.ts): every write of a synced row keeps its updated_at at or after the
-- writing transaction's start (truncated to the milliseconds the column keeps), whatever the code
-- path, raw SQL included; an update the code did not stamp is stamped here. So a row that commits
-- late never carries a time before the start of a transaction that was open when a sync read.
CREATE FUNCTION "finance"."touch_updated_at"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := greatest(NEW.updated_at, date_trunc('milliseconds', transaction_timestamp()));
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "invoices_touch_updated_at" BEFORE INSERT OR UPDATE ON "finance"."invoices"
  FOR EACH ROW EXECUTE FUNCTION "finance"."touch_updated_at"();
--> statement-breakpoint
CREATE TRIGGER "payments_touch_updated_at" BEFORE INSERT OR UPDATE ON "finance"."payments"
  FOR EACH ROW EXECUTE FUNCTION "finance"."touch_updated_at"();
