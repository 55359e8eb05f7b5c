"""Bytes a phone loads per portal page, first visit and repeat visit (issue 8). Prints JSON.

A deployment as ``make run`` prepares it (demo data, static files collected: hashed names,
gzip/brotli), granian on loopback, Debian's Chromium as a 360 px phone. The demo customer
signs in; the bench then walks the portal: every page linked from the pages it has seen
(under /portal/, HTML only; no downloads, no sign-out) plus the sign-in page itself.

For each page:
- first visit: browser cache emptied, page loaded; bytes on the wire (compressed bodies plus
  headers, Chromium's ``encodedDataLength``) summed by resource type;
- repeat visit: the same page loaded again with the cache from the first visit.

The service worker is blocked: with it, pages come through the worker and the page's own
network log no longer shows their bytes.

The budget (≤ 150 KB first visit, ≤ 30 KB repeat) counts everything but images and fonts;
those are reported beside it.

    uv run python bench/page_weight.py [--pages N] [--language de]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.parse
from collections import defaultdict

from _harness import CHROMIUM, CHROMIUM_ARGS, deployment, machine
from playwright.sync_api import sync_playwright

FIRST_BUDGET = 150 * 1024
REPEAT_BUDGET = 30 * 1024
MEDIA = {"Image", "Font", "Media"}
SKIP = ("/file/", "/pdf/", "/thumbnail/", "/paper/", "/sw.js", "manifest.webmanifest")


class Meter:
    """Bytes per resource type, from the DevTools protocol's network events."""

    def __init__(self, page) -> None:
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.types: dict[str, str] = {}
        self.bytes: dict[str, int] = defaultdict(int)
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event) -> None:
        self.types[event["requestId"]] = event.get("type", "Other")

    def _finished(self, event) -> None:
        kind = self.types.get(event["requestId"], "Other")
        self.bytes[kind] += int(event.get("encodedDataLength", 0))

    def reset(self) -> None:
        self.types.clear()
        self.bytes = defaultdict(int)

    def clear_cache(self) -> None:
        self.cdp.send("Network.clearBrowserCache")

    def summary(self) -> dict:
        budgeted = sum(v for k, v in self.bytes.items() if k not in MEDIA)
        return {
            "bytes": budgeted,
            "images_fonts_bytes": sum(v for k, v in self.bytes.items() if k in MEDIA),
            "by_type": dict(sorted(self.bytes.items())),
        }


def visit(page, meter: Meter, url: str, *, first: bool) -> dict:
    if first:
        meter.clear_cache()
    meter.reset()
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)  # late requests (htmx polling starts after load)
    return meter.summary()


def links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    found = []
    for href in hrefs:
        parts = urllib.parse.urlsplit(href)
        if parts.netloc != urllib.parse.urlsplit(base).netloc:
            continue
        if not parts.path.startswith("/portal/") or any(s in parts.path for s in SKIP):
            continue
        found.append(parts.path)  # one visit per page, whatever the query
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=40, help="at most this many portal pages")
    parser.add_argument("--language", default="de")
    args = parser.parse_args()

    results = []
    started = time.monotonic()
    with deployment(with_worker=False, demo=True) as (base, _env), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            base_url=base,
            viewport={"width": 360, "height": 740},
            is_mobile=True,
            has_touch=True,
            locale="de-DE",
            # Bytes over the network as a browser without the app's service worker loads
            # them; the worker's own precache on installation is not in these figures.
            service_workers="block",
        )
        context.add_cookies([{"name": "django_language", "value": args.language, "url": base}])
        page = context.new_page()
        meter = Meter(page)

        login = {
            "url": "/accounts/login/",
            "first": visit(page, meter, base + "/accounts/login/", first=True),
        }
        login["repeat"] = visit(page, meter, base + "/accounts/login/", first=False)
        results.append(login)
        page.fill("input[name=login]", "anna@example.org")
        page.fill(
            "input[name=password]", os.environ.get("AMTSBOTE_DEMO_PASSWORD", "Amtsbote-Demo-2026")
        )
        page.click("button[type=submit]")
        page.wait_for_url("**/portal/**")

        queue, seen = ["/portal/"], set()
        while queue and len(seen) < args.pages:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            first = visit(page, meter, base + path, first=True)
            queue += [link for link in links(page, base) if link not in seen]
            repeat = visit(page, meter, base + path, first=False)
            results.append({"url": path, "first": first, "repeat": repeat})
        browser.close()

    worst_first = max(r["first"]["bytes"] for r in results)
    worst_repeat = max(r["repeat"]["bytes"] for r in results)
    print(
        json.dumps(
            {
                "benchmark": "page_weight",
                "machine": machine(),
                "language": args.language,
                "viewport": "360x740, mobile",
                "pages": len(results),
                "seconds": round(time.monotonic() - started, 1),
                "budget": {"first_bytes": FIRST_BUDGET, "repeat_bytes": REPEAT_BUDGET},
                "worst_first_bytes": worst_first,
                "worst_repeat_bytes": worst_repeat,
                "within_budget": worst_first <= FIRST_BUDGET and worst_repeat <= REPEAT_BUDGET,
                "per_page": results,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
