"""Helpers for messaging tests: threads go through the real services."""

from __future__ import annotations

from amtsbote.documents.tests import samples
from amtsbote.messaging.models import Topic
from amtsbote.messaging.services import thread_start, topic_defaults_ensure


def topic(jobcenter, code: str = "leistung") -> Topic:
    topic_defaults_ensure(jobcenter=jobcenter)
    return Topic.objects.get(jobcenter=jobcenter, code=code)


def photo(text: str = "Mietvertrag Seite 1") -> tuple[str, bytes]:
    return ("foto.jpg", samples.jpeg_bytes(lines=[text]))


def start(customer, *, code="leistung", subject="Frage zur Miete", body="Guten Tag, …", files=()):
    jobcenter = customer.person.case.jobcenter
    return thread_start(
        customer=customer,
        topic=topic(jobcenter, code),
        subject=subject,
        body=body,
        files=list(files),
    ).thread
