"""The team leads' figures: how long a document request takes to be fulfilled (the headline
figure: ten days by letter, hours through the portal), per week and channel; open and
overdue requests per team; the mailroom's backlog. Aggregates only, of one jobcenter."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from amtsbote.accounts.models import Team
from amtsbote.doc_requests.constants import RequestStatus
from amtsbote.doc_requests.models import DocRequest, DocRequestItem
from amtsbote.documents.constants import OcrStatus, Source
from amtsbote.documents.models import DocumentVersion
from amtsbote.intake.constants import FileStatus, IntakeStatus
from amtsbote.intake.models import IntakeDocument, ScanFile

WEEKS = 12
PORTAL = "portal"
PAPER = "paper"
OTHER = "other"
CHANNEL_OF_SOURCE: dict[str, str] = {Source.PORTAL.value: PORTAL, Source.SCAN.value: PAPER}


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` 0.5 is the median) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass
class ChannelWeek:
    count: int = 0
    median_days: float | None = None
    p90_days: float | None = None


@dataclass
class Week:
    start: dt.date
    channels: dict[str, ChannelWeek] = field(default_factory=dict)

    @property
    def iso(self) -> str:
        year, week, _day = self.start.isocalendar()
        return f"{year}-W{week:02d}"


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def fulfilment_weeks(jobcenter_id: int, *, today: dt.date | None = None) -> list[Week]:
    """Requests fulfilled in each of the last ``WEEKS`` weeks (Monday to Sunday, local
    time), by the channel of the document that completed them: days from request to
    fulfilment, median and 90th percentile."""
    today = today or timezone.localdate()
    first = _week_start(today) - dt.timedelta(weeks=WEEKS - 1)
    since = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    fulfilled = DocRequest.objects.filter(
        case__jobcenter_id=jobcenter_id,
        status=RequestStatus.FULFILLED,
        fulfilled_at__gte=since,
    ).values_list("id", "created_at", "fulfilled_at")
    requests: dict[int, tuple[dt.datetime, dt.datetime]] = {
        pk: (created, done) for pk, created, done in fulfilled if done is not None
    }
    # The channel of a request: the source of the last document filed for its items.
    last_source: dict[int, tuple[dt.datetime, str]] = {}
    linked = DocRequestItem.objects.filter(request_id__in=list(requests)).values_list(
        "request_id", "documents__received_at", "documents__source"
    )
    for request_id, received_at, source in linked:
        if received_at is None:
            continue
        known = last_source.get(request_id)
        if known is None or received_at > known[0]:
            last_source[request_id] = (received_at, source)
    durations: dict[tuple[dt.date, str], list[float]] = {}
    for request_id, (created, done) in requests.items():
        source = last_source.get(request_id, (done, ""))[1]
        channel = CHANNEL_OF_SOURCE.get(source, OTHER)
        monday = _week_start(timezone.localtime(done).date())
        days = (done - created).total_seconds() / 86400
        durations.setdefault((monday, channel), []).append(days)
    weeks = []
    for index in range(WEEKS):
        start = first + dt.timedelta(weeks=index)
        week = Week(start=start)
        for channel in (PORTAL, PAPER, OTHER):
            values = durations.get((start, channel), [])
            week.channels[channel] = (
                ChannelWeek(
                    count=len(values),
                    median_days=round(percentile(values, 0.5), 1),
                    p90_days=round(percentile(values, 0.9), 1),
                )
                if values
                else ChannelWeek()
            )
        weeks.append(week)
    return weeks


@dataclass
class TeamLoad:
    name: str
    open: int
    overdue: int


def requests_per_team(jobcenter_id: int, *, today: dt.date | None = None) -> list[TeamLoad]:
    today = today or timezone.localdate()
    open_statuses = [RequestStatus.OPEN, RequestStatus.PARTLY]
    rows = (
        Team.objects.filter(jobcenter_id=jobcenter_id)
        .annotate(
            open=Count("doc_requests", filter=Q(doc_requests__status__in=open_statuses)),
            overdue=Count(
                "doc_requests",
                filter=Q(doc_requests__status__in=open_statuses, doc_requests__deadline__lt=today),
            ),
        )
        .order_by("name")
    )
    return [TeamLoad(team.name, team.open, team.overdue) for team in rows]


@dataclass
class Backlog:
    files_waiting: int
    pages_waiting: int
    oldest_file_at: dt.datetime | None
    files_failed: int
    in_triage: int
    ocr_waiting: int


def intake_backlog(jobcenter_id: int) -> Backlog:
    waiting = ScanFile.objects.filter(
        jobcenter_id=jobcenter_id, status__in=[FileStatus.PENDING, FileStatus.PROCESSING]
    ).aggregate(files=Count("id"), pages=Sum("page_count"), oldest=Min("created_at"))
    return Backlog(
        files_waiting=waiting["files"],
        pages_waiting=waiting["pages"] or 0,
        oldest_file_at=waiting["oldest"],
        files_failed=ScanFile.objects.filter(
            jobcenter_id=jobcenter_id, status=FileStatus.FAILED
        ).count(),
        in_triage=IntakeDocument.objects.filter(
            file__jobcenter_id=jobcenter_id, status=IntakeStatus.TRIAGE
        ).count(),
        ocr_waiting=DocumentVersion.objects.filter(
            document__case__jobcenter_id=jobcenter_id, ocr_status=OcrStatus.PENDING
        ).count(),
    )


@dataclass
class Bar:
    """One bar of the server-drawn chart (SVG coordinates)."""

    x: float
    y: float
    height: float
    channel: str
    label: str
    p90_y: float | None


CHART_HEIGHT = 160.0
BAR_WIDTH = 14.0
WEEK_WIDTH = 44.0


def chart_bars(weeks: list[Week]) -> tuple[list[Bar], float]:
    """Median bars for portal and paper per week, the 90th percentile as a tick; heights
    relative to the largest 90th percentile shown. Returns the bars and that scale (days)."""
    values = [
        week.channels[channel].p90_days or 0.0 for week in weeks for channel in (PORTAL, PAPER)
    ]
    scale = max([*values, 1.0])
    bars = []
    for index, week in enumerate(weeks):
        for offset, channel in enumerate((PORTAL, PAPER)):
            figures = week.channels[channel]
            if figures.median_days is None or figures.p90_days is None:
                continue
            height = CHART_HEIGHT * figures.median_days / scale
            bars.append(
                Bar(
                    x=index * WEEK_WIDTH + offset * (BAR_WIDTH + 2) + 6,
                    y=CHART_HEIGHT - height,
                    height=max(height, 1.0),
                    channel=channel,
                    label=f"{week.iso} {channel}: {figures.median_days} / {figures.p90_days}",
                    p90_y=CHART_HEIGHT - CHART_HEIGHT * figures.p90_days / scale,
                )
            )
    return bars, scale
