"""``manage.py seal_certificate_create``: make sure receipts can be sealed (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from amtsbote.core.sealing import SealingError, seal_certificate_create, seal_certificate_subject


class Command(BaseCommand):
    help = (
        "Make the self-signed demo seal certificate in $AMTSBOTE_VAR_DIR/keys/seal-demo.p12 "
        "(mode 600) unless it exists, or check that the certificate in AMTSBOTE_SEAL_PKCS12 "
        "can be read. The demo certificate is not a qualified electronic seal."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            cert, made = seal_certificate_create()
            subject = seal_certificate_subject()
        except SealingError as exc:
            raise CommandError(str(exc)) from exc
        if cert.demo:
            state = "made" if made else "already there"
            self.stdout.write(
                f"Demo seal certificate {state}: {cert.path} ({subject}). "
                "It is not a qualified seal; set AMTSBOTE_SEAL_PKCS12 in production."
            )
        else:
            self.stdout.write(f"Seal certificate {cert.path} can be read ({subject}).")
