"""voice_clips: the audio of voice cards (and of recorded questions), in the database

Revision ID: 0007_voice
Revises: 0006_logins
Create Date: 2027-01-10 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_voice"
down_revision = "0006_logins"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "voice_clips",
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("participant_id", sa.String(length=32), nullable=True),
        sa.Column("mime", sa.String(length=40), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"]),
        sa.PrimaryKeyConstraint("session_id", "id"),
    )


def downgrade() -> None:
    op.drop_table("voice_clips")
