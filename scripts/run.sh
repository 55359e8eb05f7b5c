#!/usr/bin/env bash
# Run Amtsbote in the foreground: the web server (granian, WSGI), the task worker
# (django-tasks db_worker with a heartbeat), the mailroom's folder watcher, the postbox sweep,
# the deadline reminders and the task recovery. Ctrl-C (or SIGTERM) stops all; if one exits,
# the others are stopped too and the script exits with its status.
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

# Logs: readable lines in a terminal, JSON lines when they go to a file or a collector; all
# processes decide once, here (granian's workers do not see the terminal).
if [[ -z ${AMTSBOTE_LOG_FORMAT:-} ]]; then
    if [[ -t 2 ]]; then export AMTSBOTE_LOG_FORMAT=console; else export AMTSBOTE_LOG_FORMAT=json; fi
fi
# Metrics of the processes of the previous run are stale (prometheus_client multiprocess).
metrics_dir="${AMTSBOTE_METRICS_DIR:-${AMTSBOTE_VAR_DIR:-$PWD/var}/metrics}"
mkdir -p "$metrics_dir" && find "$metrics_dir" -maxdepth 1 -name "*.db" -delete

# Recovery after a crash, before anything new starts: files left by writes that never
# committed are removed, and tasks of workers that died are handed back to the queue.
"$VENV/bin/python" manage.py recover_writes
"$VENV/bin/python" manage.py tasks_recover

# `make run` is a demo: its staff logins work without a second factor (docs/login.md),
# unless AMTSBOTE_STAFF_SECOND_FACTOR_REQUIRED is set. Production requires it.
if [[ ${DEMO:-0} == 1 && -z ${AMTSBOTE_STAFF_SECOND_FACTOR_REQUIRED:-} ]]; then
    export AMTSBOTE_STAFF_SECOND_FACTOR_REQUIRED=0
    echo "Demo: staff sign in without a second factor (production requires TOTP or a passkey)." >&2
fi

# Virus scanning (docs/security.md): every upload goes through clamd. Without AMTSBOTE_CLAMD,
# the distribution's clamd (its socket) is used if it runs, else a clamd of our own when
# freshclam's signatures are on the machine. With none, uploads are refused ("try again
# later"): fail closed. Only `make run` (DEMO=1) then switches scanning off, loudly.
clamd_pids=()
if [[ -z ${AMTSBOTE_CLAMD:-} && ${AMTSBOTE_ANTIVIRUS:-on} != off && ! -S /var/run/clamav/clamd.ctl ]]; then
    if compgen -G "/var/lib/clamav/*.c[lv]d" >/dev/null; then
        export AMTSBOTE_CLAMD="${AMTSBOTE_VAR_DIR:-$PWD/var}/clamd/clamd.sock"
        setsid "$VENV/bin/python" manage.py clamd &
        clamd_pids=($!)
        echo "Virus scanner: starting clamd on $AMTSBOTE_CLAMD (loading the signatures takes a minute)." >&2
    elif [[ ${DEMO:-0} == 1 ]]; then
        export AMTSBOTE_ANTIVIRUS=off
        {
            echo "**********************************************************************"
            echo "WARNING: uploads are NOT scanned for viruses on this machine: there are"
            echo "no ClamAV signatures (freshclam could not reach database.clamav.net)."
            echo "Fine for trying the demo; never for real customers (docs/security.md)."
            echo "**********************************************************************"
        } >&2
    else
        echo "WARNING: no virus scanner (no clamd, no ClamAV signatures): uploads are refused" \
            "until clamd runs; see docs/security.md." >&2
    fi
fi

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
# `worker` is db_worker plus a heartbeat: if it dies, `tasks_recover` re-runs its task.
OMP_THREAD_LIMIT=1 setsid "$VENV/bin/python" manage.py worker --interval 1 &
worker=$!

# Tasks still running on a worker without heartbeat for AMTSBOTE_TASKS_WORKER_TIMEOUT_SECONDS
# (killed, machine gone) go back to the queue; checked every half timeout. With --writes it
# also removes, every ten minutes, files of writes that were killed before they committed.
setsid "$VENV/bin/python" manage.py tasks_recover --every --writes &
recover=$!

# The mailroom's watched folders (var/consume/<jobcenter>/); it also re-queues scan files
# whose worker died mid-batch.
OMP_THREAD_LIMIT=1 setsid "$VENV/bin/python" manage.py consume &
consume=$!

# The postbox's periodic sweep: reminders for unread letters, paper fallback
# (every AMTSBOTE_POSTBOX_SWEEP_INTERVAL_SECONDS, default 15 minutes).
setsid "$VENV/bin/python" manage.py postbox_sweep --every &
sweep=$!

# Push reminders a few days before the deadlines of open document requests (every
# AMTSBOTE_PUSH_REMINDER_INTERVAL_SECONDS, default an hour; each goes out once).
setsid "$VENV/bin/python" manage.py doc_request_reminders --every &
reminders=$!

# The audit chain's anchor outside the database (every AMTSBOTE_AUDIT_ANCHOR_SECONDS,
# default 15 minutes; docs/records.md).
setsid "$VENV/bin/python" manage.py audit_anchor --every &
anchor=$!

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
    kill -INT "$worker" "$consume" "$sweep" "$reminders" "$recover" "$anchor" "${clamd_pids[@]}" 2>/dev/null || true
    for _ in $(seq 1 "$STOP_TIMEOUT"); do
        alive "$web" "$worker" "$consume" "$sweep" "$reminders" "$recover" "$anchor" "${clamd_pids[@]}" || break
        sleep 1
    done
    if alive "$web" "$worker" "$consume" "$sweep" "$reminders" "$recover" "$anchor" "${clamd_pids[@]}"; then
        echo "Still running after ${STOP_TIMEOUT}s; killing." >&2
        kill -KILL -- "-$web" "-$worker" "-$consume" "-$sweep" "-$reminders" "-$recover" "-$anchor" "${clamd_pids[@]/#/-}" 2>/dev/null || true
    fi
    wait "$web" "$worker" "$consume" "$sweep" "$reminders" "$recover" "$anchor" "${clamd_pids[@]}" 2>/dev/null || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

status=0
wait -n "$web" "$worker" "$consume" "$sweep" "$reminders" "$recover" "$anchor" "${clamd_pids[@]}" || status=$?
echo "A process ended (status $status)." >&2
stop
exit "$status"
