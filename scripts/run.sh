#!/usr/bin/env bash
# Run Amtsbote in the foreground: the web server (granian, WSGI) and the task worker
# (django-tasks db_worker) and the mailroom's folder watcher. Ctrl-C (or SIGTERM) stops all; if either exits, the other is
# stopped too and the script exits with its status.
#
# Expects `make run` to have prepared everything (uv sync, npm ci, migrate, collectstatic).
# Settings come from AMTSBOTE_* environment variables; HOST, PORT, WEB_WORKERS and
# WEB_THREADS choose where and how granian listens.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WEB_WORKERS=${WEB_WORKERS:-2}
WEB_THREADS=${WEB_THREADS:-4}
VENV=${VENV:-.venv}
STOP_TIMEOUT=${STOP_TIMEOUT:-30}

# Each process runs in its own process group (setsid), so that Ctrl-C reaches only this
# script, which then stops them in order: granian with SIGTERM (it finishes running
# requests), the worker with SIGINT (it finishes the current task).
"$VENV/bin/granian" --version >/dev/null
setsid "$VENV/bin/granian" --interface wsgi --working-dir src \
    --host "$HOST" --port "$PORT" --workers "$WEB_WORKERS" \
    --blocking-threads "$WEB_THREADS" --workers-kill-timeout 10 \
    amtsbote.wsgi:application &
web=$!

# The worker runs OCR in its own processes, one per core (AMTSBOTE_INTAKE_OCR_PROCESSES).
OMP_THREAD_LIMIT=1 setsid "$VENV/bin/python" manage.py db_worker --interval 1 &
worker=$!

# The mailroom's watched folders (var/consume/<jobcenter>/); it also re-queues scan files
# whose worker died mid-batch.
OMP_THREAD_LIMIT=1 setsid "$VENV/bin/python" manage.py consume &
consume=$!

# The postbox's periodic sweep: reminders for unread letters, paper fallback
# (every AMTSBOTE_POSTBOX_SWEEP_INTERVAL_SECONDS, default 15 minutes).
setsid "$VENV/bin/python" manage.py postbox_sweep --every &
sweep=$!

alive() {
    local pid
    for pid in "$@"; do
        kill -0 "$pid" 2>/dev/null && return 0
    done
    return 1
}

stopping=0
stop() {
    ((stopping)) && return
    stopping=1
    echo "Stopping web server and worker …" >&2
    kill -TERM "$web" 2>/dev/null || true
    kill -INT "$worker" "$consume" "$sweep" 2>/dev/null || true
    for _ in $(seq 1 "$STOP_TIMEOUT"); do
        alive "$web" "$worker" "$consume" "$sweep" || break
        sleep 1
    done
    if alive "$web" "$worker" "$consume" "$sweep"; then
        echo "Still running after ${STOP_TIMEOUT}s; killing." >&2
        kill -KILL -- "-$web" "-$worker" "-$consume" "-$sweep" 2>/dev/null || true
    fi
    wait "$web" "$worker" "$consume" "$sweep" 2>/dev/null || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

status=0
wait -n "$web" "$worker" "$consume" "$sweep" || status=$?
echo "A process ended (status $status)." >&2
stop
exit "$status"
