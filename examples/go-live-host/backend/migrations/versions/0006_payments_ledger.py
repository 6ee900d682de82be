"""Payments ledger (the previous release): accounts, ledger entries, deposits.

Revision ID: 0006_payments_ledger
Revises:
"""
from alembic import op

revision = "0006_payments_ledger"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        CREATE TABLE accounts (
            id TEXT PRIMARY KEY,
            available_cents BIGINT NOT NULL DEFAULT 0 CHECK (available_cents >= 0),
            held_cents BIGINT NOT NULL DEFAULT 0 CHECK (held_cents >= 0)
        );
        -- Double-entry style: every movement of an account's buckets is one row; the sums per
        -- bucket must equal the account's balances (the ledger invariant).
        CREATE TABLE ledger_entries (
            id BIGSERIAL PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts (id),
            bucket TEXT NOT NULL CHECK (bucket IN ('available', 'held')),
            amount_cents BIGINT NOT NULL,
            reference TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now()
        );
        CREATE TABLE deposits (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts (id),
            amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
            created_at TIMESTAMPTZ NOT NULL DEFAULT now()
        );
    """)


def downgrade():
    op.execute("DROP TABLE deposits, ledger_entries, accounts")
