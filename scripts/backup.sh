#!/usr/bin/env bash
# Back up Rehabit: the PostgreSQL database (pg_dump's custom format) and every stored file (logos,
# photos, videos; from the file system or the object store, as the settings say) into one folder.
#   usage: DATABASE_URL=postgres://... [S3_BUCKET=... S3_*] scripts/backup.sh [DIR]
#   (default DIR: rehabit-backup-YYYYmmdd-HHMMSS) -> DIR/database.dump, DIR/files.tar
# The handout cache is not backed up: it renders again on demand.
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
cd "$(dirname "$0")/.."
dir=$(realpath -m "${1:-rehabit-backup-$(date -u +%Y%m%d-%H%M%S)}")
python=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python )}
mkdir -p "$dir"
pg_dump --format=custom --no-owner --no-privileges --file "$dir/database.dump" "$DATABASE_URL"
"$python" scripts/files_archive.py dump "$dir/files.tar"
echo "backed up to $dir"
