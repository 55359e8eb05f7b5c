"""``manage.py seed_demo``: the demo data of the embedded install (``make run``)."""

from __future__ import annotations

import os
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from amtsbote.cases.models import Jobcenter
from amtsbote.demo import data
from amtsbote.demo.services import DEFAULT_PASSWORD, demo_data_create, demo_jobcenter
from amtsbote.documents import antivirus

PASSWORD_VARIABLE = "AMTSBOTE_DEMO_PASSWORD"  # noqa: S105 (a variable name)


class Command(BaseCommand):
    help = (
        "Create the demo jobcenter (Jobcenter Musterstadt) with staff, 50 households, "
        "documents and open document requests. Does nothing when it exists already. "
        f"All demo users get the password from {PASSWORD_VARIABLE} "
        f"(default: {DEFAULT_PASSWORD})."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--print-logins",
            action="store_true",
            help="Only print where to log in and the demo logins.",
        )
        parser.add_argument(
            "--site-url", default="", help="Address to print (default: AMTSBOTE_SITE_URL)."
        )
        parser.add_argument(
            "--no-documents",
            action="store_true",
            help="Leave the e-files empty (faster; no files written).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get(PASSWORD_VARIABLE) or DEFAULT_PASSWORD
        if options["print_logins"]:
            self._print_logins(password, options["site_url"] or settings.SITE_URL)
            return
        others = Jobcenter.objects.exclude(slug=data.JOBCENTER_SLUG)
        if demo_jobcenter() is None and others.exists():
            self.stdout.write(
                "This database holds other jobcenters: no demo data is added to real data."
            )
            return
        started = time.monotonic()
        # The demo's photos, letters and attachments are generated here, not received: the
        # upload paths check and clean them, without asking clamd (which may not run yet).
        with antivirus.own_files_only():
            summary = demo_data_create(
                password=password, with_documents=not options["no_documents"]
            )
        counts = ", ".join(
            f"{value} {name.replace('_', ' ')}" for name, value in summary.counts.items()
        )
        if summary.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data created in {time.monotonic() - started:.1f} s: {counts}."
                )
            )
        else:
            self.stdout.write(f"Demo data is there already ({counts}); nothing changed.")

    def _print_logins(self, password: str, site_url: str) -> None:
        if demo_jobcenter() is None:
            return
        line = "-" * 72
        write = self.stdout.write
        write(line)
        write(f"Amtsbote runs at {site_url}/  (log in: {site_url}/accounts/login/)")
        write("")
        write("Demo logins (Jobcenter Musterstadt):")
        for member in data.STAFF:
            teams = ", ".join(member.teams) or "-"
            write(f"  staff     {member.email:<28} {member.role.label} ({teams})")
        write(f"  customer  {data.ANNA['email']:<28} Anna Schmidt, BG 96201BG0012345")
        write(f"Password for all: {password}")
        if PASSWORD_VARIABLE not in os.environ:
            write(f"  (the default; set {PASSWORD_VARIABLE} before the first `make run` to choose)")
        write("Stop with Ctrl-C.")
        write(line)
