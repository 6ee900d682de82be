-- Source hardening for the incremental sync pipeline (the runbook's precondition 2): every
-- synced table gets an `updated_at` column the server maintains, and an (updated_at, id) index
-- so the watermark filter (`updated_at > ?`) is pushed down to an index range scan.
-- Idempotent: safe to run again (MariaDB's IF NOT EXISTS).
ALTER TABLE gestores  ADD COLUMN IF NOT EXISTS updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6);
ALTER TABLE contratos ADD COLUMN IF NOT EXISTS updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6);
ALTER TABLE cartera   ADD COLUMN IF NOT EXISTS updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6);
ALTER TABLE cobranzas ADD COLUMN IF NOT EXISTS updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6);
CREATE INDEX IF NOT EXISTS ix_gestores_updated_id  ON gestores  (updated_at, id);
CREATE INDEX IF NOT EXISTS ix_contratos_updated_id ON contratos (updated_at, id);
CREATE INDEX IF NOT EXISTS ix_cartera_updated_id   ON cartera   (updated_at, id);
CREATE INDEX IF NOT EXISTS ix_cobranzas_updated_id ON cobranzas (updated_at, id);
