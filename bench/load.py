"""Mixed portal + desk load on PostgreSQL, and the ceiling of this machine (a bare Django view).

    uv run python bench/load.py [--users 100] [--seconds 120] [--warmup 10]
                                [--households 200] [--caseworkers 10]
                                [--database-url postgres://postgres@127.0.0.1:5432/amtsbote_load]

A fresh deployment: temporary ``AMTSBOTE_VAR_DIR``, a PostgreSQL database created for the run
and dropped after, migrated and seeded through the domain services (``--households``
households, each with one customer who has a portal account, one document, one letter in the
postbox, one answered message thread and one open document request; ``--caseworkers``
caseworkers of the team that works on all cases). Then the processes ``scripts/run.sh``
starts for serving: granian (WSGI, 2 workers, 4 blocking threads) and ``manage.py worker``,
with ``AMTSBOTE_DEBUG=0`` and JSON logs into files under the var dir.

Differences from production, on purpose: staff log in without a second factor
(``AMTSBOTE_STAFF_SECOND_FACTOR_REQUIRED=0``) and uploads are not part of the mix, so virus
scanning is off (``AMTSBOTE_ANTIVIRUS=off``); e-mail goes to the console backend (the
worker's log).

The load: an asyncio client (aiohttp) with ``--users`` virtual users in a closed loop
(think time 0, so it measures throughput). A tenth of them (at least one) are caseworkers,
the others customers. Before the clock starts, the first ``FORM_LOGINS`` log in through the
real login form (GET for the CSRF cookie, POST; the form allows 30 attempts a minute per IP),
the others get sessions made by the session engine; then each loops through a weighted mix:

- customers: portal home, postbox, one of their letters, messages, a thread, documents,
  their request page;
- caseworkers: desk inbox, inbox list (htmx partial, with the digest of the list it saw
  last, as the page's poll sends it: 204 while nothing changed), a case, a document, a
  search.

``--warmup`` seconds are run and discarded, then ``--seconds`` are measured. A request
counts as an error when it raises, times out (30 s) or answers other than 2xx/3xx, or
redirects to the login page (a lost session). Afterwards the same client with the same
number of users runs against ``bench/hello`` (one Django view, no database) served by the
same granian configuration: the ceiling. Prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(BENCH))

from _harness import free_port, machine  # noqa: E402

PASSWORD = "Load-Passwort-2026"
MANAGE = [sys.executable, str(ROOT / "manage.py")]
# As scripts/run.sh serves (--web-workers / --web-threads try others).
WEB_WORKERS, WEB_THREADS = 2, 4
# The login form throttles at 30 attempts a minute per IP address (ACCOUNT_RATE_LIMITS) and
# every virtual user comes from 127.0.0.1: this many log in through the form, the others get
# sessions made by the session engine.
FORM_LOGINS = 20
SESSION_COOKIE = "sessionid"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The inbox page and its list name the digest of the list in the poll's address.
SHOWN = re.compile(r'hx-get="[^"?]*/inbox/items/\?shown=([0-9a-f]+)"')
POLLED = ("desk_inbox", "inbox_items")

CUSTOMER_MIX = {  # page: weight
    "portal_home": 3,
    "postbox": 2,
    "letter": 2,
    "messages": 2,
    "thread": 1,
    "documents": 2,
    "request": 2,
}
CASEWORKER_MIX = {
    "desk_inbox": 2,
    "inbox_items": 3,
    "case": 2,
    "document": 2,
    "search": 1,
}


# --- data -----------------------------------------------------------------------------------


@dataclass
class Target:
    """One virtual user's login and the pages it may visit."""

    email: str
    staff: bool
    pages: dict[str, list[str]] = field(default_factory=dict)


