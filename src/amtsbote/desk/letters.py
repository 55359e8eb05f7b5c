"""Letters the desk prints: the activation letter (Freischaltcode) as an A4 PDF."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from amtsbote.accounts.models import ActivationCode
from amtsbote.core import refcodes
from amtsbote.documents.processing import html_to_pdf


def activation_url(code: str) -> str:
    """The portal address a customer opens (or scans) to enter the code."""
    return f"{settings.SITE_URL}{reverse('portal:activate')}?{urlencode({'code': code})}"


def activation_qr_svg(code: str) -> str:
    return segno.make(activation_url(code)).svg_inline(scale=4)


def activation_context(activation: ActivationCode, code: str) -> dict[str, object]:
    person = activation.person
    return {
        "activation": activation,
        "person": person,
        "jobcenter": person.case.jobcenter,  # type: ignore[attr-defined]
        "case": person.case,  # type: ignore[attr-defined]
        "code": refcodes.group(code),
        "qr_svg": activation_qr_svg(code),
        "portal_url": f"{settings.SITE_URL}{reverse('portal:home')}",
        "activation_url": activation_url(code),
        "today": timezone.localdate(),
    }


def activation_letter_pdf(activation: ActivationCode, code: str) -> bytes:
    """The letter in the official language (German, § 19 SGB X), whatever the desk's language."""
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "desk/letters/activation_letter.html", activation_context(activation, code)
        )
    return html_to_pdf(html)
