"""Identity overrides: manual merges and splits of resolved people and accounts.

Revision ID: 0005_identity_overrides
Revises: 0004_api_tokens
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Register the model on the shared metadata wherever the revisions are loaded.
import accord.data.state.identity_overrides  # noqa: F401

revision = "0005_identity_overrides"
down_revision = "0004_api_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("records", sa.JSON(), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_overrides")),
    )
    op.create_index(op.f("ix_identity_overrides_entity"), "identity_overrides", ["entity"])


def downgrade() -> None:
    op.drop_index(op.f("ix_identity_overrides_entity"), table_name="identity_overrides")
    op.drop_table("identity_overrides")
