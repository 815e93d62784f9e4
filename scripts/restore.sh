#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a NEW, empty database and the storage the
# settings name (an empty bucket, or empty MEDIA_ROOT / PRIVATE_MEDIA_ROOT), then point the app
# at them. It refuses a database that already has tables.
#   usage: DATABASE_URL=postgres://.../rehabit_restored [S3_BUCKET=... S3_*] scripts/restore.sh DIR
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the new database to restore into}"
dir=$(realpath -m "${1:?give the backup folder}")
cd "$(dirname "$0")/.."
python=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python )}
tables=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != "0" ]; then
  echo "refusing: the target database already has $tables tables" >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --dbname "$DATABASE_URL" "$dir/database.dump"
"$python" scripts/files_archive.py load "$dir/files.tar"
echo "restored $dir"
