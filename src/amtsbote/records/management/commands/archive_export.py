"""Export a case as an archive package (ZIP, xdomea-style metadata, SHA-256 manifest)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amtsbote.cases.models import Case
from amtsbote.cases.validators import normalize_number
from amtsbote.core.exceptions import AmtsboteError
from amtsbote.records.archive import case_export


class Command(BaseCommand):
    help = "Write the archive package of a case (BG-Nummer) to a ZIP file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("bg_number", help="BG-Nummer of the case, e.g. 96201BG0012345")
        parser.add_argument("--jobcenter", help="code (slug) of the jobcenter holding the case")
        parser.add_argument("-o", "--output", required=True, help="path of the ZIP to write")

    def handle(self, *args: Any, **options: Any) -> None:
        cases = Case.objects.filter(bg_number=normalize_number(options["bg_number"]))
        if options["jobcenter"]:
            cases = cases.filter(jobcenter__slug=options["jobcenter"])
        found = list(cases.select_related("jobcenter")[:2])
        if not found:
            raise CommandError(f"No case with the BG-Nummer {options['bg_number']}.")
        if len(found) > 1:
            raise CommandError(
                "Several jobcenters hold this BG-Nummer: name one with --jobcenter "
                f"({', '.join(c.jobcenter.slug for c in cases.select_related('jobcenter'))})."
            )
        case = found[0]
        try:
            result = case_export(
                case,
                actor=None,
                target=options["output"],
                progress=lambda line: self.stdout.write(f"  {line}"),
            )
        except AmtsboteError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{case.bg_number} ({case.jobcenter.slug}): package {result.package_id}, "
            f"{result.documents} documents, {result.files} files, {result.bytes} bytes "
            f"-> {options['output']}"
        )
