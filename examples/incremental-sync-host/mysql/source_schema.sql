-- The sync source as the previous release left it: four domains, no incremental columns yet
-- (scripts/mysql_incremental_indexes.sql adds them). Seeded with small, deterministic data.
CREATE TABLE IF NOT EXISTS gestores (
  id BIGINT PRIMARY KEY,
  nombre VARCHAR(80) NOT NULL
);
CREATE TABLE IF NOT EXISTS contratos (
  id BIGINT PRIMARY KEY,
  gestor_id BIGINT NOT NULL,
  cliente VARCHAR(80) NOT NULL,
  monto DECIMAL(14,2) NOT NULL,
  fecha_alta DATE NOT NULL
);
CREATE TABLE IF NOT EXISTS cartera (
  id BIGINT PRIMARY KEY,
  contrato_id BIGINT NOT NULL,
  corte DATE NOT NULL,
  saldo DECIMAL(14,2) NOT NULL,
  dias_mora INT NOT NULL
);
CREATE TABLE IF NOT EXISTS cobranzas (
  id BIGINT PRIMARY KEY,
  contrato_id BIGINT NOT NULL,
  fecha DATE NOT NULL,
  monto_cobrado DECIMAL(14,2) NOT NULL,
  monto_deberia DECIMAL(14,2) NOT NULL
);

SET SESSION max_recursive_iterations = 10000;
INSERT IGNORE INTO gestores (id, nombre)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
  SELECT i, CONCAT('gestor ', i) FROM n;
INSERT IGNORE INTO contratos (id, gestor_id, cliente, monto, fecha_alta)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
  SELECT i, 1 + i MOD 20, CONCAT('cliente ', i), 1000 + (i * 37) MOD 9000, DATE_ADD('2025-01-01', INTERVAL i MOD 365 DAY) FROM n;
INSERT IGNORE INTO cartera (id, contrato_id, corte, saldo, dias_mora)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2400)
  SELECT i, 1 + i MOD 1200, DATE_ADD('2026-01-31', INTERVAL (i MOD 6) MONTH), 100 + (i * 53) MOD 5000, (i * 7) MOD 120 FROM n;
INSERT IGNORE INTO cobranzas (id, contrato_id, fecha, monto_cobrado, monto_deberia)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3600)
  SELECT i, 1 + i MOD 1200, DATE_ADD('2026-01-01', INTERVAL i MOD 180 DAY), 50 + (i * 29) MOD 700, 60 + (i * 31) MOD 720 FROM n;
