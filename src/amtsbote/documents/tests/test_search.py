"""Full-text search: found by what staff type, only within their rights, highlights safe.

Runs on SQLite (FTS5) and PostgreSQL (tsvector, german); assertions that only hold for one
index say so.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from amtsbote.accounts.tests.factories import StaffFactory
from amtsbote.audit.models import AuditEvent
from amtsbote.cases.tests.factories import CaseFactory
from amtsbote.core.storage import StoredFiles
from amtsbote.documents import processing
from amtsbote.documents.constants import OcrStatus, Source
from amtsbote.documents.models import Document, DocumentType, DocumentVersion
from amtsbote.documents.search import (
    fts5_query,
    search_documents,
    search_index_ensure,
    search_index_installed,
)
from amtsbote.documents.services import document_create, document_update_metadata, register_for
from amtsbote.documents.tests import samples

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


def add_document(
    case,
    *,
    title: str = "Schreiben",
    text: str = "",
    type_code: str | None = "sonstiges",
    source: str = Source.SCAN,
    received_at: dt.datetime | None = None,
) -> Document:
    """A filed document with OCR text, written the way the services write it (no PDF)."""
    document_type = DocumentType.objects.get(code=type_code) if type_code else None
    document = Document.objects.create(
        case=case,
        register=register_for(case, document_type),
        document_type=document_type,
        title=title,
        source=source,
        received_at=received_at or timezone.now(),
    )
    version = DocumentVersion.objects.create(
        document=document, number=1, file="documents/x.pdf", sha256="0" * 64, size=1, pages=1
    )
    # As document_version_recognise stores the recognised text.
    DocumentVersion.objects.filter(pk=version.pk).update(text=text, ocr_status=OcrStatus.DONE)
    return document


def titles(hits) -> list[str]:
    return [hit.document.title for hit in hits]


@pytest.fixture
def lease(case_anna):
    return add_document(
        case_anna,
        title="Unterlagen Wohnung",
        text="Zwischen Herrn Vermieter und Frau Anna Schmidt wird folgender Mietvertrag "
        "geschlossen. Die Kaltmiete beträgt 420 Euro monatlich.",
        type_code="mietvertrag",
    )


@pytest.fixture
def payslip(case_anna):
    return add_document(
        case_anna,
        title="Lohnabrechnung März",
        text="Bruttolohn 1.850,00 Euro, Nettolohn 1.402,17 Euro. Arbeitgeber Bäckerei Korn.",
        type_code="lohnabrechnung",
        source=Source.PORTAL,
        received_at=timezone.make_aware(dt.datetime(2026, 3, 31, 10)),
    )


def test_index_and_triggers_exist_after_all_migrations():
    # A later migration that rebuilds documents_document on SQLite drops the triggers: then
    # search_index_ensure() must run after migrate (post_migrate).
    assert search_index_installed()


def test_finds_a_document_by_a_word_of_its_recognised_text(caseworker_ben, lease, payslip):
    results = search_documents(user=caseworker_ben, query="Kaltmiete")

    assert titles(results) == ["Unterlagen Wohnung"]
    assert "<mark>Kaltmiete</mark>" in results.hits[0].snippet_html
    assert results.hits[0].rank > 0


def test_finds_by_title_and_by_type_name(caseworker_ben, lease, payslip):
    assert titles(search_documents(user=caseworker_ben, query="Wohnung")) == ["Unterlagen Wohnung"]
    assert titles(search_documents(user=caseworker_ben, query="Gehaltsabrechnung")) == [
        "Lohnabrechnung März"
    ]


def test_german_word_forms_find_each_other(caseworker_ben, lease):
    # PostgreSQL stems (german snowball); SQLite strips common suffixes and matches prefixes.
    assert titles(search_documents(user=caseworker_ben, query="Mietverträge")) == [
        "Unterlagen Wohnung"
    ]
    assert titles(search_documents(user=caseworker_ben, query="mietvertrag")) == [
        "Unterlagen Wohnung"
    ]


@pytest.mark.skipif(not POSTGRES, reason="stop words and stemming of the german configuration")
def test_postgres_ignores_stop_words_and_stems(caseworker_ben, lease):
    assert titles(search_documents(user=caseworker_ben, query="die Mietverträge der")) == [
        "Unterlagen Wohnung"
    ]
    assert titles(search_documents(user=caseworker_ben, query="geschlossene")) == [
        "Unterlagen Wohnung"
    ]


def test_umlauts_and_case_do_not_matter(caseworker_ben, payslip):
    assert titles(search_documents(user=caseworker_ben, query="BÄCKEREI")) == [
        "Lohnabrechnung März"
    ]
    if not POSTGRES:  # unicode61 remove_diacritics 2
        assert titles(search_documents(user=caseworker_ben, query="Backerei")) == [
            "Lohnabrechnung März"
        ]


def test_title_match_ranks_above_a_match_in_the_text(caseworker_ben, case_anna):
    add_document(case_anna, title="Schreiben", text="Im Anhang die Nebenkostenabrechnung.")
    add_document(case_anna, title="Nebenkostenabrechnung 2025", text="Abrechnung der Kosten.")

    results = search_documents(user=caseworker_ben, query="Nebenkostenabrechnung")

    assert titles(results) == ["Nebenkostenabrechnung 2025", "Schreiben"]
    assert results.hits[0].rank > results.hits[1].rank


def test_all_words_must_occur_and_phrases_or_and_exclusion_work(caseworker_ben, lease, payslip):
    assert titles(search_documents(user=caseworker_ben, query="Euro Kaltmiete")) == [
        "Unterlagen Wohnung"
    ]
    assert titles(search_documents(user=caseworker_ben, query="Kaltmiete Bruttolohn")) == []
    assert set(titles(search_documents(user=caseworker_ben, query="Kaltmiete or Bruttolohn"))) == {
        "Unterlagen Wohnung",
        "Lohnabrechnung März",
    }
    assert titles(search_documents(user=caseworker_ben, query="Euro -Kaltmiete")) == [
        "Lohnabrechnung März"
    ]
    assert titles(search_documents(user=caseworker_ben, query='"Anna Schmidt"')) == [
        "Unterlagen Wohnung"
    ]
    assert titles(search_documents(user=caseworker_ben, query='"Schmidt Anna"')) == []


@pytest.mark.parametrize(
    "query", ['"', "*", "NEAR(a b)", "a AND", "-", "OR", "'; DROP TABLE x; --", "^", "a:b", "(("]
)
def test_any_input_is_a_harmless_query(caseworker_ben, lease, query):
    search_documents(user=caseworker_ben, query=query)


def test_fts5_query_translation():
    assert fts5_query("Mietverträge") == '"mietverträg"*'
    assert fts5_query('"Anna Schmidt" Miete') == '"anna schmidt" AND "miet"*'
    assert fts5_query("Lohn or Gehalt -Bonus") == '(("lohn"*) OR ("gehalt"*)) NOT ("bonu"*)'
    assert fts5_query("Miet-Vertrag") == '"miet vertrag"'
    assert fts5_query("-nur -ausschluss") == ""
    assert fts5_query("  ") == ""


def test_highlights_are_escaped(caseworker_ben, case_anna):
    add_document(
        case_anna,
        title="<b>Titel</b>",
        text='Vorher <script>alert("x")</script> & Mietvertrag \x02 nachher \x03 Ende',
    )

    (hit,) = search_documents(user=caseworker_ben, query="Mietvertrag")

    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in hit.snippet_html
    assert "&amp;" in hit.snippet_html
    assert hit.snippet_html.count("<mark>") == hit.snippet_html.count("</mark>") == 1
    assert "<mark>Mietvertrag</mark>" in hit.snippet_html


def test_other_jobcenter_other_team_and_customers_never_see_a_document(
    caseworker_ben, stranger_sara, customer_anna, jobcenter, lease
):
    other_team_case = CaseFactory(
        jobcenter=jobcenter, teams=[jobcenter.teams.get(name="Markt & Integration")]
    )
    add_document(other_team_case, title="Fremd", text="Mietvertrag der anderen Abteilung")
    untouched = StaffFactory(jobcenter=jobcenter, teams=[])

    assert titles(search_documents(user=caseworker_ben, query="Mietvertrag")) == [
        "Unterlagen Wohnung"
    ]
    assert titles(search_documents(user=stranger_sara, query="Mietvertrag")) == []
    assert titles(search_documents(user=untouched, query="Mietvertrag")) == []
    assert titles(search_documents(user=customer_anna, query="Mietvertrag")) == []
    # A case outside the user's rights as the scope does not open it.
    assert titles(search_documents(user=stranger_sara, query="Mietvertrag", case=lease.case)) == []


def test_search_within_one_case(caseworker_ben, lease, customer_carl):
    carl_case = customer_carl.person.case
    add_document(carl_case, title="Mietvertrag Carl", text="Mietvertrag Wagner")

    everywhere = search_documents(user=caseworker_ben, query="Mietvertrag")
    in_case = search_documents(user=caseworker_ben, query="Mietvertrag", case=lease.case)

    assert set(titles(everywhere)) == {"Unterlagen Wohnung", "Mietvertrag Carl"}
    assert titles(in_case) == ["Unterlagen Wohnung"]


def test_filters(caseworker_ben, lease, payslip):
    def find(**filters):
        return titles(search_documents(user=caseworker_ben, query="Euro", **filters))

    assert set(find()) == {"Unterlagen Wohnung", "Lohnabrechnung März"}
    assert find(document_type="lohnabrechnung") == ["Lohnabrechnung März"]
    assert find(document_type=DocumentType.objects.get(code="mietvertrag")) == [
        "Unterlagen Wohnung"
    ]
    assert find(register_code="unterkunft") == ["Unterlagen Wohnung"]
    assert find(source=Source.PORTAL) == ["Lohnabrechnung März"]
    assert find(received_from=dt.date(2026, 3, 31), received_to=dt.date(2026, 3, 31)) == [
        "Lohnabrechnung März"
    ]
    assert find(received_to=dt.date(2026, 3, 30)) == []
    assert find(received_from=dt.date(2026, 4, 1)) == ["Unterlagen Wohnung"]


def test_filters_without_words_list_newest_first(caseworker_ben, lease, payslip):
    results = search_documents(user=caseworker_ben, query="", register_code="einkommen")
    assert titles(results) == ["Lohnabrechnung März"]
    assert results.hits[0].snippet_html == ""
    assert titles(search_documents(user=caseworker_ben, query="  ")) == []


def test_index_follows_metadata_edits_new_versions_and_deletion(caseworker_ben, lease):
    document_update_metadata(
        document=lease, actor=caseworker_ben, expected_version=0, title="Vertrag Wohnung Nord"
    )
    assert titles(search_documents(user=caseworker_ben, query="Nord")) == ["Vertrag Wohnung Nord"]
    assert titles(search_documents(user=caseworker_ben, query="Unterlagen")) == []

    # A new version's text replaces the old one once recognised.
    version = DocumentVersion.objects.create(
        document=lease, number=2, file="documents/y.pdf", sha256="1" * 64, size=1, pages=1
    )
    assert titles(search_documents(user=caseworker_ben, query="Kaltmiete")) == []
    DocumentVersion.objects.filter(pk=version.pk).update(text="Untermietvertrag Zusatz")
    assert titles(search_documents(user=caseworker_ben, query="Zusatz")) == ["Vertrag Wohnung Nord"]

    DocumentType.objects.filter(code="mietvertrag").update(name="Wohnraummietvertrag")
    assert titles(search_documents(user=caseworker_ben, query="Wohnraummietvertrag")) == [
        "Vertrag Wohnung Nord"
    ]

    lease.versions.all().delete()
    lease.delete()
    assert titles(search_documents(user=caseworker_ben, query="Nord")) == []


def test_a_document_filed_by_the_services_is_found_after_ocr(caseworker_ben, case_anna):
    files = [processing.check_file("scan.pdf", samples.pdf_bytes(lines=["Kontoauszug"]))]
    with StoredFiles() as stored:
        document = document_create(
            case=case_anna, files=files, title="Kontoauszug Mai", source=Source.SCAN, stored=stored
        )
    assert titles(search_documents(user=caseworker_ben, query="Kontoauszug")) == ["Kontoauszug Mai"]
    assert titles(search_documents(user=caseworker_ben, query="Sparkasse")) == []

    version = document.versions.get()
    # What document_version_recognise stores when OCR is done.
    DocumentVersion.objects.filter(pk=version.pk).update(
        text="Sparkasse Musterstadt Kontostand", ocr_status=OcrStatus.DONE
    )

    assert titles(search_documents(user=caseworker_ben, query="Sparkasse")) == ["Kontoauszug Mai"]


def test_search_is_audited(caseworker_ben, lease):
    search_documents(user=caseworker_ben, query="Kaltmiete", register_code="unterkunft")

    event = AuditEvent.objects.get(action="documents.document.search")
    assert event.actor == caseworker_ben
    assert event.data["query"] == "Kaltmiete"
    assert event.data["filters"] == {"register_code": "unterkunft"}
    assert event.data["page"] == 1
    assert event.data["documents"] == [str(lease.uuid)]


def test_per_page(caseworker_ben, case_anna):
    for n in range(5):
        add_document(case_anna, title=f"Kontoauszug {n}", text="Kontoauszug Girokonto")
    page = search_documents(user=caseworker_ben, query="Girokonto", per_page=3)
    assert len(page) == 3
    assert (page.count, page.num_pages, page.has_next()) == (5, 2, True)


def test_ensure_reinstalls_lost_triggers_and_rebuilds(caseworker_ben, lease):
    # SQLite drops a table's triggers when a migration rebuilds the table.
    with connection.cursor() as cursor:
        if POSTGRES:
            # No ALTER TABLE while deferred foreign-key checks of this test are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("DROP TRIGGER documents_search_document ON documents_document")
        else:
            cursor.execute("DROP TRIGGER documents_search_document_update")
    assert not search_index_installed()
    Document.objects.filter(pk=lease.pk).update(title="Geänderter Titel")

    assert search_index_ensure(using="default") is True

    assert search_index_installed()
    assert titles(search_documents(user=caseworker_ben, query="Geänderter")) == ["Geänderter Titel"]
    assert search_index_ensure() is False


def test_a_match_deep_in_a_long_text_is_highlighted(caseworker_ben, case_anna):
    filler = "Seite Zeile Betrag Datum " * 3000  # about 75,000 characters
    add_document(case_anna, title="Akte", text=filler + "Die Wohngeldstelle schreibt. " + filler)

    (hit,) = search_documents(user=caseworker_ben, query="Wohngeldstelle")

    assert "<mark>Wohngeldstelle</mark>" in hit.snippet_html
    assert len(hit.snippet_html) < 600


# --- pages ------------------------------------------------------------------------------------


def ids(page) -> list[int]:
    return [hit.document.pk for hit in page]


def all_pages(user, **kwargs) -> list[list[int]]:
    """Every page of a search, as document ids, following has_next() like the page links."""
    pages, number = [], 1
    while True:
        page = search_documents(user=user, page=number, **kwargs)
        assert page.number == number
        pages.append(ids(page))
        if not page.has_next():
            return pages
        number = page.next_page_number()


@pytest.fixture
def statements(case_anna):
    """Twelve documents that match equally well; received on six days, two on each."""
    base = timezone.make_aware(dt.datetime(2026, 1, 1, 9))
    return [
        add_document(
            case_anna,
            title="Kontoauszug",
            text="Girokonto Sparkasse Musterstadt",
            received_at=base + dt.timedelta(days=n // 2),
        )
        for n in range(12)
    ]


def test_pages_go_by_rank_then_newest_then_id_without_gaps_or_overlaps(
    caseworker_ben, case_anna, statements
):
    best = add_document(
        case_anna,
        title="Girokonto Kündigung",
        text="Girokonto",
        received_at=timezone.make_aware(dt.datetime(2020, 1, 1)),
    )

    pages = all_pages(caseworker_ben, query="Girokonto", per_page=5)

    newest_first = sorted(statements, key=lambda d: (d.received_at, d.pk), reverse=True)
    assert pages == [
        [best.pk, *[d.pk for d in newest_first[:4]]],
        [d.pk for d in newest_first[4:9]],
        [d.pk for d in newest_first[9:]],
    ]


def test_page_attributes_and_boundaries(caseworker_ben, statements):
    def page(number: int, per_page: int = 5):
        return search_documents(
            user=caseworker_ben, query="Sparkasse", page=number, per_page=per_page
        )

    first, second, last = page(1), page(2), page(3)
    assert (first.count, first.num_pages, first.count_capped) == (12, 3, False)
    assert (first.start_index(), first.end_index()) == (1, 5)
    assert (first.has_previous(), first.has_next()) == (False, True)
    assert (second.start_index(), second.end_index()) == (6, 10)
    assert (second.previous_page_number(), second.next_page_number()) == (1, 3)
    assert (len(last), last.start_index(), last.end_index()) == (2, 11, 12)
    assert (last.has_previous(), last.has_next()) == (True, False)
    # Exactly one page full: no page 2.
    exact = page(1, per_page=12)
    assert (len(exact), exact.num_pages, exact.has_next()) == (12, 1, False)
    # Past the end: the last page; before the start: the first.
    assert ids(page(99)) == ids(last)
    assert page(99).number == 3
    assert page(0).number == page(-3).number == 1


def test_filters_without_words_come_in_pages_newest_first(caseworker_ben, statements):
    pages = all_pages(caseworker_ben, query="", document_type="sonstiges", per_page=5)

    newest_first = sorted(statements, key=lambda d: (d.received_at, d.pk), reverse=True)
    assert pages == [[d.pk for d in newest_first[i : i + 5]] for i in (0, 5, 10)]


def test_the_count_stops_at_the_cap(caseworker_ben, statements, monkeypatch):
    from amtsbote.documents.search import query

    monkeypatch.setattr(query, "COUNT_CAP", 6)

    first = search_documents(user=caseworker_ben, query="Sparkasse", per_page=3)
    beyond = search_documents(user=caseworker_ben, query="Sparkasse", page=9, per_page=3)

    assert (first.count, first.count_capped, first.num_pages) == (6, True, 2)
    # Only the hits up to the cap can be paged through.
    assert beyond.number == 2
    assert (beyond.start_index(), beyond.end_index(), beyond.has_next()) == (4, 6, False)


def test_only_the_newest_hits_up_to_the_cap_are_ranked(
    caseworker_ben, case_anna, statements, monkeypatch
):
    """Past the cap a search asks to be narrowed; ranking every match of a common word would
    read every matching document (bench/million.py). So the best match among the newest
    COUNT_CAP is first, and an older, better one is not among the hits."""
    from amtsbote.documents.search import query

    older_best = add_document(
        case_anna,
        title="Girokonto Kündigung",
        text="Girokonto",
        received_at=timezone.make_aware(dt.datetime(2020, 1, 1)),
    )
    newer_best = add_document(
        case_anna,
        title="Girokonto Eröffnung",
        text="Girokonto",
        received_at=timezone.make_aware(dt.datetime(2025, 12, 1)),
    )
    # Newer documents that do not match: the newest hits are counted among the matches only.
    for day in range(1, 6):
        add_document(
            case_anna,
            title="Mietvertrag",
            text="Wohnung Musterstraße",
            received_at=timezone.make_aware(dt.datetime(2026, 2, day)),
        )
    whole = search_documents(user=caseworker_ben, query="Girokonto", per_page=20)
    assert [hit.document for hit in whole.hits[:2]] == [newer_best, older_best]

    monkeypatch.setattr(query, "COUNT_CAP", 13)  # the twelve statements and newer_best
    capped = all_pages(caseworker_ben, query="Girokonto", per_page=5)
    shown = [pk for page in capped for pk in page]
    assert shown[0] == newer_best.pk
    assert older_best.pk not in shown
    assert sorted(shown) == sorted([d.pk for d in statements] + [newer_best.pk])


def test_no_page_ever_shows_another_jobcenters_or_another_teams_document(
    caseworker_ben, stranger_sara, jobcenter, case_anna, customer_carl, statements
):
    other_team_case = CaseFactory(
        jobcenter=jobcenter, teams=[jobcenter.teams.get(name="Markt & Integration")]
    )
    foreign_case = CaseFactory(jobcenter=stranger_sara.jobcenter, teams=[])
    hidden = [
        add_document(case, title="Kontoauszug", text="Girokonto Sparkasse Musterstadt")
        for case in (other_team_case, foreign_case)
        for _ in range(6)
    ]
    visible = [*statements, add_document(customer_carl.person.case, text="Girokonto")]

    for kwargs in ({"query": "Girokonto"}, {"query": "", "document_type": "sonstiges"}):
        pages = all_pages(caseworker_ben, per_page=4, **kwargs)
        seen = [pk for page in pages for pk in page]
        assert sorted(seen) == sorted(d.pk for d in visible)
        page = search_documents(user=caseworker_ben, per_page=4, page=2, **kwargs)
        assert page.count == len(visible)
    assert not {d.pk for d in hidden} & {
        pk for page in all_pages(stranger_sara, query="Girokonto", per_page=4) for pk in page
    }


def test_each_page_shown_is_audited(caseworker_ben, statements):
    search_documents(user=caseworker_ben, query="Sparkasse", page=2, per_page=5)

    event = AuditEvent.objects.get(action="documents.document.search")
    assert event.data["page"] == 2
    assert len(event.data["documents"]) == 5


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL reads the newest matches in two ways")
@pytest.mark.parametrize("walk", [True, False])
def test_walking_and_the_planners_way_find_the_same_newest_matches(
    caseworker_ben, case_anna, stranger_sara, walk, monkeypatch
):
    """finders._PostgreSQL._newest walks the documents newest first when many match, else
    leaves the way to PostgreSQL, window by window back from now: either way the newest
    matches Ben may see, in order, and one more than the window when there are more;
    documents that do not match, another jobcenter's, and those the filters leave out are
    skipped."""
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    from amtsbote.documents.search import finders
    from amtsbote.documents.search.query import _allowed

    now = timezone.now()
    foreign = CaseFactory(jobcenter=stranger_sara.jobcenter, teams=[])
    matches = []
    for days in [1, 2, 40, 50, 60, 400, 900]:
        received = now - dt.timedelta(days=days)
        matches.append(add_document(case_anna, text="Girokonto", received_at=received))
        add_document(case_anna, text="Mietvertrag", received_at=received)
        add_document(foreign, text="Girokonto", received_at=received)
        add_document(case_anna, text="Girokonto", source=Source.PORTAL, received_at=received)
    with db.cursor() as cursor:
        cursor.execute("ANALYZE documents_document")  # the planner's estimate, as in production
    monkeypatch.setattr(finders, "WALK_FROM_SHARE", 0.0 if walk else 2.0)

    def finder(user=caseworker_ben, query="Girokonto", **filters):
        none = dict.fromkeys(
            ["case", "document_type", "register_code", "received_from", "received_to"]
        )
        allowed = _allowed(user, **{**none, "source": Source.SCAN, **filters})
        return finders.finder_for(allowed, query, window=3)

    found = finder()
    with CaptureQueriesContext(db) as queries:
        newest = found._newest()
    assert walk == any("OFFSET 0" in q["sql"] for q in queries.captured_queries)
    if not walk:  # the estimate (2), the last month (2 found), the 4 months before it (2 more)
        assert len(queries.captured_queries) == 4
    assert newest == [d.pk for d in matches[:4]]
    assert found.count(cap=4) == 4
    assert [pk for pk, _rank in found.ranked(offset=0, limit=10)] == [d.pk for d in matches[:3]]
    # Fewer than the window, and within a time range.
    older = finder(received_to=(now - dt.timedelta(days=100)).date())
    assert older._newest() == [d.pk for d in matches[5:]]
    assert older.count(cap=4) == 2
    # Nobody to see: nothing, whichever way.
    assert finder(stranger_sara, "Mietvertrag", source=None)._newest() == []
