"""Crash safety: uploads and a mailroom batch while web server and worker die by ``kill -9``.

    uv run python bench/fault.py [--uploads 200] [--clients 2] [--kill-every 3 10]
                                 [--database-url postgres://…/amtsbote_fault] [--seed 1]

A fresh embedded deployment (temp ``AMTSBOTE_VAR_DIR``; SQLite, or a PostgreSQL database
that is created for the run and dropped after) runs the processes ``scripts/run.sh``
starts: granian, ``manage.py worker`` (db_worker with heartbeat), ``manage.py consume``
and ``manage.py tasks_recover --every``; e-mail goes to an SMTP sink on loopback.

Customers log in through the real login form and send ``--uploads`` uploads (1–3 small
generated JPEG/PDF pages each) the way the portal's upload script does: the upload page
gives a fresh idempotency key, the send carries it, and on a connection error or a 5xx the
client sends again with the SAME key until the server acknowledges (answers with the
submission's reference). Meanwhile scan batches (PATCH-T separators, BG-Nummer letters,
one unknown sender) are dropped into ``var/consume/<jobcenter>/``, and a killer thread
SIGKILLs the web server's or the worker's whole process group every 3–10 s and restarts it.

Afterwards: killing stops, everything stops, ``recover_writes --older-than-minutes 0``
(when there; nothing writes any more) and ``tasks_recover --timeout 0`` run, worker and watcher start again and drain the queue (bounded), and
the checks run: every acknowledged upload is in the e-file exactly once with its files
(SHA-256 of every sent file = the stored original's), nothing stored that was not
acknowledged, every scan page in exactly one document or triage, no task left over,
``manage.py fsck`` and ``manage.py verify_audit`` exit 0. Prints JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import free_port, machine  # noqa: E402

PASSWORD = "Fault-Passwort-2026"
SLUG = "fault"
BG = "96201BG0012345"
KEY_FIELD = re.compile(r'name="client_key" value="([A-Za-z0-9_-]+)"')
WORKER_TIMEOUT = 10  # seconds without heartbeat before a worker's task is taken back
MANAGE = [sys.executable, str(ROOT / "manage.py")]


# --- the deployment -------------------------------------------------------------------------


class Deployment:
    """The processes of ``scripts/run.sh``, each in a process group of its own."""

    def __init__(self, env: dict[str, str], port: int, log_dir: Path) -> None:
        self.env, self.port, self.log_dir = env, port, log_dir
        self.base = f"http://127.0.0.1:{port}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.commands: dict[str, bool] = {}
        self.lock = threading.Lock()

    def command(self, name: str) -> tuple[list[str], Path | None]:
        if name == "web":
            return [
                sys.executable,
                "-m",
                "granian",
                "--interface",
                "wsgi",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                "2",
                "--blocking-threads",
                "4",
                "--no-access-log",
                "amtsbote.wsgi:application",
            ], ROOT / "src"
        if name == "worker":
            return [*MANAGE, "worker", "--interval", "0.5", "--heartbeat", "1", "--no-reload"], None
        if name == "consume":
            return [*MANAGE, "consume", "--interval", "1"], None
        if name == "recover":
            writes = ["--writes"] if self.has_command("recover_writes") else []
            every = ["--every", "2", "--timeout", str(WORKER_TIMEOUT)]
            return [*MANAGE, "tasks_recover", *every, *writes], None
        raise ValueError(name)

    def start(self, name: str) -> None:
        argv, cwd = self.command(name)
        with self.lock:
            log = (self.log_dir / f"{name}.log").open("ab")
            self.processes[name] = subprocess.Popen(
                argv,
                env=self.env,
                cwd=cwd or ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            log.close()

    def kill(self, name: str) -> None:
        with self.lock:
            process = self.processes[name]
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop(self, name: str, timeout: float = 30) -> None:
        """As run.sh stops: granian with SIGTERM, the others with SIGINT; SIGKILL if stuck."""
        with self.lock:
            process = self.processes.get(name)
            if process is None or process.poll() is not None:
                return
            process.send_signal(signal.SIGTERM if name == "web" else signal.SIGINT)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def manage(self, *args: str, check: bool = False) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*MANAGE, *args], env=self.env, cwd=ROOT, capture_output=True, text=True, check=check
        )

    def has_command(self, name: str) -> bool:
        if name not in self.commands:
            self.commands[name] = self.manage("help", name).returncode == 0
        return self.commands[name]

    def wait_healthy(self, timeout: float = 60) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("web server did not come up")
            time.sleep(0.2)


# --- data -----------------------------------------------------------------------------------


def seed(uploads: int) -> list[tuple[str, str]]:
    """A jobcenter, Anna's household (BG-Nummer BG) and one open request per upload."""
    from amtsbote.accounts.constants import Role
    from amtsbote.accounts.models import User
    from amtsbote.cases.services import case_create, jobcenter_create, person_create
    from amtsbote.doc_requests.services import ItemSpec, doc_request_create

    jobcenter = jobcenter_create(
        name="Jobcenter Fault", slug=SLUG, state="NW", team_names=["Leistung"]
    )
    team = jobcenter.teams.get()
    ben = User.objects.create_user(
        "ben@fault.example", PASSWORD, role=Role.CASEWORKER, jobcenter=jobcenter
    )
    ben.teams.add(team)
    case = case_create(jobcenter=jobcenter, bg_number=BG, teams=[team])
    anna = User.objects.create_user("anna@fault.example", PASSWORD)
    person = person_create(
        case=case, customer_number="955D123456", first_name="Anna", last_name="Schmidt"
    )
    person.user = anna
    person.save()
    targets = []
    for n in range(uploads):
        request = doc_request_create(
            case=case, team=team, created_by=ben, items=[ItemSpec(label=f"Kontoauszug {n}")]
        )
        targets.append((str(request.uuid), str(request.items.get().uuid)))
    return targets


