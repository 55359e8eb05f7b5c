"""Screenshots of the portal's core loop on a phone, per language, for docs/screenshots/.

A fresh demo deployment (bench/_harness.py: demo data, static files collected, granian on
loopback) and Debian's Chromium as a 390 px phone. Anna signs in, sees her to-do, opens the
document request, photographs (a demo page image) and sends, gets her receipt, and reads a
letter in her postbox. The virus scanner is switched off for this run only
(AMTSBOTE_ANTIVIRUS=off): the pictures show the pages, not the scan.

    uv run python scripts/screenshots.py [--languages de ar uk] [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

from _harness import CHROMIUM, CHROMIUM_ARGS, deployment  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

PASSWORD = os.environ.get("AMTSBOTE_DEMO_PASSWORD", "Amtsbote-Demo-2026")


def photo(path: Path) -> Path:
    """A demo document page as the phone's camera would deliver it."""
    from amtsbote.demo.pages import page_jpeg

    path.write_bytes(
        page_jpeg(["Mietvertrag", "zwischen Hausverwaltung Muster GmbH", "und Anna Schmidt"])
    )
    return path


def loop(page, base: str, language: str, out: Path, picture: Path) -> list[Path]:
    shots: list[Path] = []

    def shot(name: str) -> None:
        page.wait_for_load_state("load")
        path = out / f"{language}-{len(shots) + 1}-{name}.png"
        page.screenshot(path=str(path))
        shots.append(path)

    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", "anna@example.org")
    page.fill("input[name=password]", PASSWORD)
    shot("sign-in")
    page.click("[data-testid=login-submit]")
    page.wait_for_url("**/portal/**")
    shot("to-dos")
    page.locator("a[href*='/portal/requests/']").first.click()
    page.wait_for_url("**/portal/requests/**")
    shot("request")
    page.locator("input[type=file][data-pick=file]").first.set_input_files(str(picture))
    page.wait_for_timeout(800)  # the preview
    shot("photo-chosen")
    page.click("[data-testid=send]")
    page.wait_for_url("**/portal/receipts/**", timeout=60_000)
    shot("receipt")
    page.goto(base + "/portal/postbox/")
    shot("postbox")
    page.locator("[data-testid=postbox-letter] a").first.click()
    page.wait_for_url("**/portal/postbox/*/")
    shot("letter")
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", nargs="+", default=["de", "ar", "uk"])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ["AMTSBOTE_ANTIVIRUS"] = "off"
    with deployment(with_worker=False, demo=True) as (base, _env), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        picture = photo(args.out / ".photo.jpg")
        try:
            for language in args.languages:
                context = browser.new_context(
                    viewport={"width": 390, "height": 844},
                    device_scale_factor=1.5,
                    is_mobile=True,
                    has_touch=True,
                    service_workers="block",
                )
                page = context.new_page()
                for path in loop(page, base, language, args.out, picture):
                    print(path.relative_to(ROOT))
                context.close()
        finally:
            picture.unlink(missing_ok=True)
            browser.close()


if __name__ == "__main__":
    main()
