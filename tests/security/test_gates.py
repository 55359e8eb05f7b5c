"""Every URL of the project, as every outside role, with objects of another household or
jobcenter: no access (404), nothing shown, no error. New views are covered by walking the
URLconf; the last test shows that the walk catches a view without an ``access_*`` gate.

The world (three jobcenters, the foreign household with one object of every kind, a user
per role) is built once for the module inside a transaction that is rolled back at the end;
every test runs in a savepoint of it, every request in a savepoint of the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from tests.security import gates

ROUTES = gates.walk()
UNGUARDED_URLCONF = "tests.security.unguarded_urls"


def _storage_settings(media: Path) -> dict:
    default = settings.STORAGES["default"]
    return {
        "STORAGES": {
            **settings.STORAGES,
            "default": {
                **default,
                "OPTIONS": {**default.get("OPTIONS", {}), "location": str(media)},
            },
        },
        "MEDIA_ROOT": media,
    }


@pytest.fixture(scope="module")
def world_media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("gates") / "media"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_media, tmp_path_factory, clamd):
    anchors = tmp_path_factory.mktemp("gates-audit") / "anchors.jsonl"
    with (
        django_db_blocker.unblock(),
        override_settings(
            **_storage_settings(world_media),
            AUDIT_ANCHOR_FILE=str(anchors),
            ANTIVIRUS="on",
            ANTIVIRUS_CLAMD=clamd.address,
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        ),
        transaction.atomic(),
    ):
        built = gates.build_world()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def gate_world(world, world_media, settings, db):
    """The module's world, with this test reading files from where the world wrote them."""
    for name, value in _storage_settings(world_media).items():
        setattr(settings, name, value)
    return world


def test_the_walk_finds_the_views():
    names = {route.name for route in ROUTES}
    assert {"portal:letter", "desk:document_detail", "desk:triage_item"} <= names
    assert {"api:case", "api:document_file", "api:letter", "api:intake_document"} <= names
    assert all(route.view for route in ROUTES)


@pytest.mark.parametrize("route", ROUTES, ids=[route.label for route in ROUTES])
def test_no_access_to_foreign_objects(route, gate_world):
    findings = gates.check_route(route, gate_world, gates.clients(gate_world))
    assert not findings, "\n".join(str(finding) for finding in findings)


OBJECT_ROUTES = [
    route
    for route in ROUTES
    if not route.allowlisted and set(route.kwargs) & set(gates.OBJECT_KWARGS)
]


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=[route.label for route in OBJECT_ROUTES])
def test_insiders_get_past_the_gate(route, gate_world):
    """The control group: the URL filled with the foreign objects reaches a real object for
    someone who may see it (so the outsiders' 404s come from the gate, not from a bad URL)."""
    if route.label in gates.UNREACHED_BY_INSIDERS:
        pytest.skip(gates.UNREACHED_BY_INSIDERS[route.label])
    clients = gates.clients(gate_world, insiders=True)
    assert gates.reached_by_insiders(route, gate_world, clients), (
        f"no insider got past the gate of {route.label}: the filled URL names no real object"
    )


def test_every_object_parameter_has_an_object(gate_world):
    """Each kind in OBJECT_KWARGS is built by build_world (a typo would hide a route)."""
    kinds = {kind for names in gates.OBJECT_KWARGS.values() for kind in names}
    assert kinds <= set(gate_world.objects)


def test_router_style_patterns_are_filled():
    """The API's routers (DRF) make re_path() patterns with a format suffix: they are filled
    like path() patterns, so the API is checked once it is included."""
    route = gates.Route(
        r"api/v1/^cases/(?P<case_uuid>[^/.]+)\.(?P<format>[a-z0-9]+)/?$", "api:x", "v", True
    )
    assert route.kwargs == ["case_uuid", "format"]
    assert route.url({"case_uuid": "abc", "format": "json"}) == "/api/v1/cases/abc.json/"


def test_an_unknown_parameter_fails_with_what_to_add(gate_world):
    route = gates.Route("desk/widgets/<uuid:widget_uuid>/", "desk:widget", "x.widget", False)
    [finding] = gates.check_route(route, gate_world, {})
    assert "'widget_uuid'" in finding.problem
    assert "OBJECT_KWARGS in tests/security/gates.py" in finding.problem


def test_the_walk_catches_unguarded_views(gate_world):
    """A URLconf with the real one plus two views that load objects without ``access_*``
    (tests/security/unguarded_urls.py): the checker reports these views, and nothing else."""
    with override_settings(ROOT_URLCONF=UNGUARDED_URLCONF):
        findings = gates.check_urlconf(UNGUARDED_URLCONF, gate_world)
    by_route: dict[str, set[tuple[str, str]]] = {}
    for finding in findings:
        by_route.setdefault(finding.route, set()).add((finding.role, finding.method))
    assert set(by_route) == {"unguarded_document", "unguarded_letter_question"}
    # The document in the URL: every signed-in outsider gets it, by GET and by POST.
    signed_in = set(gates.ROLES) - {"anonymous", *gates.API_ROLES}
    assert {role for role, _method in by_route["unguarded_document"]} == signed_in
    assert {method for _role, method in by_route["unguarded_document"]} >= {"GET", "POST"}
    # The letter in the query string: found by the requests that name foreign objects.
    assert {method for _role, method in by_route["unguarded_letter_question"]} == {
        "GET with references"
    }