def page_image(rng: random.Random, label: str):
    from PIL import Image, ImageDraw

    image = Image.new("L", (500, 700), 245)
    draw = ImageDraw.Draw(image)
    draw.text((40, 40), label, fill=0)
    for row in range(12):
        y = 100 + row * 40
        x = 40
        while x < 440:
            width = rng.randint(20, 90)
            draw.rectangle((x, y, x + width, y + 12), fill=rng.randint(10, 80))
            x += width + 12
    return image


def upload_files(n: int, rng: random.Random) -> list[tuple[str, bytes, str]]:
    """1–3 files, each unique (its own SHA-256): JPEG photos, sometimes a PDF."""
    files = []
    for i in range(rng.randint(1, 3)):
        image = page_image(rng, f"Upload {n} Seite {i + 1}")
        out = io.BytesIO()
        if rng.random() < 0.3:
            image.convert("RGB").save(out, "PDF", resolution=100)
            files.append((f"upload_{n}_{i}.pdf", out.getvalue(), "application/pdf"))
        else:
            image.convert("RGB").save(out, "JPEG", quality=80)
            files.append((f"IMG_{n:04d}_{i}.jpg", out.getvalue(), "image/jpeg"))
    return files


def scan_batches(count: int) -> list[tuple[str, bytes, int]]:
    """Scanner files: letters for the household, PATCH-T separators, one unknown sender."""
    from amtsbote.intake import sheets

    def letter(*lines: str):
        return sheets.text_page(list(lines), dpi=300)

    batches = []
    for b in range(count):
        sep = sheets.patch_t_page()
        pages = [
            letter("Kontoauszug", f"BG-Nummer {BG}", f"Stapel {b}"),
            letter("Seite 2", f"Stapel {b}"),
            sep,
            letter("Unbekannt", "12345BG7654321", f"Stapel {b}"),
            sep,
            letter("Meldebescheinigung", f"BG-Nummer {BG}", f"Stapel {b}"),
        ]
        batches.append((f"scan_{b}.pdf", sheets.image_pdf(pages, dpi=300), len(pages)))
    return batches


def expected_sha256(name: str, data: bytes) -> set[str]:
    """What the server stores for a sent file: the bytes as sent, or as the upload check
    cleans them (metadata removed) — computed by the same check, here."""
    from amtsbote.documents import processing

    expected = {hashlib.sha256(data).hexdigest()}
    # A file the check refuses is refused by the server too; the upload reports why.
    with contextlib.suppress(Exception):
        expected.add(processing.check_file(name, data).sha256)
    return expected


# --- the customer ---------------------------------------------------------------------------


@dataclass
class Upload:
    n: int
    key: str = ""
    files: list[tuple[str, str]] = field(default_factory=list)  # (name, sha256)
    attempts: int = 0
    first_attempt_at: float = 0.0
    last_attempt_at: float = 0.0
    stored_as: list[set[str]] = field(default_factory=list)  # SHA-256 the server may store
    reference: str = ""
    receipt: str = ""
    error: str = ""


