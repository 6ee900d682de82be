"""Staging rows: a chunk lands here first and is merged into its fact table in one statement.

Revision ID: 0013_sync_staging_rows
Revises: 0012_sync_incremental_controls
"""
from alembic import op

revision = "0013_sync_staging_rows"
down_revision = "0012_sync_incremental_controls"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        CREATE TABLE sync_staging_rows (
            job_id TEXT NOT NULL,
            chunk_key TEXT NOT NULL,
            business_key BIGINT NOT NULL,
            payload JSONB NOT NULL,
            PRIMARY KEY (job_id, business_key)
        )
    """)


def downgrade():
    op.execute("DROP TABLE sync_staging_rows")
