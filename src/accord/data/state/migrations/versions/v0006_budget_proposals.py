"""Budget proposals and their decisions (finance and marketing approve a reallocation).

Revision ID: 0006_budget_proposals
Revises: 0005_identity_overrides
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Register the models on the shared metadata wherever the revisions are loaded.
import accord.data.state.budget_proposals  # noqa: F401

revision = "0006_budget_proposals"
down_revision = "0005_identity_overrides"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "budget_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("budget", sa.Float(), nullable=False),
        sa.Column("periods", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("expected_response", sa.Float(), nullable=False),
        sa.Column("historical_response", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_proposals")),
    )
    op.create_index(op.f("ix_budget_proposals_status"), "budget_proposals", ["status"])
    op.create_table(
        "budget_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(length=120), nullable=False),
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["budget_proposals.id"],
            name=op.f("fk_budget_decisions_proposal_id_budget_proposals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_decisions")),
    )
    op.create_index(op.f("ix_budget_decisions_proposal_id"), "budget_decisions", ["proposal_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_budget_decisions_proposal_id"), table_name="budget_decisions")
    op.drop_table("budget_decisions")
    op.drop_index(op.f("ix_budget_proposals_status"), table_name="budget_proposals")
    op.drop_table("budget_proposals")