def seed(households: int, caseworkers: int, letters_every: int) -> list[Target]:
    """Households and staff through the domain services; returns who visits what."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from amtsbote.accounts.constants import Role
    from amtsbote.accounts.models import User
    from amtsbote.cases.services import case_create, jobcenter_create, person_create
    from amtsbote.core.storage import StoredFiles
    from amtsbote.demo import data
    from amtsbote.demo.pages import page_jpeg
    from amtsbote.doc_requests.services import ItemSpec, doc_request_create
    from amtsbote.documents import processing
    from amtsbote.documents.constants import Source
    from amtsbote.documents.models import DocumentType
    from amtsbote.documents.services import document_create
    from amtsbote.messaging.services import thread_reply, thread_start, topic_defaults_ensure
    from amtsbote.postbox import rendering
    from amtsbote.postbox.constants import ConsentKind, LetterKind, LetterTemplate
    from amtsbote.postbox.services import LetterSpec, consent_record, letter_create

    rng = random.Random(9)
    password = make_password(PASSWORD)  # hashed once: slow on purpose
    types = DocumentType.objects.in_bulk(field_name="code")
    pages = {
        code: page_jpeg([title, *lines]) for code, title, lines in data.DOCUMENT_KINDS
    }  # one page per kind, reused: the cost of making JPEGs is not what is measured

    def user(email: str, first: str, last: str, **extra: object) -> User:
        created = User.objects.create(
            email=email, first_name=first, last_name=last, password=password, **extra
        )
        EmailAddress.objects.create(user=created, email=email, verified=True, primary=True)
        return created

    targets: list[Target] = []
    with transaction.atomic():
        jobcenter = jobcenter_create(
            name="Jobcenter Last", slug="last", state="NW", team_names=[data.TEAM_LEISTUNG]
        )
        team = jobcenter.teams.get()
        staff = []
        for n in range(caseworkers):
            member = user(
                f"sb{n}@jobcenter.example",
                "Sachbearbeitung",
                f"Nr. {n}",
                role=Role.CASEWORKER,
                jobcenter=jobcenter,
            )
            member.teams.add(team)
            staff.append(member)
        topic = next(t for t in topic_defaults_ensure(jobcenter=jobcenter))
    letter_pdf: bytes | None = None
    last_names: list[str] = []
    for index in range(households):
        with StoredFiles() as stored, transaction.atomic():
            family = data.FAMILIES[index % len(data.FAMILIES)]
            last, first = rng.choice(family[0]), rng.choice(family[1] + family[2])
            last_names.append(last)
            case = case_create(
                jobcenter=jobcenter,
                bg_number=f"{data.BG_PREFIX}{data.FIRST_BG_SERIAL + index * 1013:07d}",
                teams=[team],
            )
            person = person_create(
                case=case,
                customer_number=f"{data.CUSTOMER_PREFIX}{data.FIRST_CUSTOMER_SERIAL + index:06d}",
                first_name=first,
                last_name=last,
                birth_date=dt.date(1960 + index % 40, 1 + index % 12, 1 + index % 28),
                street=f"{rng.choice(data.STREETS)} {rng.randint(1, 120)}",
                postal_code=rng.choice(data.POSTAL_CODES),
                city=data.CITY,
            )
            customer = user(f"kunde{index}@example.org", first, last, role=Role.CUSTOMER)
            person.user = customer
            person.save(update_fields=["user", "updated_at"])
            for kind in (ConsentKind.PORTAL_USE, ConsentKind.E_BEKANNTGABE):
                consent_record(person=person, kind=kind, granted=True, recorded_by=customer)
            code, title, lines = data.DOCUMENT_KINDS[index % len(data.DOCUMENT_KINDS)]
            document = document_create(
                case=case,
                files=[processing.check_generated(f"{code}.jpg", pages[code])],
                title=title,
                source=Source.PORTAL,
                document_type=types.get(code),
                submitted_by=customer,
                received_at=timezone.now() - dt.timedelta(days=index % 30),
                stored=stored,
                text=f"{title} {first} {last} " + " ".join(lines),  # no OCR during the run
            )
            caseworker = staff[index % len(staff)]
            subject, paragraphs = data.LETTERS[0][1], data.LETTERS[0][2]
            letter = None
            # The worker OCRs every letter (3–4 s each, docs/benchmarks.md): it must be done
            # before the load starts, so only every --letters-every-th household gets one.
            if index % letters_every == 0 and letter_pdf is None:
                letter_pdf = rendering.render_letter(  # once: the same PDF for everyone
                    "generic",
                    rendering.letter_context(case, person, subject, paragraphs=paragraphs),
                )
            if letter_pdf is not None and index % letters_every == 0:
                letter = letter_create(
                    spec=LetterSpec(
                        case=case,
                        addressee=person,
                        kind=LetterKind.BESCHEID,
                        subject=subject,
                        pdf=letter_pdf,
                        template=LetterTemplate.GENERIC,
                    ),
                    created_by=caseworker,
                )
            message = thread_start(
                customer=customer,
                topic=topic,
                subject=data.MESSAGE["subject"],
                body=data.MESSAGE["question"],
            )
            thread_reply(thread=message.thread, author=caseworker, body=data.MESSAGE["answer"])
            code, label, note = data.REQUEST_ITEMS[index % len(data.REQUEST_ITEMS)]
            doc_request = doc_request_create(
                case=case,
                team=team,
                created_by=caseworker,
                items=[ItemSpec(document_type=types.get(code), label=label, note=note)],
                message="Guten Tag, wir brauchen noch folgende Unterlagen.",
            )
        targets.append(
            Target(
                customer.email,
                staff=False,
                pages={
                    "portal_home": [reverse("portal:home")],
                    "postbox": [reverse("portal:postbox")],
                    "letter": [reverse("portal:letter", args=[letter.uuid])] if letter else [],
                    "messages": [reverse("portal:messages")],
                    "thread": [reverse("portal:thread", args=[message.thread.uuid])],
                    "documents": [reverse("portal:documents")],
                    "request": [reverse("portal:request", args=[doc_request.uuid])],
                },
            )
        )
        targets[-1].pages["_case"] = [reverse("desk:case_detail", args=[case.uuid])]
        targets[-1].pages["_document"] = [reverse("desk:document_detail", args=[document.uuid])]
    cases = [p for t in targets for p in t.pages.pop("_case")]
    documents = [p for t in targets for p in t.pages.pop("_document")]
    search = reverse("desk:search")
    queries = [*sorted(set(last_names)), "Mietvertrag", "Kontoauszug", "Lohnabrechnung"]
    for member in staff:
        targets.append(
            Target(
                member.email,
                staff=True,
                pages={
                    "desk_inbox": [reverse("desk:inbox")],
                    "inbox_items": [reverse("desk:inbox_items")],
                    "case": cases,
                    "document": documents,
                    "search": [f"{search}?q={urllib.parse.quote(q)}" for q in queries],
                },
            )
        )
    return targets


# --- the processes --------------------------------------------------------------------------


def granian(
    app: str, port: int, cwd: Path, env: dict[str, str], log: Path, serving: tuple[int, int]
) -> subprocess.Popen:
    """granian serving ``app`` with ``serving`` = (processes, blocking threads each)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [
                *(sys.executable, "-m", "granian", "--interface", "wsgi"),
                *("--host", "127.0.0.1", "--port", str(port)),
                *("--workers", str(serving[0]), "--blocking-threads", str(serving[1])),
                *("--workers-kill-timeout", "10", "--no-access-log", app),
            ],
            env=env,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_healthy(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{base} did not come up") from None
            time.sleep(0.2)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """As run.sh stops: granian with SIGTERM, the worker with SIGINT; SIGKILL if stuck."""
    if process.poll() is not None:
        return
    if sig == signal.SIGKILL:
        os.killpg(process.pid, sig)
    else:
        process.send_signal(sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --- the load -------------------------------------------------------------------------------


@dataclass
class Record:
    page: str
    started: float
    seconds: float
    status: int  # 0: an exception


async def login(session, base: str, email: str) -> None:
    async with session.get(base + "/accounts/login/") as response:
        html = await response.text()
    match = CSRF_FIELD.search(html)
    if response.status != 200 or match is None:
        raise RuntimeError(f"login page: {response.status}")
    form = {"csrfmiddlewaretoken": match.group(1), "login": email, "password": PASSWORD}
    async with session.post(
        base + "/accounts/login/", data=form, headers={"Referer": base + "/accounts/login/"}
    ) as response:
        await response.read()
        if response.status != 200 or "/accounts/login" in str(response.url):
            raise RuntimeError(f"login failed for {email}: {response.status} {response.url}")


async def virtual_user(
    session, base: str, target: Target, mix: dict[str, int], until: float, records: list, seed
) -> None:
    rng = random.Random(seed)
    names = [page for page in mix if target.pages.get(page)]
    weights = [mix[page] for page in names]
    shown = ""  # the digest of the inbox list last seen, sent with the poll as htmx does
    while time.perf_counter() < until:
        page = rng.choices(names, weights)[0]
        url = base + rng.choice(target.pages[page])
        headers = {}
        if page == "inbox_items":
            headers = {"HX-Request": "true"}
            url += f"?shown={shown}" if shown else ""
        started = time.perf_counter()
        try:
            async with session.get(url, headers=headers, allow_redirects=False) as response:
                body = await response.read()
                status = response.status
                if page in POLLED and status == 200:
                    found = SHOWN.search(body.decode("utf-8", "replace"))
                    shown = found.group(1) if found else ""
                if 300 <= status < 400 and "/accounts/login" in response.headers.get(
                    "Location", ""
                ):
                    status = 401  # a lost session: an error, not a redirect
        except Exception:
            status = 0
        ended = time.perf_counter()
        if ended <= until:
            records.append(Record(page, started, ended - started, status))


def choose(targets: list[Target], users: int) -> list[Target]:
    """A tenth caseworkers (at least one, if any), the others customers."""
    staff = [t for t in targets if t.staff]
    customers = [t for t in targets if not t.staff]
    n_staff = min(len(staff), max(1, users // 10)) if staff else 0
    chosen = staff[:n_staff] + customers[: users - n_staff]
    if len(chosen) < users:
        raise SystemExit(f"only {len(chosen)} accounts for {users} users: seed more households")
    return chosen


def premade_sessions(targets: list[Target], base: str) -> dict[str, str]:
    """Session cookies made by the session engine (``Client.force_login``), for the users
    beyond what the login throttle lets through from one IP address."""
    from django.conf import settings
    from django.db import connections
    from django.test import Client

    from amtsbote.accounts.models import User

    host = base.removeprefix("http://")
    cookies = {}
    for target in targets:
        client = Client(HTTP_HOST=host)
        client.force_login(User.objects.get(email=target.email))
        cookies[target.email] = client.cookies[settings.SESSION_COOKIE_NAME].value
    connections.close_all()
    return cookies


async def drive(
    base: str,
    targets: list[Target],
    *,
    users: int,
    seconds: float,
    warmup: float,
    mixes: dict[bool, dict[str, int]],
    log_in: bool,
    premade: dict[str, str] | None = None,
) -> dict:
    import aiohttp
    from yarl import URL

    chosen = choose(targets, users)
    n_staff = sum(1 for t in chosen if t.staff)
    timeout = aiohttp.ClientTimeout(total=30)
    sessions = [
        aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=1),
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies from 127.0.0.1
            timeout=timeout,
        )
        for _ in chosen
    ]
    try:
        if log_in:
            gate = asyncio.Semaphore(8)  # password hashing is slow on purpose: not measured

            async def one(session, target):
                if premade and target.email in premade:
                    session.cookie_jar.update_cookies(
                        {SESSION_COOKIE: premade[target.email]}, response_url=URL(base)
                    )
                    return
                async with gate:
                    await login(session, base, target.email)

            await asyncio.gather(*(one(s, t) for s, t in zip(sessions, chosen, strict=True)))
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        start = time.perf_counter()
        measure_from, until = start + warmup, start + warmup + seconds
        records: list[Record] = []
        await asyncio.gather(
            *(
                virtual_user(s, base, t, mixes[t.staff], until, records, n)
                for n, (s, t) in enumerate(zip(sessions, chosen, strict=True))
            )
        )
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        for session in sessions:
            await session.close()
    measured = [r for r in records if r.started >= measure_from]
    client_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (
        cpu_before.ru_utime + cpu_before.ru_stime
    )
    return summarize(
        measured,
        users=users,
        seconds=seconds,
        staff=n_staff,
        client_cpu=client_cpu / (warmup + seconds),
    )


def drain(timeout: float) -> tuple[int, float]:
    """Wait until the worker has done the seed's tasks (letter OCR, e-mail); bounded."""
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    pending = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
    at_start, started = pending.count(), time.monotonic()
    while pending.exists():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"tasks left after {timeout:.0f} s: {pending.count()}")
        time.sleep(1)
    connections.close_all()
    return at_start, round(time.monotonic() - started, 1)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def latency(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(values, 0.50) * 1000, 1),
        "p95_ms": round(percentile(values, 0.95) * 1000, 1),
        "p99_ms": round(percentile(values, 0.99) * 1000, 1),
    }


