"""Upload → visible in the caseworker's inbox, on the embedded default.

Starts a fresh embedded deployment (SQLite, granian with 2 workers, the task worker running
OCR at lower priority), logs in a customer and a caseworker over HTTP, and 50 times uploads
two phone photos (as the portal's browser code sends them: JPEG, long edge 2000 px) for one
request item. For each upload it measures from the start of the upload request until the new
document shows in the caseworker's inbox partial (polled every 20 ms), and prints JSON.

    uv run python bench/upload_latency.py [--uploads 50]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from _harness import Browser, deployment, machine

PASSWORD = "Bench-Passwort-2026"


def phone_photo(seed: int) -> bytes:
    """A 1500×2000 JPEG of a text page with camera-like noise (≈ what the browser sends)."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    page = Image.new("L", (1500, 2000), 235)
    draw = ImageDraw.Draw(page)
    for row in range(40):
        y = 150 + row * 45
        x = 120
        while x < 1350:
            width = rng.randint(30, 140)
            draw.rectangle((x, y, x + width, y + 22), fill=rng.randint(20, 60))
            x += width + 18
    noise = Image.effect_noise((1500, 2000), 18).filter(ImageFilter.GaussianBlur(0.6))
    photo = Image.merge("RGB", [Image.blend(page, noise, 0.25)] * 3)
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=85)
    return out.getvalue()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def setup_data(uploads: int):
    import django

    django.setup()
    from amtsbote.accounts.constants import Role
    from amtsbote.accounts.models import User
    from amtsbote.cases.services import case_create, jobcenter_create, person_create
    from amtsbote.doc_requests.services import ItemSpec, doc_request_create

    jobcenter = jobcenter_create(
        name="Jobcenter Bench", slug="bench", state="NW", team_names=["Leistung"]
    )
    team = jobcenter.teams.get()
    ben = User.objects.create_user(
        "ben@bench.example", PASSWORD, role=Role.CASEWORKER, jobcenter=jobcenter
    )
    ben.teams.add(team)
    case = case_create(jobcenter=jobcenter, bg_number="96201BG0012345", teams=[team])
    anna = User.objects.create_user("anna@bench.example", PASSWORD)
    person = person_create(
        case=case, customer_number="955D123456", first_name="Anna", last_name="Schmidt"
    )
    person.user = anna
    person.save()
    requests = [
        doc_request_create(
            case=case, team=team, created_by=ben, items=[ItemSpec(label=f"Kontoauszug {n}")]
        )
        for n in range(uploads)
    ]
    return requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=50)
    args = parser.parse_args()
    photos = [phone_photo(seed) for seed in range(4)]
    with deployment(with_worker=True) as (base, env):
        os.environ.update(env)
        requests = setup_data(args.uploads)
        from django.db.models import Count
        from django.urls import reverse

        from amtsbote.documents.models import Document

        customer, caseworker = Browser(base), Browser(base)
        customer.login("anna@bench.example", PASSWORD)
        caseworker.login("ben@bench.example", PASSWORD)
        inbox = reverse("desk:inbox_items")
        visible, request_times = [], []
        for n, doc_request in enumerate(requests):
            item = doc_request.items.get()
            page = reverse("portal:request", args=[doc_request.uuid])
            customer.get(page)
            files = [
                (f"item-{item.uuid}", f"IMG_{n:04d}_{i}.jpg", photos[(n + i) % len(photos)])
                for i in range(2)
            ]
            started = time.perf_counter()
            status, url, _ = customer.post(page, {}, files)
            answered = time.perf_counter()
            if status != 200 or "/receipts/" not in url:
                raise RuntimeError(f"upload {n} failed: {status} {url}")
            document = Document.objects.filter(request_items=item).get()
            while str(document.uuid) not in caseworker.get(inbox):
                if time.perf_counter() - started > 30:
                    raise RuntimeError(f"document {n} never showed in the inbox")
                time.sleep(0.02)
            visible.append(time.perf_counter() - started)
            request_times.append(answered - started)
        from amtsbote.documents.models import DocumentVersion

        ocr = dict(
            DocumentVersion.objects.values_list("ocr_status").annotate(n=Count("id")).order_by()
        )
        result = {
            "benchmark": "upload_latency",
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "setup": "embedded default: SQLite WAL, granian 2 workers, db_worker (nice 10) doing OCR",
            "uploads": args.uploads,
            "photos_per_upload": 2,
            "photo_bytes_mean": int(statistics.mean(len(p) for p in photos)),
            "visible_in_inbox_s": {
                "p50": round(percentile(visible, 0.50), 3),
                "p95": round(percentile(visible, 0.95), 3),
                "max": round(max(visible), 3),
                "mean": round(statistics.mean(visible), 3),
            },
            "upload_request_s": {
                "p50": round(percentile(request_times, 0.50), 3),
                "p95": round(percentile(request_times, 0.95), 3),
            },
            "ocr_status_at_end": ocr,
            "target_p95_s": 1.0,
            "machine": machine(),
        }
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
