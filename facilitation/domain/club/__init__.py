"""A club entreprendre: its members and their projects ("démarche progrès"), folded from
the club's own event stream. Pure code (no Flask, no database)."""

from __future__ import annotations

from .project import STAGES, clean_changes
from .state import Club, Member, Project, apply, rebuild

__all__ = ["STAGES", "Club", "Member", "Project", "apply", "clean_changes", "rebuild"]
