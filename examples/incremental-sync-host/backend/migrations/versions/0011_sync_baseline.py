"""Sync baseline (the previous release): run log, facts, aggregates.

Revision ID: 0011_sync_baseline
Revises:
"""
from alembic import op

revision = "0011_sync_baseline"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        CREATE TABLE sync_runs (
            job_id TEXT PRIMARY KEY,
            domain TEXT NOT NULL,
            mode TEXT NOT NULL,
            status TEXT NOT NULL,
            origin TEXT NOT NULL DEFAULT 'ui',
            started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            finished_at TIMESTAMPTZ,
            rows_copied BIGINT NOT NULL DEFAULT 0,
            error TEXT
        );
        CREATE TABLE gestores_dim (id BIGINT PRIMARY KEY, nombre TEXT NOT NULL);
        CREATE TABLE contratos_dim (id BIGINT PRIMARY KEY, gestor_id BIGINT NOT NULL, cliente TEXT NOT NULL,
                                    monto NUMERIC(14, 2) NOT NULL, fecha_alta DATE NOT NULL);
        CREATE TABLE cartera_fact (id BIGINT PRIMARY KEY, contrato_id BIGINT NOT NULL, corte DATE NOT NULL,
                                   saldo NUMERIC(14, 2) NOT NULL, dias_mora INT NOT NULL);
        CREATE TABLE cobranzas_fact (id BIGINT PRIMARY KEY, contrato_id BIGINT NOT NULL, fecha DATE NOT NULL,
                                     monto_cobrado NUMERIC(14, 2) NOT NULL, monto_deberia NUMERIC(14, 2) NOT NULL);
        CREATE TABLE cartera_corte_agg (corte DATE PRIMARY KEY, contratos BIGINT NOT NULL,
                                        saldo_total NUMERIC(16, 2) NOT NULL, mora_30_plus BIGINT NOT NULL);
        CREATE TABLE cobranzas_cohorte_agg (cohorte TEXT PRIMARY KEY, pagos BIGINT NOT NULL,
                                            total_cobrado NUMERIC(16, 2) NOT NULL, deberia_cobrar NUMERIC(16, 2) NOT NULL);
    """)


def downgrade():
    op.execute("""
        DROP TABLE cobranzas_cohorte_agg, cartera_corte_agg, cobranzas_fact, cartera_fact,
                   contratos_dim, gestores_dim, sync_runs
    """)
