"""Helpers for Amtsbote's long-running commands (``consume``, sweeps, recovery loops)."""

from __future__ import annotations

import signal


def stop_on_sigint_and_sigterm() -> None:
    """Let SIGINT and SIGTERM raise KeyboardInterrupt, so that a loop ends between steps.

    ``scripts/run.sh`` starts the commands in the background; a non-interactive shell starts
    background jobs with SIGINT ignored (POSIX), and Python then installs no handler of its
    own: its stop signal would be lost, and run.sh would wait and then SIGKILL.
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
