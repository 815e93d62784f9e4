#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a NEW, empty database, then point
# DATABASE_URL at it. It refuses a database that already has tables.
#   usage: DATABASE_URL=postgres://.../rehabit_restored scripts/restore.sh FILE
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the new database to restore into}"
file=${1:?give the backup file}
tables=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != "0" ]; then
  echo "refusing: the target database already has $tables tables" >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --dbname "$DATABASE_URL" "$file"
echo "restored $file"
