"""A push service on loopback, with the browser's side of the keys: the real protocol.

It plays what Firefox's autopush or Google's FCM plus the browser do together: it has the
subscription's P-256 key pair and auth secret (what ``PushManager.subscribe`` makes in a
browser), accepts the POST that pywebpush sends (RFC 8030), checks the VAPID authorization
(RFC 8292: an ES256 JWT signed by the server's key, ``aud`` its own origin, not expired) and
decrypts the aes128gcm body (RFC 8291) with http_ece, as a browser does before handing the
JSON to the service worker. It answers 201, or what a test tells it to (410 for a gone
subscription).
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    vapid_claims: dict[str, Any]
    vapid_public_key: str
    payload: dict[str, Any]
    plaintext: str


class VapidRejected(Exception):
    pass


def verify_vapid(authorization: str, origin: str) -> tuple[dict[str, Any], str]:
    """``vapid t=<JWT>, k=<public key>`` (RFC 8292 § 3): checks the ES256 signature with
    ``k``, that ``aud`` is this service's origin and ``exp`` lies in the next 24 hours."""
    scheme, _, params = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise VapidRejected(f"scheme {scheme!r}")
    values = dict(part.strip().split("=", 1) for part in params.split(","))
    token, public_key = values["t"], values["k"]
    header_b64, claims_b64, signature_b64 = token.split(".")
    header = json.loads(b64url_decode(header_b64))
    if header.get("alg") != "ES256":
        raise VapidRejected(f"alg {header.get('alg')!r}")
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(public_key))
    raw = b64url_decode(signature_b64)
    if len(raw) != 64:
        raise VapidRejected("signature length")
    signature = encode_dss_signature(
        int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    )
    try:
        key.verify(signature, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise VapidRejected("bad signature") from exc
    claims = json.loads(b64url_decode(claims_b64))
    if claims.get("aud") != origin:
        raise VapidRejected(f"aud {claims.get('aud')!r} is not {origin!r}")
    if not time.time() < int(claims.get("exp", 0)) <= time.time() + 24 * 3600:
        raise VapidRejected("exp")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise VapidRejected("sub")
    return claims, public_key


@dataclass
class LoopbackPushService:
    """One push service with one browser subscription per ``subscription()`` call."""

    server: ThreadingHTTPServer | None = None
    received: list[Received] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    answers: dict[str, int] = field(default_factory=dict)  # path -> status to answer
    browsers: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def origin(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def subscription(self) -> dict[str, Any]:
        """What ``PushSubscription.toJSON()`` gives in a browser: a new key pair and auth
        secret, and an endpoint on this service."""
        private_key = ec.generate_private_key(ec.SECP256R1())
        auth = secrets.token_bytes(16)
        path = f"/wpush/v2/{secrets.token_urlsafe(16)}"
        self.browsers[path] = (private_key, auth)
        public = private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.origin + path,
            "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(auth)},
        }

    def answer(self, endpoint: str, status: int) -> None:
        self.answers[endpoint.removeprefix(self.origin)] = status

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> int:
        if path not in self.browsers:
            return 404
        try:
            claims, public_key = verify_vapid(headers.get("authorization", ""), self.origin)
        except (VapidRejected, KeyError, ValueError) as exc:
            with self.lock:
                self.rejected.append(str(exc))
            return 403
        status = self.answers.get(path, 201)
        if status != 201:
            return status
        if headers.get("content-encoding") != "aes128gcm" or "ttl" not in headers:
            with self.lock:
                self.rejected.append("headers")
            return 400
        private_key, auth = self.browsers[path]
        plaintext = http_ece.decrypt(
            body, private_key=private_key, auth_secret=auth, version="aes128gcm"
        ).decode()
        with self.lock:
            self.received.append(
                Received(
                    path=path,
                    headers=headers,
                    vapid_claims=claims,
                    vapid_public_key=public_key,
                    payload=json.loads(plaintext),
                    plaintext=plaintext,
                )
            )
        return 201

    def start(self) -> LoopbackPushService:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                headers = {key.lower(): value for key, value in self.headers.items()}
                status = service.handle(self.path, headers, body)
                self.send_response(status)
                if status == 201:
                    self.send_header("Location", f"{service.origin}/m/{secrets.token_hex(8)}")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
