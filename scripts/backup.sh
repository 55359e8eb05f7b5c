#!/usr/bin/env bash
# Back up an Amtsbote install while it runs: `manage.py backup` (see docs/backup.md).
#
#   scripts/backup.sh /srv/backups/amtsbote-$(date +%F)                  database and files
#   scripts/backup.sh /srv/backups/amtsbote-$(date +%F) /mnt/keys/amtsbote    ... and the keys
#
# TARGET must be new or empty. It receives the database (SQLite online backup API, or
# pg_dump for PostgreSQL), then the stored files that copy references (as stored: encrypted),
# and manifest.json with the size and SHA-256 of every part. Restore with
# `manage.py restore TARGET`.
#
# The keys are NOT in the backup: the storage keys ($AMTSBOTE_VAR_DIR/keys or
# AMTSBOTE_STORAGE_KEYS), the seal certificate and the secret key. Without the storage keys
# the files cannot be read; with them next to the files, the encryption protects nothing. With
# a second argument KEYS_DIRECTORY the embedded install's keys/ and secret_key are copied
# there: keep that somewhere else (another medium, a safe), not beside the backups.
#
# With AMTSBOTE_S3_BUCKET set the files live in the bucket: only the database is backed up
# here; back the bucket up with the object store's versioning or replication.
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077

target=${1:?usage: scripts/backup.sh TARGET_DIRECTORY [KEYS_DIRECTORY]}
keys_target=${2:-}
var_dir=${AMTSBOTE_VAR_DIR:-$PWD/var}

options=()
if [[ -n ${AMTSBOTE_S3_BUCKET:-} ]]; then
    echo "Files are in the bucket $AMTSBOTE_S3_BUCKET: backing up the database only." >&2
    options+=(--no-files)
fi
.venv/bin/python manage.py backup ${options[@]+"${options[@]}"} "$target"

if [[ -n $keys_target ]]; then
    mkdir -p "$keys_target"
    chmod 700 "$keys_target"
    if [[ -d $var_dir/keys ]]; then
        cp -pR "$var_dir/keys/." "$keys_target/keys/"
    fi
    if [[ -z ${AMTSBOTE_SECRET_KEY:-} && -f $var_dir/secret_key ]]; then
        cp -p "$var_dir/secret_key" "$keys_target/secret_key"
    fi
    echo "Keys copied to $keys_target (keep them apart from the backups)"
elif [[ -z ${AMTSBOTE_STORAGE_KEYS:-} ]]; then
    echo "Note: the storage keys in $var_dir/keys are not in the backup; keep a copy elsewhere" \
        "(scripts/backup.sh TARGET KEYS_DIRECTORY)." >&2
fi
