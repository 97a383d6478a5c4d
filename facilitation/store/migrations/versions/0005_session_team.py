"""session_team: co-facilitators indexed, filled from the log's cofacilitator_added

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 07:00:00
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    team = op.create_table(
        "session_team",
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["facilitator_id"], ["facilitators.id"]),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"]),
        sa.PrimaryKeyConstraint("session_id", "facilitator_id"),
    )
    op.create_index("ix_session_team_facilitator_id", "session_team", ["facilitator_id"])
    rows = op.get_bind().execute(sa.text(
        "SELECT DISTINCT session_id, payload FROM events WHERE type = 'cofacilitator_added'"))
    found = {(session_id, int(json.loads(payload)["facilitator_id"]))
             for session_id, payload in rows}
    if found:
        op.bulk_insert(team, [{"session_id": s, "facilitator_id": f} for s, f in sorted(found)])


def downgrade() -> None:
    op.drop_index("ix_session_team_facilitator_id", table_name="session_team")
    op.drop_table("session_team")
