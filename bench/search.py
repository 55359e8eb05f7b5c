"""Full-text search over 10,000 documents: query time on PostgreSQL and on SQLite.

Creates a jobcenter with 2,000 households and 10,000 documents whose recognised text reads
like OCR of German letters (Mietvertrag, Kontoauszug, Lohnabrechnung … with names, amounts,
IBANs and a few OCR slips). Documents and versions are bulk-inserted without PDFs, through
the same database triggers that index every document the services file. Then 50 varied
queries (single words, several words, phrases, or, exclusion, filters, one household) run
through ``search_documents`` as a caseworker who may see two thirds of the households; each
is timed (after one warm-up round) for the first page of results and for a later page
(``--later-page``, default 5; a search with fewer pages gives its last), including the rights
check, the bounded count, highlights, loading the documents and the audit record. Prints
JSON; the target is p95 < 200 ms on PostgreSQL.

    uv run python bench/search.py [--documents 10000] [--later-page 5] [--skip-sqlite]

PostgreSQL: AMTSBOTE_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/amtsbote_bench);
the database is created and dropped by the benchmark. SQLite: a temporary file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from _harness import machine

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/amtsbote_bench"
SEED = 20260

FIRST = [
    "Anna",
    "Paul",
    "Ayşe",
    "Mehmet",
    "Olga",
    "Jürgen",
    "Fatima",
    "Lukas",
    "Marie",
    "Sven",
    "Petra",
    "Jonas",
    "Zeynep",
    "Uwe",
    "Katrin",
    "Dmitri",
    "Lea",
    "Ali",
    "Sabine",
    "Tobias",
]
LAST = [
    "Schmidt",
    "Müller",
    "Yılmaz",
    "Schulze",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Kowalski",
    "Nowak",
    "Krüger",
    "Weiß",
    "Öztürk",
    "Fischer",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Hartmann",
    "Lange",
]
STREETS = [
    "Hauptstraße",
    "Bahnhofstraße",
    "Gartenweg",
    "Lindenallee",
    "Schulstraße",
    "Am Markt",
    "Kirchplatz",
    "Bergstraße",
    "Mühlenweg",
    "Rosenstraße",
]
CITIES = ["Musterstadt", "Neustadt", "Altdorf", "Bergheim", "Waldkirchen"]
BANKS = ["Sparkasse Musterstadt", "Volksbank Neustadt", "Commerzbank", "Postbank", "ING"]
EMPLOYERS = [
    "Bäckerei Korn GmbH",
    "Logistik Nord GmbH",
    "Pflegedienst Sonnenschein",
    "Reinigung Blitz & Blank",
    "Autohaus Meyer KG",
]
FILLER = (  # noqa: SIM905
    "hiermit bestätigen wir Ihnen den Eingang Ihres Schreibens vom und teilen Ihnen mit dass "
    "die Unterlagen vollständig vorliegen bitte beachten Sie die beigefügten Hinweise sowie "
    "die Fristen für Rückfragen stehen wir Ihnen gerne zur Verfügung mit freundlichen Grüßen "
    "Anlage Seite von Bearbeitung Aktenzeichen Datum Unterschrift Betrag Zeitraum monatlich "
    "insgesamt gemäß Vereinbarung Zahlung Konto Überweisung Nachweis Bescheinigung"
).split()

TEMPLATES = {
    "mietvertrag": (
        "Mietvertrag über Wohnraum",
        "Zwischen {landlord} (Vermieter) und {name} (Mieter) wird folgender Mietvertrag "
        "geschlossen. § 1 Mietsache: Wohnung im {floor}. Obergeschoss, {street}, {postcode} "
        "{city}, {rooms} Zimmer, Küche, Bad, Wohnfläche {area} m². § 2 Mietzeit: Das "
        "Mietverhältnis beginnt am {date}. § 3 Miete: Die Kaltmiete beträgt {rent} Euro, "
        "die Vorauszahlung auf die Betriebskosten {costs} Euro und auf die Heizkosten {heat} "
        "Euro monatlich. § 4 Kaution: drei Monatsmieten.",
    ),
    "kontoauszug": (
        "Kontoauszug",
        "{bank} Kontoauszug Nr. {number} vom {date} IBAN {iban} Kontoinhaber {name} "
        "Alter Kontostand {balance} EUR. Gutschrift Jobcenter Musterstadt Bürgergeld "
        "{amount} EUR. Lastschrift Stadtwerke Strom Abschlag {power} EUR. Dauerauftrag Miete "
        "{rent} EUR an {landlord}. Kartenzahlung REWE {small} EUR. Neuer Kontostand {balance2} "
        "EUR.",
    ),
    "lohnabrechnung": (
        "Lohnabrechnung",
        "Abrechnung der Brutto/Netto-Bezüge für {month} Arbeitgeber {employer} Arbeitnehmer "
        "{name} Personalnummer {number} Steuerklasse {taxclass} Bruttolohn {gross} EUR "
        "Lohnsteuer {tax} EUR Solidaritätszuschlag 0,00 EUR Krankenversicherung {health} EUR "
        "Rentenversicherung {pension} EUR Arbeitslosenversicherung {unemployment} EUR "
        "Nettolohn {net} EUR Auszahlung auf IBAN {iban}.",
    ),
    "nebenkostenabrechnung": (
        "Betriebskostenabrechnung {year}",
        "Betriebskostenabrechnung für den Zeitraum 01.01.{year} bis 31.12.{year} Mieter {name} "
        "{street}, {postcode} {city}. Grundsteuer {small} EUR, Wasser und Abwasser {costs} EUR, "
        "Müllabfuhr {small2} EUR, Hausreinigung {small} EUR, Gartenpflege {small2} EUR, "
        "Hausstrom {small} EUR. Summe {amount} EUR, Vorauszahlungen {amount2} EUR, "
        "Nachzahlung {diff} EUR fällig bis {date}.",
    ),
    "heizkostenabrechnung": (
        "Heizkostenabrechnung",
        "Heizkostenabrechnung {year} Liegenschaft {street} Nutzer {name} Brennstoffkosten "
        "Erdgas {amount} EUR Verbrauch {area} Einheiten Grundkosten 30 % Verbrauchskosten "
        "70 % Warmwasser {small} EUR Ihr Anteil {amount2} EUR Guthaben {diff} EUR.",
    ),
    "kindergeldbescheid": (
        "Bescheid über Kindergeld",
        "Familienkasse Bescheid Kindergeldnummer {number} Sehr geehrte(r) {name}, für Ihr "
        "Kind {child} geboren am {birth} wird Kindergeld in Höhe von 255,00 Euro monatlich ab "
        "{month} festgesetzt. Rechtsbehelfsbelehrung: Gegen diesen Bescheid kann innerhalb "
        "eines Monats Einspruch eingelegt werden.",
    ),
    "au_bescheinigung": (
        "Arbeitsunfähigkeitsbescheinigung",
        "Arbeitsunfähigkeitsbescheinigung Erstbescheinigung Versicherter {name} geb. {birth} "
        "Krankenkasse AOK arbeitsunfähig seit {date} voraussichtlich arbeitsunfähig bis "
        "einschließlich {date2} festgestellt am {date} Arztpraxis Dr. med. {doctor}.",
    ),
    "sonstiges": (
        "Schreiben",
        "Sehr geehrte Damen und Herren, {name} {street} {postcode} {city} BG-Nummer {bg} "
        "hiermit teile ich Ihnen mit, dass sich meine Kündigung des Arbeitsverhältnisses bei "
        "{employer} zum {date} ergeben hat. Anbei die Kündigung und die Bescheinigung. "
        "Mit freundlichen Grüßen {name}",
    ),
}
OCR_SLIPS = {"l": "1", "O": "0", "e": "c", "rn": "m", "ä": "a", "ü": "u"}


def money(rng: random.Random, low: int, high: int) -> str:
    return f"{rng.uniform(low, high):,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def ocr_text(rng: random.Random, code: str, person: str, bg: str) -> tuple[str, str]:
    title, body = TEMPLATES[code]
    values = {
        "name": person,
        "landlord": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "child": rng.choice(FIRST),
        "doctor": rng.choice(LAST),
        "employer": rng.choice(EMPLOYERS),
        "bank": rng.choice(BANKS),
        "street": f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
        "postcode": f"{rng.randint(10000, 99999)}",
        "city": rng.choice(CITIES),
        "floor": rng.randint(1, 5),
        "rooms": rng.randint(1, 5),
        "area": rng.randint(25, 110),
        "date": f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(2019, 2026)}",
        "date2": f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2026",
        "birth": f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1950, 2020)}",
        "month": rng.choice(["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli"]),
        "year": rng.randint(2020, 2025),
        "number": rng.randint(100000, 999999),
        "taxclass": rng.randint(1, 6),
        "iban": f"DE{rng.randint(10, 99)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)} "
        f"{rng.randint(1000, 9999)} {rng.randint(1000, 9999)} {rng.randint(10, 99)}",
        "bg": bg,
        **{
            key: money(rng, low, high)
            for key, (low, high) in {
                "rent": (300, 900),
                "costs": (60, 250),
                "heat": (40, 160),
                "balance": (-500, 2000),
                "balance2": (-500, 2000),
                "amount": (300, 1600),
                "amount2": (300, 1600),
                "power": (30, 120),
                "small": (5, 80),
                "small2": (5, 80),
                "diff": (5, 400),
                "gross": (600, 3500),
                "net": (500, 2500),
                "tax": (0, 400),
                "health": (40, 300),
                "pension": (50, 350),
                "unemployment": (5, 50),
            }.items()
        },
    }
    words = (
        body.format(**values) + " " + " ".join(rng.choices(FILLER, k=rng.randint(100, 900)))
    ).split()
    for i in rng.sample(range(len(words)), k=len(words) // 40):  # OCR slips in 2.5 % of words
        for wrong, right in OCR_SLIPS.items():
            if wrong in words[i]:
                words[i] = words[i].replace(wrong, right, 1)
                break
    return title.format(**values), " ".join(words)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def queries(rng: random.Random) -> list[tuple[str, str, dict[str, Any]]]:
    """50 (kind, query, filters) as staff type them."""
    found: list[tuple[str, str, dict[str, Any]]] = []
    for word in [
        "Mietvertrag",
        "Kontoauszug",
        "Kaltmiete",
        "Heizkosten",
        "Kündigung",
        "Kindergeld",
        "Lohnsteuer",
        "Nachzahlung",
        "Arbeitsunfähigkeitsbescheinigung",
        "Betriebskosten",
    ]:
        found.append(("common word", word, {}))
    for word in ["Mietverträge", "Kontoauszüge", "Lohnabrechnungen", "Gutschriften", "Kautionen"]:
        found.append(("word form", word, {}))
    for name in rng.sample(LAST, 5):
        found.append(("name", name, {}))
    for words in [
        "Sparkasse Bürgergeld",
        "Stadtwerke Strom Abschlag",
        "Müllabfuhr Hausreinigung",
        "Familienkasse Einspruch",
        "Bäckerei Korn Nettolohn",
    ]:
        found.append(("several words", words, {}))
    for phrase in [
        '"Sparkasse Musterstadt"',
        '"Logistik Nord"',
        '"Dr. med. Wolf"',
        '"Brennstoffkosten Erdgas"',
        '"Kaltmiete beträgt"',
    ]:
        found.append(("phrase", phrase, {}))
    for query in [
        "Kindergeld or Rentenbescheid",
        "Mietvertrag -Kaution",
        "Heizung or Erdgas",
        "Kündigung -Mietvertrag",
        "Strom or Gas or Wasser",
    ]:
        found.append(("or / exclusion", query, {}))
    filtered: list[tuple[str, dict[str, Any]]] = [
        ("Gutschrift", {"document_type": "kontoauszug"}),
        ("Miete", {"register_code": "unterkunft"}),
        ("Bescheinigung", {"source": "scan"}),
        ("Zahlung", {"received_from": dt.date(2025, 1, 1), "received_to": dt.date(2025, 6, 30)}),
        ("Nachweis", {"register_code": "einkommen", "source": "portal"}),
        ("IBAN", {"document_type": "lohnabrechnung", "received_from": dt.date(2025, 6, 1)}),
        ("Grüßen", {}),
        ("Anlage Seite", {}),
        ("Überweisung", {"register_code": "vermoegen"}),
        ("Unterschrift", {"source": "portal"}),
    ]
    for query, filters in filtered:
        found.append(("filters", query, filters))
    for word in ["Miete", "Kontostand", "Bescheid", "Wohnung", "Kündigung"]:
        found.append(("one household", word, {"case": True}))
    assert len(found) == 50
    return found


def run(documents: int, later_page: int) -> dict:
    """Inside a process whose settings point at the benchmark database."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from amtsbote.accounts.constants import Role
    from amtsbote.accounts.models import User
    from amtsbote.cases.models import Case, Person
    from amtsbote.cases.services import jobcenter_create
    from amtsbote.documents.constants import OcrStatus, Source
    from amtsbote.documents.models import Document, DocumentType, DocumentVersion
    from amtsbote.documents.search import COUNT_CAP, PER_PAGE, SearchPage, search_documents

    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    jobcenter = jobcenter_create(
        name="Jobcenter Bench",
        slug="bench",
        state="NW",
        team_names=["Leistung A", "Leistung B", "Markt"],
    )
    teams = list(jobcenter.teams.order_by("name"))
    ben = User.objects.create_user(
        "ben@bench.example", "x", role=Role.CASEWORKER, jobcenter=jobcenter
    )
    ben.teams.set(teams[:2])
    households = max(documents // 5, 1)
    cases = Case.objects.bulk_create(
        Case(jobcenter=jobcenter, bg_number=f"96201BG{n:07d}") for n in range(households)
    )
    Case.teams.through.objects.bulk_create(
        Case.teams.through(case_id=case.pk, team_id=teams[n % 3].pk) for n, case in enumerate(cases)
    )
    people = Person.objects.bulk_create(
        Person(
            case=case,
            customer_number=f"955D{n:06d}",
            first_name=rng.choice(FIRST),
            last_name=rng.choice(LAST),
        )
        for n, case in enumerate(cases)
    )
    types = {t.code: t for t in DocumentType.objects.filter(code__in=TEMPLATES)}
    registers = {r.code: r for r in jobcenter.registers.all()}
    now = timezone.now()
    rows = []
    for n in range(documents):
        case, person = cases[n % households], people[n % households]
        code = rng.choice(list(TEMPLATES))
        title, text = ocr_text(rng, code, person.full_name, case.bg_number)
        rows.append((case, types[code], title, text, now - dt.timedelta(days=rng.randint(0, 900))))
    started = time.perf_counter()
    created = Document.objects.bulk_create(
        (
            Document(
                case=case,
                register=registers[document_type.default_register_code],
                document_type=document_type,
                title=title,
                source=rng.choice([Source.SCAN, Source.PORTAL, Source.STAFF]),
                received_at=received,
            )
            for case, document_type, title, _text, received in rows
        ),
        batch_size=500,
    )
    DocumentVersion.objects.bulk_create(
        (
            DocumentVersion(
                document=document,
                number=1,
                file=f"documents/{document.uuid}.pdf",
                sha256="0" * 64,
                size=1,
                pages=1 + len(text) // 2500,
                text=text,
                ocr_status=OcrStatus.DONE,
            )
            for document, (_c, _t, _title, text, _r) in zip(created, rows, strict=True)
        ),
        batch_size=500,
    )
    load_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    text_chars = sum(len(row[3]) for row in rows)

    plan = queries(rng)
    visible_case = next(c for n, c in enumerate(cases) if n % 3 != 2)

    def one(query: str, filters: dict, page: int) -> tuple[float, SearchPage]:
        filters = dict(filters)
        if filters.pop("case", False):
            filters["case"] = visible_case
        t0 = time.perf_counter()
        results = search_documents(user=ben, query=query, page=page, **filters)
        return (time.perf_counter() - t0) * 1000, results

    def summary(timings: list[float]) -> dict:
        return {
            "p50": round(percentile(timings, 0.5), 1),
            "p95": round(percentile(timings, 0.95), 1),
            "max": round(max(timings), 1),
            "mean": round(statistics.mean(timings), 1),
        }

    for _kind, query, filters in plan:  # warm-up: caches, prepared plans
        one(query, filters, 1)
        one(query, filters, later_page)
    by_kind: dict[str, list[float]] = {}
    timings, later, empty, counts, capped, reached = [], [], 0, [], 0, 0
    for kind, query, filters in plan:
        ms, first = one(query, filters, 1)
        timings.append(ms)
        by_kind.setdefault(kind, []).append(ms)
        empty += not first
        counts.append(first.count)
        capped += first.count_capped
        ms, page = one(query, filters, later_page)
        later.append(ms)
        reached += page.number == later_page
    return {
        "vendor": connection.vendor,
        "database_version": ".".join(map(str, connection.get_database_version())),
        "documents": documents,
        "households": households,
        "text_characters_mean": round(text_chars / documents),
        "load_and_index_s": round(load_s, 1),
        "queries": len(timings),
        "queries_without_hits": empty,
        "per_page": PER_PAGE,
        "count_cap": COUNT_CAP,
        "hits_median": statistics.median(counts),
        "queries_above_count_cap": capped,
        "query_ms": summary(timings),
        "query_ms_p50_by_kind": {k: round(statistics.median(v), 1) for k, v in by_kind.items()},
        "later_page": later_page,
        "queries_reaching_later_page": reached,
        "later_page_query_ms": summary(later),
    }


def child(database_url: str, documents: int, later_page: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="amtsbote-search-bench-") as var:
        env = {
            **os.environ,
            "AMTSBOTE_VAR_DIR": var,
            "DJANGO_SETTINGS_MODULE": "amtsbote.settings",
            "AMTSBOTE_DEBUG": "0",
        }
        if database_url:
            env["AMTSBOTE_DATABASE_URL"] = database_url
        else:
            env.pop("AMTSBOTE_DATABASE_URL", None)
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--documents",
                str(documents),
                "--later-page",
                str(later_page),
            ],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        return json.loads(out.strip().splitlines()[-1])


def postgres(url: str, documents: int, later_page: int) -> dict:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        return child(url, documents, later_page)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument(
        "--later-page", type=int, default=5, help="the later page timed besides the first"
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(args.documents, args.later_page)))
        return
    url = os.environ.get("AMTSBOTE_DATABASE_URL", DEFAULT_URL)
    results = [postgres(url, args.documents, args.later_page)]
    if not args.skip_sqlite:
        results.append(child("", args.documents, args.later_page))
    print(
        json.dumps(
            {
                "benchmark": "search",
                "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "setup": "search_documents() as a caseworker seeing 2/3 of the households; "
                "50 varied queries, timed after one warm-up round, each for page 1 and for "
                "a later page; includes rights, the bounded count, highlights, loading the "
                "documents and the audit record",
                "target_p95_ms_postgresql": 200,
                "results": results,
                "machine": machine(),
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
