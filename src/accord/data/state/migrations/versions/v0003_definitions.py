"""Definition versions and their signatures.

Revision ID: 0003_definitions
Revises: 0002_audit_log
Create Date: 2025-02-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_definitions"
down_revision = "0002_audit_log"
branch_labels = None
depends_on = None

_IN_FORCE = sa.text("status = 'in_force'")


def upgrade() -> None:
    op.create_table(
        "definition_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=80), nullable=False),
        sa.Column("owners", sa.JSON(), nullable=False),
        sa.Column("proposed_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("in_force_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'proposed', 'in_force', 'retired', 'withdrawn')",
            name=op.f("ck_definition_versions_status"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_definition_versions_version")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_definition_versions")),
        sa.UniqueConstraint("name", "version", name="uq_definition_versions_name_version"),
    )
    op.create_index(op.f("ix_definition_versions_name"), "definition_versions", ["name"])
    op.create_index(
        "uq_definition_versions_in_force",
        "definition_versions",
        ["name"],
        unique=True,
        sqlite_where=_IN_FORCE,
        postgresql_where=_IN_FORCE,
    )
    op.create_table(
        "definition_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["definition_versions.id"],
            name=op.f("fk_definition_signatures_version_id_definition_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_definition_signatures_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_definition_signatures_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_definition_signatures")),
        sa.UniqueConstraint("version_id", "team_id", name="uq_definition_signatures_version_team"),
    )
    op.create_index(
        op.f("ix_definition_signatures_version_id"), "definition_signatures", ["version_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_definition_signatures_version_id"), table_name="definition_signatures")
    op.drop_table("definition_signatures")
    op.drop_index("uq_definition_versions_in_force", table_name="definition_versions")
    op.drop_index(op.f("ix_definition_versions_name"), table_name="definition_versions")
    op.drop_table("definition_versions")