class Customer:
    def __init__(self, base: str, email: str) -> None:
        import requests

        self.base, self.email = base, email
        self.session = requests.Session()
        self.requests = requests
        self.transient = 0  # GETs and logins that met a dead server

    def csrf(self) -> str:
        return self.session.cookies.get("csrftoken") or ""

    def _retrying(self, call, deadline: float):
        while True:
            try:
                response = call()
                if response.status_code < 500:
                    return response
            except self.requests.RequestException:
                pass
            self.transient += 1
            if time.monotonic() > deadline:
                raise RuntimeError("server unreachable for too long")
            time.sleep(0.3)

    def login(self) -> None:
        deadline = time.monotonic() + 120
        while True:
            self._retrying(lambda: self.session.get(self.base + "/accounts/login/"), deadline)
            response = self._retrying(
                lambda: self.session.post(
                    self.base + "/accounts/login/",
                    data={
                        "login": self.email,
                        "password": PASSWORD,
                        "csrfmiddlewaretoken": self.csrf(),
                    },
                    headers={"Referer": self.base + "/accounts/login/"},
                    timeout=30,
                ),
                deadline,
            )
            if "/accounts/login/" not in response.url:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"login failed for {self.email}")

    def send(self, upload: Upload, path: str, item: str, files, deadline_s: float) -> None:
        deadline = time.monotonic() + deadline_s
        page = self._retrying(lambda: self.session.get(self.base + path, timeout=30), deadline)
        match = KEY_FIELD.search(page.text)
        if not match:
            upload.error = f"no client_key on the upload page ({page.status_code} {page.url})"
            return
        upload.key = match.group(1)
        upload.files = [(name, hashlib.sha256(data).hexdigest()) for name, data, _t in files]
        upload.stored_as = [expected_sha256(name, data) for name, data, _t in files]
        upload.first_attempt_at = time.time()
        while True:
            upload.attempts += 1
            upload.last_attempt_at = time.time()
            try:
                response = self.session.post(
                    self.base + path,
                    data={"csrfmiddlewaretoken": self.csrf(), "client_key": upload.key},
                    files=[(f"item-{item}", (name, data, ctype)) for name, data, ctype in files],
                    headers={
                        "X-Requested-With": "fetch",
                        "Accept": "application/json",
                        "Referer": self.base + path,
                    },
                    timeout=60,
                )
            except self.requests.RequestException:
                response = None
            if response is not None and response.status_code < 500:
                try:
                    data = response.json()
                except ValueError:
                    data = {}
                if response.status_code == 200 and data.get("reference"):
                    upload.reference, upload.receipt = data["reference"], data["redirect"]
                    return
                upload.error = f"{response.status_code}: {str(data or response.text)[:200]}"
                return
            if time.monotonic() > deadline:
                upload.error = "never acknowledged"
                return
            time.sleep(0.3)


# --- the run --------------------------------------------------------------------------------


def drop_scans(consume_dir: Path, batches, index: int) -> None:
    name, data, _pages = batches[index]
    part = consume_dir / f".{name}.part"
    part.write_bytes(data)
    part.rename(consume_dir / name)


def pending_work() -> dict[str, int]:
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    from amtsbote.intake.models import ScanFile

    connections.close_all()
    waiting = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
    files = ScanFile.objects.filter(status__in=["pending", "processing"]).count()
    return {"tasks": waiting, "scan_files": files}


