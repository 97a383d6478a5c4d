"""Issue 12 · 15: the SQLite database and its WAL files are the owner's only (0600), and
so is the instance folder (0700: secret key, setup link, database)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from facilitation.app import create_app


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_and_wal_files_are_private(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # a usual server's umask: files 0644 unless we say so
    try:
        instance = tmp_path / "instance"
        app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "x",
                          "FACILITATION_ASYNC_MODE": "threading", "TESTING": True})
        service = app.extensions["facilitation"]
        from facilitation.usecases import accounts

        accounts.create(service.db, "awa@grdr.example", "palabre-2026")  # a write: WAL
        database = instance / "facilitation.db"
        files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
        assert all(f.exists() for f in files), [f.name for f in instance.iterdir()]
        assert {f.name: oct(mode(f)) for f in files} == {f.name: "0o600" for f in files}
        assert oct(mode(instance)) == "0o700"
        # an older install's readable files are tightened at the next start
        service.db.engine.dispose()
        database.chmod(0o644)
        instance.chmod(0o755)
        create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "x",
                    "FACILITATION_ASYNC_MODE": "threading", "TESTING": True})
        assert oct(mode(database)) == "0o600" and oct(mode(instance)) == "0o700"
    finally:
        os.umask(previous)
