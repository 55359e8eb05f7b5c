"""Prometheus metrics (``/metrics``): requests, task durations, OCR pages, queue depth.

Web and worker processes are many, so counters and histograms live in prometheus_client's
multiprocess mode: every process writes its own memory-mapped files under
``PROMETHEUS_MULTIPROC_DIR`` (``var/metrics/`` by default; ``scripts/run.sh`` empties it at
start), and ``/metrics`` adds them up. Per machine: Prometheus scrapes every machine that
runs web processes. The queue depth is read from the database at each scrape, so it is the
same everywhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REQUESTS = Counter(
    "amtsbote_http_requests_total",
    "HTTP requests answered, by method, view and status code.",
    ["method", "view", "status"],
)
REQUEST_SECONDS = Histogram(
    "amtsbote_http_request_duration_seconds",
    "Time to answer an HTTP request, by view.",
    ["view"],
    buckets=(0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30),
)
TASK_SECONDS = Histogram(
    "amtsbote_task_duration_seconds",
    "Run time of background tasks, by task and outcome.",
    ["task", "status"],
    buckets=(0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900),
)
OCR_PAGES = Counter(
    "amtsbote_ocr_pages_total",
    "Pages read by OCR, by source (portal uploads, mailroom scans).",
    ["source"],
)


def ocr_pages_count(pages: int, *, source: str) -> None:
    OCR_PAGES.labels(source=source).inc(pages)


class QueueDepthCollector(Collector):
    """Tasks waiting and running, per queue, read from the database at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django_tasks_db.models import DBTaskResult

        family = GaugeMetricFamily(
            "amtsbote_task_queue_depth",
            "Background tasks waiting (READY) or running, per queue.",
            labels=["queue", "status"],
        )
        rows = (
            DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
            .values_list("queue_name", "status")
            .annotate(count=Count("id"))
        )
        for queue, status, count in rows:
            family.add_metric([queue, status], count)
        yield family


def registry() -> CollectorRegistry:
    """What one scrape shows: every process's counters added up, plus the queue depth."""
    collected = CollectorRegistry()
    multiprocess.MultiProcessCollector(collected)  # type: ignore[no-untyped-call]
    collected.register(QueueDepthCollector())
    return collected


def metrics_text() -> tuple[bytes, str]:
    return generate_latest(registry()), CONTENT_TYPE_LATEST


class RequestMetricsMiddleware:
    """Counts every answered request and its duration, labelled with the view's URL name
    (never the path: uuids in paths would make a label per object)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or "unnamed") if match is not None else "unresolved"
        REQUESTS.labels(request.method or "", view, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(view).observe(time.perf_counter() - started)
        return response


def task_finished_observe(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """django-tasks' ``task_finished`` signal, in the worker process."""
    started, finished = task_result.started_at, task_result.finished_at
    if started is None or finished is None:
        return
    status = getattr(task_result.status, "value", task_result.status)
    TASK_SECONDS.labels(task_result.task.module_path, str(status)).observe(
        max((finished - started).total_seconds(), 0.0)
    )


def metrics_enabled() -> bool:
    return bool(getattr(settings, "METRICS_TOKEN", ""))
