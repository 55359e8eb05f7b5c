"""The inbox against a database kept by ``bench/million.py --keep`` (issue 9): p50/p95/max.

    AMTSBOTE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/amtsbote_million \\
        uv run python bench/million_inbox.py [--runs 30]

For the caseworkers "ben" and "lena" of the generated landscape, after one warm-up call each,
``--runs`` times: the selector ``inbox_documents``, the digest query ``inbox_fingerprint``,
the inbox page (``GET /desk/``) and the list it polls (``GET /desk/inbox/items/``), without
a digest (rendered) and with the page's digest (204), through Django's test client as in
``bench/million.py``, whose summary it prints (JSON, milliseconds).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from million import REPEATS, summary, timed  # million.py adds src/ to the path too

SHOWN = re.compile(r"\?shown=([0-9a-f]+)")


def repeated(call: Callable[[], Any], runs: int) -> dict[str, float]:
    """``runs`` timings of ``call`` after one warm-up call, summed up as bench/million.py does."""
    call()
    return summary([timed(call)[0] for _ in range(runs)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=REPEATS)
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
            "selector": repeated(lambda u=user: list(inbox_documents(u)), args.runs),
            "digest_query": repeated(lambda u=user: inbox_fingerprint(u), args.runs),
            "page": repeated(lambda c=client: c.get("/desk/"), args.runs),
            "poll_rendered": repeated(
                lambda c=client: c.get("/desk/inbox/items/", HTTP_HX_REQUEST="true"), args.runs
            ),
            "poll_unchanged_204": repeated(
                lambda c=client, s=shown: c.get(
                    "/desk/inbox/items/", {"shown": s}, HTTP_HX_REQUEST="true"
                ),
                args.runs,
            ),
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
