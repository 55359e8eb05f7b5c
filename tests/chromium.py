"""Debian's Chromium as the tests, the benchmarks and the screenshot script launch it."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("AMTSBOTE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
