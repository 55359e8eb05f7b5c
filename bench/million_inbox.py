"""The inbox against a database kept by ``bench/million.py --keep`` (issue 9): p50/p95/max.

    AMTSBOTE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/amtsbote_million \\
        uv run python bench/million_inbox.py [--runs 30]

For the caseworkers "ben" and "lena" of the generated landscape, after one warm-up call each,
``--runs`` times: the selector ``inbox_documents``, the digest query ``inbox_fingerprint``,
the inbox page (``GET /desk/``) and the list it polls (``GET /desk/inbox/items/``), without
a digest (rendered) and with the page's digest (204), through Django's test client as in
``bench/million.py``. Prints JSON (milliseconds).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
SHOWN = re.compile(r"\?shown=([0-9a-f]+)")


def figures(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(ordered[-1], 1),
    }


def timed(call: Callable[[], object], runs: int) -> dict[str, float]:
    call()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return figures(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if "AMTSBOTE_DATABASE_URL" not in os.environ:
        raise SystemExit("set AMTSBOTE_DATABASE_URL to the database kept by bench/million.py")
    os.environ.setdefault("AMTSBOTE_STAFF_SECOND_FACTOR_REQUIRED", "0")
    os.environ.setdefault("AMTSBOTE_DEBUG", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amtsbote.settings")
    import django

    django.setup()
    from django.test import Client

    from amtsbote.accounts.models import User
    from amtsbote.documents.selectors import inbox_documents, inbox_fingerprint

    result: dict[str, object] = {"benchmark": "million_inbox", "runs": args.runs}
    for name in ("ben", "lena"):
        user = User.objects.get(email=f"{name}@bench.example")
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        page = client.get("/desk/").content.decode()
        found = SHOWN.search(page)
        if found is None:
            raise SystemExit("the inbox page names no digest")
        shown = found.group(1)
        if client.get("/desk/inbox/items/", {"shown": shown}).status_code != 204:
            raise SystemExit("the unchanged poll did not answer 204")
        result[name] = {
            "shown": len(list(inbox_documents(user))),
            "selector": timed(lambda u=user: list(inbox_documents(u)), args.runs),
            "digest_query": timed(lambda u=user: inbox_fingerprint(u), args.runs),
            "page": timed(lambda c=client: c.get("/desk/"), args.runs),
            "poll_rendered": timed(
                lambda c=client: c.get("/desk/inbox/items/", HTTP_HX_REQUEST="true"), args.runs
            ),
            "poll_unchanged_204": timed(
                lambda c=client, s=shown: c.get(
                    "/desk/inbox/items/", {"shown": s}, HTTP_HX_REQUEST="true"
                ),
                args.runs,
            ),
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
