#!/usr/bin/env bash
# Make sure a local PostgreSQL answers at the URL the tests use (default
# postgres://postgres@127.0.0.1:5432/amtsbote, trust authentication for user postgres).
#
# Installs PostgreSQL when it is missing, starts the cluster when it is stopped and, on a
# fresh install that asks for a password, lets user postgres in from localhost without one
# (a line at the top of pg_hba.conf; only when running as root or with sudo).
set -euo pipefail

url=${AMTSBOTE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/amtsbote}
host=127.0.0.1
port=5432

SUDO=()
if [[ $(id -u) != 0 ]] && command -v sudo >/dev/null; then
    SUDO=(sudo)
fi

can_connect() {
    psql "${url%/*}/postgres" -Atqc 'SELECT 1' >/dev/null 2>&1
}

if can_connect; then
    exit 0
fi

if ! command -v pg_ctlcluster >/dev/null || ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "==> Installing PostgreSQL"
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update
    "${SUDO[@]}" apt-get install -y --no-install-recommends postgresql
fi

version=$(ls /etc/postgresql | sort -V | tail -n1)
if ! pg_lsclusters -h 2>/dev/null | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
    echo "==> Starting PostgreSQL $version"
    "${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi

for _ in $(seq 1 30); do
    pg_isready -q -h "$host" -p "$port" && break
    sleep 1
done

if ! can_connect; then
    hba=/etc/postgresql/$version/main/pg_hba.conf
    rule='host all postgres 127.0.0.1/32 trust  # added by amtsbote scripts/ensure-postgres.sh'
    if [[ -w $hba || ${#SUDO[@]} -gt 0 ]] && ! "${SUDO[@]}" grep -qF "$rule" "$hba"; then
        echo "==> Allowing user postgres from 127.0.0.1 without password ($hba)"
        "${SUDO[@]}" sed -i "1i $rule" "$hba"
        "${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "$version" main reload
        sleep 1
    fi
fi

if ! can_connect; then
    echo "PostgreSQL does not answer at $url" >&2
    exit 1
fi
