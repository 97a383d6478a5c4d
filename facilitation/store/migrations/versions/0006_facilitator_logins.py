"""facilitator_logins: one row per browser login, so that logout revokes its cookies

Revision ID: 0006_logins
Revises: 0005
Create Date: 2026-12-02 17:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_logins"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "facilitator_logins",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["facilitator_id"], ["facilitators.id"]),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_facilitator_logins_facilitator_id", "facilitator_logins",
                    ["facilitator_id"])


def downgrade() -> None:
    op.drop_index("ix_facilitator_logins_facilitator_id", table_name="facilitator_logins")
    op.drop_table("facilitator_logins")
