#!/usr/bin/env bash
# Run Amtsbote in the foreground: the web server (granian, WSGI) and the task worker
# (django-tasks db_worker). Ctrl-C (or SIGTERM) stops both; if either exits, the other is
# stopped too and the script exits with its status.
#
# Expects `make run` to have prepared everything (uv sync, npm ci, migrate, collectstatic).
# Settings come from AMTSBOTE_* environment variables; HOST, PORT and WEB_WORKERS choose
# where granian listens.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WEB_WORKERS=${WEB_WORKERS:-2}
VENV=${VENV:-.venv}

pids=()
stop() {
    trap - INT TERM
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    wait "${pids[@]}" 2>/dev/null || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

"$VENV/bin/granian" --interface wsgi --working-dir src \
    --host "$HOST" --port "$PORT" --workers "$WEB_WORKERS" \
    amtsbote.wsgi:application &
pids+=($!)

# OCR in the worker: one tesseract thread per page keeps two cores responsive.
OMP_THREAD_LIMIT=1 "$VENV/bin/python" manage.py db_worker --interval 1 &
pids+=($!)

status=0
wait -n "${pids[@]}" || status=$?
echo "A process ended (status $status); stopping the others." >&2
stop
exit "$status"
