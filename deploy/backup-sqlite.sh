#!/bin/sh
# A consistent copy of the live SQLite database (SQLite's online backup API: the server
# keeps running), then copies older than KEEP_DAYS removed. Run by facilitation-backup.timer;
# by hand: DB=… DEST=… deploy/backup-sqlite.sh
set -eu
DB="${DB:-/var/lib/facilitation/facilitation.db}"
DEST="${DEST:-/var/backups/facilitation}"
KEEP_DAYS="${KEEP_DAYS:-14}"
mkdir -p "$DEST"
target="$DEST/facilitation-$(date -u +%Y%m%d-%H%M%S).db"
if command -v sqlite3 >/dev/null; then
    sqlite3 "$DB" ".backup '$target'"
else  # no sqlite3 binary: Python's sqlite3 module has the same backup API
    python3 -c 'import sqlite3,sys; s=sqlite3.connect(sys.argv[1]); d=sqlite3.connect(sys.argv[2]); s.backup(d); d.close()' "$DB" "$target"
fi
# the copy must open and pass SQLite's own check, or the backup failed
python3 -c 'import sqlite3,sys; assert sqlite3.connect(sys.argv[1]).execute("pragma integrity_check").fetchone()[0] == "ok"' "$target"
find "$DEST" -name 'facilitation-*.db' -mtime +"$KEEP_DAYS" -delete
echo "facilitation backup: $target"