def summarize(
    records: list[Record], *, users: int, seconds: float, staff: int, client_cpu: float
) -> dict:
    by_page: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        by_page[record.page].append(record)
    errors = [r for r in records if not 200 <= r.status < 400]
    statuses: dict[str, int] = defaultdict(int)
    codes: dict[str, int] = defaultdict(int)
    for record in records:
        codes[str(record.status)] += 1
    for record in errors:
        statuses[f"{record.page} {record.status or 'exception'}"] += 1
    return {
        "users": users,
        "caseworkers": staff,
        "seconds": seconds,
        "requests": len(records),
        "rps": round(len(records) / seconds, 1),
        **latency([r.seconds for r in records]),
        "errors": len(errors),
        "error_kinds": dict(statuses),
        "statuses": dict(sorted(codes.items())),
        "pages": {
            page: {
                "requests": len(rs),
                **latency([r.seconds for r in rs]),
                "errors": sum(1 for r in rs if not 200 <= r.status < 400),
            }
            for page, rs in sorted(by_page.items())
        },
        "client_cpu_cores": round(client_cpu, 2),
    }


# --- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--households", type=int, default=200)
    parser.add_argument("--caseworkers", type=int, default=10)
    parser.add_argument("--letters-every", type=int, default=4, help="a letter every N households")
    parser.add_argument("--drain-timeout", type=float, default=900)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/amtsbote_load"
    )
    parser.add_argument(
        "--settings",
        default="amtsbote.settings",
        help="settings module of the web processes and the worker (to try a change)",
    )
    parser.add_argument("--no-ceiling", action="store_true", help="skip the hello ceiling run")
    parser.add_argument("--web-workers", type=int, default=WEB_WORKERS, help="granian processes")
    parser.add_argument(
        "--web-threads", type=int, default=WEB_THREADS, help="granian blocking threads each"
    )
    parser.add_argument("--keep", action="store_true", help="keep the var dir and database")
    args = parser.parse_args()
    started = time.monotonic()

    var = Path(tempfile.mkdtemp(prefix="amtsbote-load-"))
    logs = var / "logs"
    logs.mkdir()
    port = free_port()
    env = {
        **os.environ,
        "AMTSBOTE_VAR_DIR": str(var),
        "AMTSBOTE_SITE_URL": f"http://127.0.0.1:{port}",
        "AMTSBOTE_DATABASE_URL": args.database_url,
        "AMTSBOTE_DEBUG": "0",
        "AMTSBOTE_LOG_FORMAT": "json",
        "AMTSBOTE_ANTIVIRUS": "off",  # no uploads in the mix
        "AMTSBOTE_STAFF_SECOND_FACTOR_REQUIRED": "0",
        "AMTSBOTE_EMAIL_HOST": "",
        "DJANGO_SETTINGS_MODULE": args.settings,
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
        "OMP_THREAD_LIMIT": "1",
    }
    import psycopg

    server, name = args.database_url.rsplit("/", 1)
    admin_url = f"{server}/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    os.environ.clear()
    os.environ.update(env)
    processes: list[subprocess.Popen] = []
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        targets = seed(args.households, args.caseworkers, args.letters_every)
        connections.close_all()
        setup_s = time.monotonic() - started

        base = f"http://127.0.0.1:{port}"
        serving = (args.web_workers, args.web_threads)
        web = granian(
            "amtsbote.wsgi:application", port, ROOT / "src", env, logs / "web.log", serving
        )
        processes.append(web)
        with (logs / "worker.log").open("ab") as out:
            processes.append(
                subprocess.Popen(
                    [*MANAGE, "worker", "--interval", "1"],
                    env=env,
                    cwd=ROOT,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        wait_healthy(base, web)
        tasks_at_start, drain_s = drain(args.drain_timeout)
        mixes = {False: CUSTOMER_MIX, True: CASEWORKER_MIX}
        premade = premade_sessions(choose(targets, args.users)[FORM_LOGINS:], base)
        amtsbote = asyncio.run(
            drive(
                base,
                targets,
                premade=premade,
                users=args.users,
                seconds=args.seconds,
                warmup=args.warmup,
                mixes=mixes,
                log_in=True,
            )
        )
        for process in processes:
            stop(process, signal.SIGTERM if process is web else signal.SIGINT)
        ceiling = None
        if not args.no_ceiling:
            hello_port = free_port()
            hello_base = f"http://127.0.0.1:{hello_port}"
            hello_env = {
                **{k: v for k, v in env.items() if not k.startswith("AMTSBOTE_")},
                "DJANGO_SETTINGS_MODULE": "hello.settings",
                "PYTHONPATH": str(BENCH),
            }
            hello = granian(
                "hello.wsgi:application", hello_port, BENCH, hello_env, logs / "hello.log", serving
            )
            processes.append(hello)
            wait_healthy(hello_base, hello)
            hello_targets = [
                Target(f"u{n}", staff=False, pages={"hello": ["/"]}) for n in range(args.users)
            ]
            ceiling = asyncio.run(
                drive(
                    hello_base,
                    hello_targets,
                    users=args.users,
                    seconds=args.seconds,
                    warmup=args.warmup,
                    mixes={False: {"hello": 1}, True: {"hello": 1}},
                    log_in=False,
                )
            )
            stop(hello)
        log_errors = 0
        for log in ("web.log", "worker.log"):
            for line in (logs / log).read_text(errors="replace").splitlines():
                if '"level": "error"' in line.lower() or '"levelname": "error"' in line.lower():
                    log_errors += 1
        report = {
            "benchmark": "load",
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "setup": (
                f"PostgreSQL, granian {args.web_workers} workers × {args.web_threads} blocking "
                "threads, "
                "manage.py worker; DEBUG off, JSON logs to files, staff without second factor, "
                "antivirus off (no uploads in the mix); aiohttp closed loop, think time 0, "
                f"{FORM_LOGINS} users log in through the form, the others get sessions made "
                "by the session engine (login throttle: 30/min per IP)"
            ),
            "settings": args.settings,
            "households": args.households,
            "letters": len(range(0, args.households, args.letters_every)),
            "setup_s": round(setup_s, 1),
            "tasks_drained_before_load": {"tasks": tasks_at_start, "seconds": drain_s},
            "amtsbote": amtsbote,
            "ceiling": ceiling,
            "ratio": round(amtsbote["rps"] / ceiling["rps"], 3) if ceiling else None,
            "target_ratio": 0.30,
            "error_lines_in_logs": log_errors,
            "machine": machine(),
        }
        print(json.dumps(report, indent=2))
    finally:
        for process in processes:
            stop(process, signal.SIGKILL)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 (django may not be set up)
            pass
        if args.keep:
            print(f"kept {var} and {args.database_url}", file=sys.stderr)
        else:
            shutil.rmtree(var, ignore_errors=True)
            with psycopg.connect(admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
