#!/usr/bin/env bash
# Back up an Amtsbote install into one directory: the database first, then the files.
#
#   scripts/backup.sh /srv/backups/amtsbote-$(date +%F)
#
# Order matters: a file is on disk before the database row that points to it commits, so
# files copied after the database cover every row in the dump (files newer than the dump are
# harmless extras). SQLite is copied with its online backup API (safe while Amtsbote runs);
# PostgreSQL (AMTSBOTE_DATABASE_URL=postgres://...) with pg_dump. With AMTSBOTE_S3_BUCKET set,
# files live in the bucket: back that up with the object store's versioning or replication.
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077

target=${1:?usage: scripts/backup.sh TARGET_DIRECTORY}
var_dir=${AMTSBOTE_VAR_DIR:-$PWD/var}
media_root=${AMTSBOTE_MEDIA_ROOT:-$var_dir/media}
database_url=${AMTSBOTE_DATABASE_URL:-}

mkdir -p "$target"
chmod 700 "$target"

case "$database_url" in
    postgres://* | postgresql://*)
        echo "==> pg_dump"
        pg_dump --format=custom --file="$target/amtsbote.pgdump" "$database_url"
        ;;
    "")
        echo "==> SQLite online backup"
        .venv/bin/python - "$var_dir/amtsbote.sqlite3" "$target/amtsbote.sqlite3" <<'PY'
import sqlite3
import sys

source, target = sys.argv[1:3]
with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
    src.backup(dst)
PY
        ;;
    *)
        echo "Back up the database at $database_url with its own tools." >&2
        ;;
esac

if [[ -z ${AMTSBOTE_S3_BUCKET:-} && -d $media_root ]]; then
    echo "==> files ($media_root)"
    tar -C "$media_root" -cf "$target/media.tar" .
fi
if [[ -z ${AMTSBOTE_SECRET_KEY:-} && -f $var_dir/secret_key ]]; then
    cp -p "$var_dir/secret_key" "$target/secret_key"
fi
# The seal certificate (demo or real): receipts sealed with it verify only while it is kept.
if [[ -d $var_dir/keys ]]; then
    cp -pR "$var_dir/keys" "$target/keys"
fi
echo "Backup written to $target"
