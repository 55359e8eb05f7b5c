"""Create the demo data once: Jobcenter Musterstadt, its staff, 50 households, documents
and open document requests.

Everything goes through the domain services (audited like real work) inside one
transaction; files are written through ``StoredFiles`` so that a failure leaves nothing
behind. The data is the same on every run (a seeded random generator).
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from amtsbote import audit
from amtsbote.accounts.constants import Role
from amtsbote.accounts.models import Team, User
from amtsbote.cases.models import Case, Jobcenter, Person
from amtsbote.cases.services import case_create, jobcenter_create, person_create
from amtsbote.core.storage import StoredFiles
from amtsbote.doc_requests.models import DocRequest
from amtsbote.doc_requests.services import ItemSpec, doc_request_create
from amtsbote.documents import processing
from amtsbote.documents.constants import Source
from amtsbote.documents.models import Document, DocumentType
from amtsbote.documents.services import document_create, document_mark_seen
from amtsbote.eforms.definitions import registry as form_registry
from amtsbote.eforms.services import draft_start, draft_step_save, form_submit
from amtsbote.messaging.services import (
    canned_reply_create,
    thread_reply,
    thread_start,
    topic_defaults_ensure,
)
from amtsbote.postbox import rendering as letters
from amtsbote.postbox.constants import ConsentKind, LetterKind, LetterTemplate
from amtsbote.postbox.services import LetterSpec, consent_record, letter_create

from . import data
from .pages import page_jpeg

# Public on purpose: `make run` prints it. Choose another with AMTSBOTE_DEMO_PASSWORD.
DEFAULT_PASSWORD = "Amtsbote-Demo-2026"  # noqa: S105
SEED = 2026


@dataclass
class DemoSummary:
    created: bool
    jobcenter: Jobcenter | None = None
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Household:
    """A household as planned, before anything is written."""

    origin: int
    people: list[tuple[str, str, dt.date]]  # first name, last name, birth date
    street: str
    postal_code: str


def demo_jobcenter() -> Jobcenter | None:
    return Jobcenter.objects.filter(slug=data.JOBCENTER_SLUG).first()


def demo_summary(jobcenter: Jobcenter, *, created: bool) -> DemoSummary:
    cases = Case.objects.filter(jobcenter=jobcenter)
    return DemoSummary(
        created=created,
        jobcenter=jobcenter,
        counts={
            "cases": cases.count(),
            "people": Person.objects.filter(case__jobcenter=jobcenter).count(),
            "staff": User.objects.filter(jobcenter=jobcenter).count(),
            "customers": User.objects.filter(
                role=Role.CUSTOMER, person__case__jobcenter=jobcenter
            ).count(),
            "documents": Document.objects.filter(case__jobcenter=jobcenter).count(),
            "open_requests": DocRequest.objects.filter(case__jobcenter=jobcenter).count(),
        },
    )


def demo_data_create(*, password: str, with_documents: bool = True) -> DemoSummary:
    """Create the demo data unless it is there already (then change nothing)."""
    if (jobcenter := demo_jobcenter()) is not None:
        return demo_summary(jobcenter, created=False)
    with StoredFiles() as stored, transaction.atomic():
        jobcenter = _Seeder(password=password, stored=stored).seed(with_documents=with_documents)
        summary = demo_summary(jobcenter, created=True)
        audit.record(
            "demo.data.create", subject=jobcenter, jobcenter_id=jobcenter.pk, data=summary.counts
        )
    return summary


def _email_local_part(first_name: str, last_name: str) -> str:
    text = f"{first_name}.{last_name}".lower()
    for old, new in (("ß", "ss"), ("ı", "i"), ("ł", "l"), ("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        text = text.replace(old, new)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in text if c.isalnum() or c in ".-")


class _Seeder:
    def __init__(self, *, password: str, stored: StoredFiles) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 (repeatable demo data, not secrets)
        self.password_hash = make_password(password)  # hashed once: it is slow on purpose
        self.stored = stored
        self.now = timezone.now()
        self.customer_serial = data.FIRST_CUSTOMER_SERIAL
        self.emails: set[str] = set()
        self.document_types = DocumentType.objects.in_bulk(field_name="code")

    # --- people who log in ------------------------------------------------------------------

    def _user(self, *, email: str, first_name: str, last_name: str, **extra: object) -> User:
        user = User.objects.create(
            email=email,
            first_name=first_name,
            last_name=last_name,
            password=self.password_hash,
            **extra,
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        self.emails.add(email)
        return user

    def _staff(self, jobcenter: Jobcenter, teams: dict[str, Team]) -> dict[str, User]:
        staff = {}
        for member in data.STAFF:
            user = self._user(
                email=member.email,
                first_name=member.first_name,
                last_name=member.last_name,
                role=member.role,
                jobcenter=jobcenter,
            )
            user.teams.set([teams[name] for name in member.teams])
            staff[member.first_name.lower()] = user
        return staff

    def _customer(self, person: Person, language: str, email: str = "") -> User:
        if not email:
            local = _email_local_part(person.first_name, person.last_name)
            email, number = f"{local}@example.org", 2
            while email in self.emails:
                email, number = f"{local}{number}@example.org", number + 1
        user = self._user(
            email=email,
            first_name=person.first_name,
            last_name=person.last_name,
            role=Role.CUSTOMER,
            language=language,
        )
        person.user = user
        person.save(update_fields=["user", "updated_at"])
        return user

    # --- households --------------------------------------------------------------------------

    def _birth_date(self, first_year: int, last_year: int) -> dt.date:
        rng = self.rng
        return dt.date(rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28))

    def _address(self) -> tuple[str, str]:
        street = f"{self.rng.choice(data.STREETS)} {self.rng.randint(1, 120)}"
        return street, self.rng.choice(data.POSTAL_CODES)

    def _plan_household(self) -> _Household:
        rng = self.rng
        origin = rng.choices(range(len(data.FAMILIES)), weights=data.FAMILY_WEIGHTS)[0]
        last_names, female, male = data.FAMILIES[origin][:3]
        last_name = rng.choice(last_names)
        size = rng.choices((1, 2, 3, 4), weights=(40, 25, 20, 15))[0]
        head_female = rng.random() < 0.55
        head = (
            rng.choice(female if head_female else male),
            last_name,
            self._birth_date(1962, 2001),
        )
        people = [head]
        couple = size >= 2 and (size == 4 or rng.random() < 0.5)
        if couple:
            partner = rng.choice(male if head_female else female)
            people.append((partner, last_name, self._birth_date(1962, 2001)))
        while len(people) < size:
            child = rng.choice(female + male)
            if child not in {p[0] for p in people}:
                people.append((child, last_name, self._birth_date(2007, 2023)))
        street, postal_code = self._address()
        return _Household(origin, people, street, postal_code)

    def _anna_household(self) -> _Household:
        return _Household(
            origin=0,
            people=[
                (data.ANNA["first_name"], data.ANNA["last_name"], dt.date(1988, 3, 14)),
                ("Lena", data.ANNA["last_name"], dt.date(2015, 9, 2)),
            ],
            street="Lindenweg 12",
            postal_code="12345",
        )

    def _case(self, index: int, plan: _Household, teams: dict[str, Team]) -> Case:
        case_teams = [teams[data.TEAM_LEISTUNG]]
        if index == 0 or self.rng.random() < 0.6:
            case_teams.append(teams[data.TEAM_MARKT])
        case = case_create(
            jobcenter=teams[data.TEAM_LEISTUNG].jobcenter,
            bg_number=f"{data.BG_PREFIX}{data.FIRST_BG_SERIAL + index * 1013:07d}",
            teams=case_teams,
        )
        for first_name, last_name, birth_date in plan.people:
            person_create(
                case=case,
                customer_number=f"{data.CUSTOMER_PREFIX}{self.customer_serial:06d}",
                first_name=first_name,
                last_name=last_name,
                birth_date=birth_date,
                street=plan.street,
                postal_code=plan.postal_code,
                city=data.CITY,
            )
            self.customer_serial += 1
        return case

    # --- documents and requests --------------------------------------------------------------

    def _document(
        self, case: Case, kind: tuple[str, str, list[str]], *, days_ago: int, user: User | None
    ) -> Document:
        code, title, template = kind
        head = case.people.all()[0]
        received_at = self.now - dt.timedelta(days=days_ago, hours=self.rng.randint(0, 9))
        values = {
            "rent": self.rng.randint(38, 75) * 10,
            "income": f"{self.rng.randint(450, 2100)},{self.rng.randint(0, 99):02d}",
            "balance": f"{self.rng.randint(-300, 1500)},{self.rng.randint(0, 99):02d}",
            "extra": self.rng.randint(40, 420),
            "month": received_at.strftime("%m/%Y"),
            "year": received_at.year - 1,
        }
        lines = [line.format(**values) for line in template]
        lines[1:1] = [head.full_name, f"{head.street}, {head.postal_code} {head.city}"]
        pages = 2 if code in {"mietvertrag", "kontoauszug"} else 1
        files = [
            processing.check_generated(
                f"{code}-{number + 1}.jpg",
                page_jpeg([*lines, "", f"Seite {number + 1} von {pages}"]),
            )
            for number in range(pages)
        ]
        return document_create(
            case=case,
            files=files,
            title=title,
            source=Source.PORTAL if user else self.rng.choice((Source.SCAN, Source.STAFF)),
            document_type=self.document_types.get(code),
            submitted_by=user,
            received_at=received_at,
            stored=self.stored,
        )

    def _request(
        self,
        case: Case,
        team: Team,
        staff: User,
        codes: list[tuple[str, str, str]],
        *,
        addressee: Person | None = None,
    ) -> None:
        items = [
            ItemSpec(
                document_type=self.document_types.get(code) if code else None,
                label=label,
                note=note,
            )
            for code, label, note in codes
        ]
        doc_request_create(
            case=case,
            team=team,
            created_by=staff,
            items=items,
            message="Guten Tag, für die Weiterbewilligung brauchen wir noch folgende Unterlagen.",
            addressee=addressee,
        )

    def _letters(self, person: Person, staff: User, *, bekanntgabe_consent: bool) -> None:
        """Postbox: both consents kept apart. With consent to electronic Bekanntgabe the
        letters go to the portal; with consent to portal use only, they go to paper."""
        assert person.user is not None
        consent_record(
            person=person, kind=ConsentKind.PORTAL_USE, granted=True, recorded_by=person.user
        )
        if bekanntgabe_consent:
            consent_record(
                person=person,
                kind=ConsentKind.E_BEKANNTGABE,
                granted=True,
                recorded_by=person.user,
            )
        for kind, subject, paragraphs in data.LETTERS:
            pdf = letters.render_letter(
                "generic",
                letters.letter_context(person.case, person, subject, paragraphs=paragraphs),
            )
            letter_create(
                spec=LetterSpec(
                    case=person.case,
                    addressee=person,
                    kind=LetterKind.BESCHEID if kind == "bescheid" else LetterKind.LETTER,
                    subject=subject,
                    pdf=pdf,
                    template=LetterTemplate.GENERIC,
                    topic=data.LETTER_TOPICS.get(subject, ""),
                ),
                created_by=staff,
            )

    def _messages(self, person: Person, staff: User) -> None:
        """Messages: one open thread with a photo, answered by the team; Textbausteine."""
        assert person.user is not None
        topics = {t.code: t for t in topic_defaults_ensure(jobcenter=person.case.jobcenter)}
        message = thread_start(
            customer=person.user,
            topic=topics["leistung"],
            subject=data.MESSAGE["subject"],
            body=data.MESSAGE["question"],
            files=[("mieterhoehung.jpg", page_jpeg(["Mieterhöhung", "ab 1. März"]))],
        )
        thread_reply(thread=message.thread, author=staff, body=data.MESSAGE["answer"])
        for title, body in data.CANNED_REPLIES:
            canned_reply_create(actor=staff, title=title, body=body)

    def _change_notice(self, person: Person) -> None:
        """Online forms: a sent Veränderungsmitteilung (move and bank account) with its PDF
        and the follow-up request for Mietvertrag and Meldebescheinigung."""
        assert person.user is not None
        definition = form_registry.get("veraenderungsmitteilung")
        assert definition is not None
        moved = timezone.localdate() - dt.timedelta(days=data.CHANGE_NOTICE_MOVE_DAYS_AGO)
        draft = draft_start(user=person.user, definition=definition)
        for step, values in data.CHANGE_NOTICE.items():
            if step == "move":
                values = {**values, "moving_date": moved.isoformat()}
            draft = draft_step_save(draft=draft, user=person.user, step_key=step, values=values)
        form_submit(draft=draft, user=person.user)

    # --- all of it ---------------------------------------------------------------------------

    def seed(self, *, with_documents: bool) -> Jobcenter:
        jobcenter = jobcenter_create(
            name=data.JOBCENTER_NAME,
            slug=data.JOBCENTER_SLUG,
            state=data.JOBCENTER_STATE,
            address=data.JOBCENTER_ADDRESS,
            team_names=data.TEAMS,
        )
        teams = {team.name: team for team in jobcenter.teams.all()}
        staff = self._staff(jobcenter, teams)
        leistung = teams[data.TEAM_LEISTUNG]
        caseworkers = [staff["ben"], staff["deniz"]]

        for index in range(data.CASE_COUNT):
            plan = self._anna_household() if index == 0 else self._plan_household()
            case = self._case(index, plan, teams)
            head = case.people.all()[0]
            user = None
            if index == 0:
                user = self._customer(head, "de", email=data.ANNA["email"])
            elif index in data.PORTAL_CASES:
                user = self._customer(head, data.FAMILIES[plan.origin][3])

            if with_documents and (index == 0 or index % 3 == 1):
                kinds = (
                    [data.DOCUMENT_KINDS[i] for i in (0, 1, 3)]
                    if index == 0
                    else self.rng.sample(data.DOCUMENT_KINDS, self.rng.randint(1, 3))
                )
                for kind in kinds:
                    days_ago = self.rng.randint(0, 60)
                    document = self._document(
                        case,
                        kind,
                        days_ago=days_ago,
                        user=user if self.rng.random() < 0.7 else None,
                    )
                    if days_ago > 7:
                        document_mark_seen(document=document, actor=self.rng.choice(caseworkers))

            if with_documents and user is not None and index in (0, data.PORTAL_CASES[0]):
                # Anna gets her letters in the portal; the other customer on paper.
                self._letters(head, staff["ben"], bekanntgabe_consent=index == 0)

            if with_documents and index == 0 and user is not None:
                self._messages(head, staff["ben"])
                self._change_notice(head)

            if index == 0:
                self._request(
                    case, leistung, staff["ben"], [*data.REQUEST_ITEMS[:2], data.REQUEST_ITEMS[3]]
                )
                # One request to a member: Lena's school certificate. Lena has no account;
                # Anna sees it as head of the household (docs/access.md, Household members).
                self._request(
                    case,
                    leistung,
                    staff["ben"],
                    [data.MEMBER_REQUEST_ITEM],
                    addressee=case.people.all()[1],
                )
            elif index % 6 == 2:
                count = self.rng.randint(1, 3)
                self._request(
                    case,
                    leistung,
                    self.rng.choice(caseworkers),
                    self.rng.sample(data.REQUEST_ITEMS, count),
                )
        return jobcenter