def check(uploads: list[Upload], scan_count: int, deployment: Deployment) -> dict:
    from django.db import connections
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from amtsbote.doc_requests.models import Submission
    from amtsbote.documents.constants import Source
    from amtsbote.documents.models import Document, DocumentVersion, OriginalFile
    from amtsbote.intake.models import IntakeDocument, ScanFile, ScanPage

    connections.close_all()
    acknowledged = [u for u in uploads if u.reference]
    by_reference = {s.reference: s for s in Submission.objects.all()}
    missing, wrong_files, lost_answers = [], [], 0
    for upload in acknowledged:
        submission = by_reference.get(upload.reference)
        if submission is None or submission.client_key != upload.key:
            missing.append(upload.n)
            continue
        documents = [item["document"] for item in submission.manifest["items"]]
        stored = list(
            OriginalFile.objects.filter(document__uuid__in=documents)
            .order_by("document_id", "position")
            .values_list("sha256", flat=True)
        )
        if len(stored) != len(upload.stored_as) or any(
            sha not in expected for sha, expected in zip(stored, upload.stored_as, strict=False)
        ):
            wrong_files.append(upload.n)
        if submission.created_at.timestamp() < upload.last_attempt_at and upload.attempts > 1:
            lost_answers += 1  # stored by an earlier attempt whose answer never arrived
    acked_refs = {u.reference for u in acknowledged}
    unacknowledged = sorted(r for r in by_reference if r not in acked_refs)
    per_key = Counter(
        Submission.objects.exclude(client_key="").values_list("client_key", flat=True)
    )
    sha_counts = Counter(
        OriginalFile.objects.filter(document__source=Source.PORTAL).values_list("sha256", flat=True)
    )
    portal_documents = Document.objects.filter(source=Source.PORTAL).count()
    expected_documents = sum(len(s.manifest["items"]) for s in by_reference.values())

    # Scans: every page once; every content page in exactly one document or triage.
    pages_ok, scan_pages, scan_docs = True, 0, Counter[str]()
    for scan_file in ScanFile.objects.all():
        pages = list(
            ScanPage.objects.filter(file=scan_file)
            .order_by("index")
            .values_list("index", "is_separator")
        )
        scan_pages += len(pages)
        docs = list(
            IntakeDocument.objects.filter(file=scan_file).values_list(
                "first_page", "last_page", "status"
            )
        )
        covered = sorted(i for first, last, _s in docs for i in range(first, last + 1))
        content = [i for i, separator in pages if not separator]
        if [i for i, _s in pages] != list(range(scan_file.page_count)) or covered != content:
            pages_ok = False
        scan_docs.update(status for _f, _l, status in docs)
    scan_files = dict(ScanFile.objects.values_list("status").annotate(n=Count("id")).order_by())

    tasks = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")).order_by())
    rerun = sum(
        1 for ids in DBTaskResult.objects.values_list("worker_ids", flat=True) if len(ids) > 1
    )
    left = list(
        DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).values_list(
            "task_path", "status", "queue_name", "run_after", "worker_ids"
        )
    )
    # Nothing lost: a version's OCR is done, or its task still waits in the queue.
    ocr_waiting = {
        args_kwargs["args"][0] if args_kwargs["args"] else args_kwargs["kwargs"].get("version_id")
        for args_kwargs in DBTaskResult.objects.filter(
            status="READY", task_path__endswith="document_version_ocr"
        ).values_list("args_kwargs", flat=True)
    }
    versions = list(DocumentVersion.objects.values_list("pk", "ocr_status"))
    ocr_done = sum(1 for _pk, status in versions if status == "done")
    ocr_lost = [pk for pk, status in versions if status != "done" and pk not in ocr_waiting]
    failed = list(
        DBTaskResult.objects.filter(status="FAILED").values_list(
            "task_path", "exception_class_path"
        )
    )
    connections.close_all()

    recover_writes: str | dict = "not available"
    fsck: str | dict = "not available"
    if deployment.has_command("recover_writes"):
        result = deployment.manage("recover_writes", "--older-than-minutes", "0")
        recover_writes = {"exit": result.returncode, "output": result.stdout.strip()[-300:]}
    if deployment.has_command("fsck"):
        result = deployment.manage("fsck", "--grace-seconds", "0")
        fsck = {"exit": result.returncode, "output": (result.stdout + result.stderr).strip()[-600:]}
    result = deployment.manage("verify_audit")
    audit = {"exit": result.returncode, "output": (result.stdout + result.stderr).strip()[-300:]}
    return {
        "acknowledged": len(acknowledged),
        "submissions_stored": len(by_reference),
        "missing": len(missing),
        "missing_uploads": missing[:20],
        "wrong_files": len(wrong_files),
        "duplicate_submissions_per_key": sum(n - 1 for n in per_key.values() if n > 1),
        "duplicate_files": sum(n - 1 for n in sha_counts.values() if n > 1),
        "stored_without_acknowledgement": unacknowledged[:20],
        "portal_documents": portal_documents,
        "portal_documents_expected": expected_documents,
        "answers_lost_but_stored_then_replayed": lost_answers,
        "scan_batches": scan_count,
        "scan_files": scan_files,
        "scan_pages": scan_pages,
        "scan_documents": dict(scan_docs),
        "every_scan_page_once": pages_ok,
        "tasks": tasks,
        "tasks_run_more_than_once": rerun,
        "tasks_failed": failed[:10],
        "tasks_left": Counter(f"{path} {status}" for path, status, *_rest in left),
        "ocr": {"versions": len(versions), "done": ocr_done, "queued": len(ocr_waiting)},
        "ocr_neither_done_nor_queued": ocr_lost[:20],
        "recover_writes": recover_writes,
        "fsck": fsck,
        "audit": audit,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--scan-batches", type=int, default=2)
    parser.add_argument("--kill-every", type=float, nargs=2, default=(3.0, 10.0))
    parser.add_argument("--drain-timeout", type=float, default=120)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true", help="keep the var dir (and database)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.monotonic()

    var = Path(tempfile.mkdtemp(prefix="amtsbote-fault-"))
    port = free_port()
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self) -> None:
            self.messages: list[bytes] = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope.content)
            return "250 Message accepted for delivery"

    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = {
        **{k: v for k, v in os.environ.items() if k != "AMTSBOTE_DATABASE_URL"},
        "AMTSBOTE_VAR_DIR": str(var),
        "AMTSBOTE_SITE_URL": f"http://127.0.0.1:{port}",
        "AMTSBOTE_DEBUG": "0",
        "AMTSBOTE_EMAIL_HOST": "127.0.0.1",
        "AMTSBOTE_EMAIL_PORT": str(smtp.port),
        "AMTSBOTE_TASKS_WORKER_TIMEOUT_SECONDS": str(WORKER_TIMEOUT),
        "DJANGO_SETTINGS_MODULE": "amtsbote.settings",
        "PYTHONPATH": str(ROOT / "src"),
        "OMP_THREAD_LIMIT": "1",
    }
    # Uploads are scanned for malware as in production: a clamd of our own (the test suite's
    # stand-in: its own socket and an EICAR-only signature database), else scanning is off.
    clamd = None
    try:
        from amtsbote.documents.tests import clamd_server

        clamd = clamd_server.start(var / "clamd")
        env["AMTSBOTE_CLAMD"] = clamd.address
        antivirus = "clamd (test signatures)"
    except Exception as exc:  # no clamd on this machine
        env["AMTSBOTE_ANTIVIRUS"] = "off"
        antivirus = f"off ({type(exc).__name__}: {str(exc)[:80]})"
    database = "sqlite"
    admin_url = ""
    if args.database_url:
        import psycopg

        database = "postgresql"
        env["AMTSBOTE_DATABASE_URL"] = args.database_url
        server, name = args.database_url.rsplit("/", 1)
        admin_url = f"{server}/postgres"
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # the SMTP sink's chatter
    from django.core.management import call_command
    from django.db import connections
    from django.urls import reverse

    logs = var / "logs"
    logs.mkdir()
    deployment = Deployment(env, port, logs)
    kills: Counter[str] = Counter()
    uploads: list[Upload] = []
    report: dict = {}
    try:
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        targets = seed(args.uploads)
        batches = scan_batches(args.scan_batches)
        connections.close_all()
        consume_dir = var / "consume" / SLUG
        consume_dir.mkdir(parents=True)
        setup_s = time.monotonic() - started

        for name in ("web", "worker", "consume", "recover"):
            deployment.start(name)
        deployment.wait_healthy()

        # The killer: every 3–10 s the web server or the worker dies and comes back.
        stop_killing = threading.Event()

        def killer() -> None:
            killer_rng = random.Random(args.seed + 1)
            while not stop_killing.wait(killer_rng.uniform(*args.kill_every)):
                target = killer_rng.choice(["web", "worker"])
                deployment.kill(target)
                kills[target] += 1
                deployment.start(target)

        killer_thread = threading.Thread(target=killer, daemon=True)
        uploads = [Upload(n) for n in range(args.uploads)]
        work = [
            (u, reverse("portal:request", args=[targets[u.n][0]]), targets[u.n][1]) for u in uploads
        ]
        files = {u.n: upload_files(u.n, rng) for u in uploads}
        next_index = iter(range(len(work)))
        index_lock = threading.Lock()
        customers = [Customer(deployment.base, "anna@fault.example") for _ in range(args.clients)]
        for customer in customers:
            customer.login()
        dropped = 0

        def client(customer: Customer) -> None:
            nonlocal dropped
            while True:
                with index_lock:
                    i = next(next_index, None)
                    # scan batches arrive spread over the run
                    due = dropped < len(batches) and i is not None
                    if due and (i or 0) >= dropped * len(work) // len(batches):
                        drop_scans(consume_dir, batches, dropped)
                        dropped += 1
                if i is None:
                    return
                upload, path, item = work[i]
                customer.send(upload, path, item, files[upload.n], deadline_s=180)

        uploads_started = time.monotonic()
        killer_thread.start()
        threads = [threading.Thread(target=client, args=(c,)) for c in customers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stop_killing.set()
        killer_thread.join()
        uploads_s = time.monotonic() - uploads_started

        # Clean restart: stop all, recover, run worker and watcher until the queue is empty.
        drain_started = time.monotonic()
        deployment.stop_all()
        recovery = {}
        if deployment.has_command("recover_writes"):
            result = deployment.manage("recover_writes", "--older-than-minutes", "0")
            recovery["recover_writes"] = result.stdout.strip()[-300:] or result.returncode
        else:
            recovery["recover_writes"] = "not available"
        # Every worker is stopped: whatever still counts as running was interrupted.
        result = deployment.manage("tasks_recover", "--timeout", "0")
        recovery["tasks_recover"] = result.stdout.strip() or "nothing to recover"
        for name in ("worker", "consume", "recover"):
            deployment.start(name)
        deadline = time.monotonic() + args.drain_timeout
        left = pending_work()
        while any(left.values()) and time.monotonic() < deadline:
            time.sleep(1)
            left = pending_work()
        deployment.stop_all()
        drain_s = time.monotonic() - drain_started

        check_started = time.monotonic()
        checks = check(uploads, len(batches), deployment)
        check_s = time.monotonic() - check_started
        emails = len(sink.messages)
        report = {
            "benchmark": "fault",
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": database,
            "antivirus": antivirus,
            "setup": "granian 2 workers, manage.py worker (heartbeat 1 s), consume, "
            f"tasks_recover --every 2 --timeout {WORKER_TIMEOUT}; SIGKILL of a whole process "
            f"group every {args.kill_every[0]:g}–{args.kill_every[1]:g} s",
            "uploads": args.uploads,
            "clients": args.clients,
            "files_sent": sum(len(u.files) for u in uploads),
            "retries": sum(max(u.attempts - 1, 0) for u in uploads),
            "uploads_retried": sum(1 for u in uploads if u.attempts > 1),
            "transient_get_errors": sum(c.transient for c in customers),
            "not_acknowledged": [(u.n, u.error) for u in uploads if not u.reference][:20],
            "kills": {"web": kills["web"], "worker": kills["worker"]},
            "recovery_after_run": recovery,
            "left_after_drain": left,
            "emails_received": emails,
            **checks,
            "duration_s": {
                "setup": round(setup_s, 1),
                "uploads": round(uploads_s, 1),
                "drain": round(drain_s, 1),
                "checks": round(check_s, 1),
                "total": round(time.monotonic() - started, 1),
            },
            "machine": machine(),
        }
        checks_ok = (
            not checks["missing"]
            and not checks["wrong_files"]
            and not checks["duplicate_submissions_per_key"]
            and not checks["duplicate_files"]
            and not checks["stored_without_acknowledgement"]
            and checks["every_scan_page_once"]
            # OCR of uploads is the long tail (an ocrmypdf run of seconds per document, at
            # the lowest priority): still queued after the bounded drain is fine, lost is not.
            and not left["scan_files"]
            and not checks["ocr_neither_done_nor_queued"]
            and all(k.endswith("document_version_ocr READY") for k in checks["tasks_left"])
            and (checks["fsck"] == "not available" or checks["fsck"]["exit"] == 0)
            and checks["audit"]["exit"] == 0
            and checks["acknowledged"] == args.uploads
        )
        report["passed"] = checks_ok
        print(json.dumps(report, indent=2, default=str))
    finally:
        for process in deployment.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        smtp.stop()
        if clamd is not None:
            clamd.stop()
        connections.close_all()
        if args.keep:
            print(f"kept {var}", file=sys.stderr)
        else:
            shutil.rmtree(var, ignore_errors=True)
            if admin_url:
                import psycopg

                with psycopg.connect(admin_url, autocommit=True) as connection:
                    name = args.database_url.rsplit("/", 1)[1]
                    connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    sys.exit(0 if report.get("passed") else 1)


if __name__ == "__main__":
    main()
