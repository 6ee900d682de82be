"""Incremental sync controls: per-domain watermarks and per-job chunk manifests.

Revision ID: 0012_sync_incremental_controls
Revises: 0011_sync_baseline
"""
from alembic import op

revision = "0012_sync_incremental_controls"
down_revision = "0011_sync_baseline"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("""
        CREATE TABLE sync_watermarks (
            domain TEXT PRIMARY KEY,
            -- The source's MAX(updated_at) as MariaDB prints it (TIMESTAMP(6), the source's time
            -- zone): compared as text, which orders as time for this fixed-width format.
            high_water TEXT NOT NULL,
            job_id TEXT NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
        );
        -- One row per chunk of a job: copied, or skipped because its source checksum is unchanged.
        CREATE TABLE sync_chunks (
            job_id TEXT NOT NULL REFERENCES sync_runs (job_id),
            chunk_key TEXT NOT NULL,
            stage TEXT NOT NULL,
            source_rows BIGINT NOT NULL,
            rows_copied BIGINT NOT NULL,
            checksum TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('copied', 'skipped_unchanged', 'failed')),
            PRIMARY KEY (job_id, chunk_key)
        );
        -- The last checksum seen for each chunk of each domain: what "unchanged" compares against.
        CREATE TABLE sync_chunk_state (
            domain TEXT NOT NULL,
            chunk_key TEXT NOT NULL,
            checksum TEXT NOT NULL,
            PRIMARY KEY (domain, chunk_key)
        );
    """)


def downgrade():
    op.execute("DROP TABLE sync_chunk_state, sync_chunks, sync_watermarks")
