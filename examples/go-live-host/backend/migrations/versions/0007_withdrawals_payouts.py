"""Withdrawals and payouts (this release): request, admin approve, mark paid.

Revision ID: 0007_withdrawals_payouts
Revises: 0006_payments_ledger
"""
from alembic import op

revision = "0007_withdrawals_payouts"
down_revision = "0006_payments_ledger"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        CREATE TABLE withdrawals (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts (id),
            amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
            status TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'paid')),
            requested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            approved_at TIMESTAMPTZ,
            paid_at TIMESTAMPTZ
        )
    """)


def downgrade():
    op.execute("DROP TABLE withdrawals")
