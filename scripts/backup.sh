#!/usr/bin/env bash
# Back up Rehabit's PostgreSQL database to one file (pg_dump's custom format).
#   usage: DATABASE_URL=postgres://... scripts/backup.sh [FILE]   (default: rehabit-YYYYmmdd-HHMMSS.dump)
# Media files (uploaded photos, logos) live in MEDIA_ROOT: copy that folder alongside.
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
file=${1:-rehabit-$(date -u +%Y%m%d-%H%M%S).dump}
pg_dump --format=custom --no-owner --no-privileges --file "$file" "$DATABASE_URL"
echo "backed up to $file"
