"""``manage.py verify_receipt FILE.pdf``: is this receipt genuine? Exit status 0 yes, 1 no."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from amtsbote.core.sealing import verify_pdf


class Command(BaseCommand):
    help = (
        "Check the electronic seal of a PDF issued by Amtsbote (a receipt, a proof of "
        "delivery): genuine only if the seal is intact, covers the whole file and was made "
        "with the configured seal certificate. Exit status 0 when genuine, 1 when not."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the PDF to check")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        verdict = verify_pdf(data)
        self.stdout.write(f"{path}: {'GENUINE' if verdict.genuine else 'NOT GENUINE'}")
        self.stdout.write(f"  {verdict.reason}")
        if verdict.signer:
            self.stdout.write(f"  signer: {verdict.signer}")
        if verdict.signed_at:
            kind = "timestamp" if verdict.timestamped else "sealed at (signer's clock)"
            self.stdout.write(f"  {kind}: {timezone.localtime(verdict.signed_at).isoformat()}")
        if verdict.signer:
            self.stdout.write(f"  seal covers the whole file: {verdict.covers_whole_document}")
        if verdict.demo_certificate:
            self.stdout.write("  note: this installation uses a demo seal certificate")
        if not verdict.genuine:
            sys.exit(1)
