-- Gift card movements are append-only like the points ledger.
CREATE TRIGGER gift_card_movements_append_only BEFORE UPDATE OR DELETE ON gift_card_movements
  FOR EACH ROW EXECUTE FUNCTION forbid_row_change();
--> statement-breakpoint
-- Row triggers do not fire on TRUNCATE: a statement-level trigger closes that gap on every append-only table.
CREATE OR REPLACE FUNCTION forbid_truncate() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER points_ledger_no_truncate BEFORE TRUNCATE ON points_ledger FOR EACH STATEMENT EXECUTE FUNCTION forbid_truncate();
--> statement-breakpoint
CREATE TRIGGER consent_records_no_truncate BEFORE TRUNCATE ON consent_records FOR EACH STATEMENT EXECUTE FUNCTION forbid_truncate();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION forbid_truncate();
--> statement-breakpoint
CREATE TRIGGER gift_card_movements_no_truncate BEFORE TRUNCATE ON gift_card_movements FOR EACH STATEMENT EXECUTE FUNCTION forbid_truncate();
