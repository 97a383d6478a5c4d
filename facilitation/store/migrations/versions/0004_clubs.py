"""clubs entreprendre: clubs, members' personal links, meetings' club

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clubs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["facilitator_id"], ["facilitators.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_clubs_facilitator_id", "clubs", ["facilitator_id"])
    op.create_table(
        "member_links",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("club_id", sa.String(length=32), nullable=False),
        sa.Column("member_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["club_id"], ["clubs.id"]),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_member_links_club_id", "member_links", ["club_id"])
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("club_id", sa.String(length=32), nullable=True))
        batch_op.create_index("ix_sessions_club_id", ["club_id"])


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_club_id")
        batch_op.drop_column("club_id")
    op.drop_index("ix_member_links_club_id", table_name="member_links")
    op.drop_table("member_links")
    op.drop_index("ix_clubs_facilitator_id", table_name="clubs")
    op.drop_table("clubs")
