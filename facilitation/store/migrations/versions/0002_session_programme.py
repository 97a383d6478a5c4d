"""programme of a session

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 04:04:25.208228
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("programme", sa.String(length=80), nullable=True))
        batch_op.create_index(batch_op.f("ix_sessions_programme"), ["programme"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_programme"))
        batch_op.drop_column("programme")
