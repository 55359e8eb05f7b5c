"""A small OpenID Connect provider on loopback, for the single sign-on tests.

This is a fake of the jobcenter's identity provider (Keycloak, or Azure AD), which lives
outside these machines: no identity provider can be installed or reached here. It is not a
fake of Amtsbote's code. It speaks the parts of OpenID Connect Core 1.0 (authorization code
flow) that django-allauth's ``openid_connect`` provider uses, over real HTTP on 127.0.0.1, with
Keycloak's URL layout (``/realms/<realm>/protocol/openid-connect/…``):

- ``/.well-known/openid-configuration``: discovery.
- ``…/auth``: the authorization endpoint. It checks the client, the exact redirect URI,
  ``response_type=code``, the ``openid`` scope and a PKCE ``code_challenge`` with method
  ``S256`` (as a Keycloak client with "PKCE method S256" does), then signs in the configured
  user without asking (``sign_in_as``) and redirects back with ``code``, ``state``,
  ``session_state`` and ``iss``. With no user configured it answers ``access_denied``.
- ``…/token``: the token endpoint. Client authentication by ``client_secret_basic`` or
  ``client_secret_post``; the code is single-use, bound to its client and redirect URI and
  valid for a minute; the PKCE ``code_verifier`` must hash to the challenge. It returns an
  access token and an RS256-signed ID token (``iss aud azp exp iat auth_time jti sub
  email email_verified name given_name family_name preferred_username`` and ``nonce`` when
  the authorization request had one).
- ``…/certs``: the JWKS with the public signing key.
- ``…/userinfo``: the user's claims for a valid ``Bearer`` access token.

What is unlike a real Keycloak: no login form, consent, sessions, refresh tokens or logout;
one client and one user at a time. Tests can make it misbehave on purpose:
``id_token_claims`` overrides claims of the next ID tokens (a wrong ``aud`` or ``iss``, an
``exp`` in the past, a foreign ``nonce``), ``sign_with_foreign_key`` signs them with a key
that is not in the JWKS (under the published ``kid``), and ``userinfo_claims`` overrides
what the userinfo endpoint says. Every request is recorded for the tests to look at.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CODE_LIFETIME_SECONDS = 60
TOKEN_LIFETIME_SECONDS = 300


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of a verifier (RFC 7636, 4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass
class Grant:
    """What an authorization code stands for until it is exchanged."""

    client_id: str
    redirect_uri: str
    scope: list[str]
    code_challenge: str
    nonce: str | None
    claims: dict[str, Any]
    issued_at: float


@dataclass
class Request:
    """One request the provider received, as the tests see it."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]
    status: int = 0
    response: dict[str, Any] = field(default_factory=dict)


class LoopbackIdentityProvider:
    """An OpenID Connect provider on ``127.0.0.1`` (see the module docstring)."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        realm: str = "jobcenter",
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.realm = realm
        self.redirect_uris: list[str] = []
        self.kid = uuid.uuid4().hex
        self._key = _new_key()
        self._foreign_key = _new_key()
        self._lock = threading.Lock()
        self._codes: dict[str, Grant] = {}
        self._used_codes: set[str] = set()
        self._access_tokens: dict[str, tuple[dict[str, Any], float]] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.requests: list[Request] = []
        self.user: dict[str, Any] | None = None
        self.id_token_claims: dict[str, Any] = {}
        self.userinfo_claims: dict[str, Any] = {}
        self.sign_with_foreign_key = False
        self.issued_id_tokens: list[str] = []

    # --- life cycle ---------------------------------------------------------------------------

    def start(self) -> LoopbackIdentityProvider:
        provider = self

        class Handler(_Handler):
            idp = provider

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="loopback-oidc", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def reset(self) -> None:
        """Forget users, codes, tokens, misbehaviour and recorded requests."""
        with self._lock:
            self._codes.clear()
            self._used_codes.clear()
            self._access_tokens.clear()
            self.requests.clear()
            self.issued_id_tokens.clear()
        self.user = None
        self.id_token_claims = {}
        self.userinfo_claims = {}
        self.sign_with_foreign_key = False
        self.redirect_uris = []

    # --- configuration ------------------------------------------------------------------------

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the provider first"
        return int(self._server.server_address[1])

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}/realms/{self.realm}"

    def endpoint(self, name: str) -> str:
        return f"{self.issuer}/protocol/openid-connect/{name}"

    def sign_in_as(
        self,
        email: str,
        *,
        email_verified: bool = True,
        sub: str | None = None,
        given_name: str = "Single",
        family_name: str = "Sign-On",
    ) -> dict[str, Any]:
        """The user the authorization endpoint signs in without asking."""
        self.user = {
            "sub": sub or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.issuer}/{email}")),
            "email": email,
            "email_verified": email_verified,
            "preferred_username": email.split("@")[0],
            "given_name": given_name,
            "family_name": family_name,
            "name": f"{given_name} {family_name}",
        }
        return self.user

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.endpoint("auth"),
            "token_endpoint": self.endpoint("token"),
            "userinfo_endpoint": self.endpoint("userinfo"),
            "jwks_uri": self.endpoint("certs"),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": [
                "sub",
                "iss",
                "aud",
                "exp",
                "iat",
                "auth_time",
                "nonce",
                "email",
                "email_verified",
                "name",
                "given_name",
                "family_name",
                "preferred_username",
            ],
            "authorization_response_iss_parameter_supported": True,
        }

    def jwks(self) -> dict[str, Any]:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def requests_to(self, name: str) -> list[Request]:
        """The recorded requests to one endpoint (``auth``, ``token``, ``userinfo``, ``certs``)."""
        path = urlsplit(self.endpoint(name)).path
        with self._lock:
            return [request for request in self.requests if request.path == path]

    # --- the protocol -------------------------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """Returns (status, headers, body) for a request to the authorization endpoint."""
        if query.get("client_id") != self.client_id:
            return _error_page("Client not found.")
        redirect_uri = query.get("redirect_uri", "")
        if redirect_uri not in self.redirect_uris:
            return _error_page("Invalid parameter: redirect_uri")

        def back(**params: str) -> tuple[int, dict[str, str], str]:
            if "state" in query:
                params["state"] = query["state"]
            params["iss"] = self.issuer
            return HTTPStatus.FOUND, {"Location": f"{redirect_uri}?{urlencode(params)}"}, ""

        if query.get("response_type") != "code":
            return back(error="unsupported_response_type")
        scope = query.get("scope", "").split()
        if "openid" not in scope:
            return back(error="invalid_scope", error_description="Missing openid scope")
        challenge = query.get("code_challenge", "")
        if not challenge or query.get("code_challenge_method") != "S256":
            return back(error="invalid_request", error_description="Missing parameter: S256")
        if self.user is None:
            return back(error="access_denied", error_description="User denied the request")
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._codes[code] = Grant(
                client_id=self.client_id,
                redirect_uri=redirect_uri,
                scope=scope,
                code_challenge=challenge,
                nonce=query.get("nonce"),
                claims=dict(self.user),
                issued_at=time.time(),
            )
        return back(code=code, session_state=uuid.uuid4().hex)

    def token(self, form: dict[str, str], headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Returns (status, JSON body) for a request to the token endpoint."""
        client_id, secret = _client_credentials(form, headers)
        if client_id != self.client_id or not secrets.compare_digest(
            secret or "", self.client_secret
        ):
            return HTTPStatus.UNAUTHORIZED, {
                "error": "invalid_client",
                "error_description": "Invalid client or Invalid client credentials",
            }
        if form.get("grant_type") != "authorization_code":
            return HTTPStatus.BAD_REQUEST, {"error": "unsupported_grant_type"}
        code = form.get("code", "")
        with self._lock:
            grant = self._codes.pop(code, None)
            reused = code in self._used_codes
            self._used_codes.add(code)
        if grant is None:
            description = "Code is not valid" if not reused else "Code already used"
            return HTTPStatus.BAD_REQUEST, {
                "error": "invalid_grant",
                "error_description": description,
            }
        if time.time() - grant.issued_at > CODE_LIFETIME_SECONDS:
            return HTTPStatus.BAD_REQUEST, {
                "error": "invalid_grant",
                "error_description": "Code not valid",
            }
        if grant.client_id != client_id or form.get("redirect_uri") != grant.redirect_uri:
            return HTTPStatus.BAD_REQUEST, {
                "error": "invalid_grant",
                "error_description": "Incorrect redirect_uri",
            }
        verifier = form.get("code_verifier", "")
        if not verifier or not secrets.compare_digest(s256(verifier), grant.code_challenge):
            return HTTPStatus.BAD_REQUEST, {
                "error": "invalid_grant",
                "error_description": "PKCE verification failed: Code mismatch",
            }
        now = int(time.time())
        access_token = secrets.token_urlsafe(32)
        with self._lock:
            self._access_tokens[access_token] = (grant.claims, now + TOKEN_LIFETIME_SECONDS)
        id_token = self._id_token(grant, now)
        return HTTPStatus.OK, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_SECONDS,
            "id_token": id_token,
            "scope": " ".join(grant.scope),
            "session_state": uuid.uuid4().hex,
        }

    def _id_token(self, grant: Grant, now: int) -> str:
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "azp": self.client_id,
            "exp": now + TOKEN_LIFETIME_SECONDS,
            "iat": now,
            "auth_time": int(grant.issued_at),
            "jti": str(uuid.uuid4()),
            "typ": "ID",
            **grant.claims,
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        claims.update(self.id_token_claims)
        key = self._foreign_key if self.sign_with_foreign_key else self._key
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})
        with self._lock:
            self.issued_id_tokens.append(token)
        return token

    def userinfo(self, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        with self._lock:
            found = self._access_tokens.get(token) if scheme.lower() == "bearer" else None
        if found is None or found[1] < time.time():
            return HTTPStatus.UNAUTHORIZED, {
                "error": "invalid_token",
                "error_description": "Token verification failed",
            }
        return HTTPStatus.OK, {**found[0], **self.userinfo_claims}


def _client_credentials(
    form: dict[str, str], headers: dict[str, str]
) -> tuple[str | None, str | None]:
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value).decode("utf-8")
        except ValueError:
            return None, None
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return form.get("client_id"), form.get("client_secret")


def _error_page(message: str) -> tuple[int, dict[str, str], str]:
    body = f"<!doctype html><title>Error</title><p>{html.escape(message)}</p>"
    return HTTPStatus.BAD_REQUEST, {"Content-Type": "text/html; charset=utf-8"}, body


class _Handler(BaseHTTPRequestHandler):
    idp: LoopbackIdentityProvider
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read ``idp.requests`` instead."""

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        idp = self.idp
        url = urlsplit(self.path)
        query = {name: values[0] for name, values in parse_qs(url.query).items()}
        form: dict[str, str] = {}
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            body = self.rfile.read(length).decode("utf-8")
            form = {name: values[0] for name, values in parse_qs(body).items()}
        headers = {name.lower(): value for name, value in self.headers.items()}
        recorded = Request(self.command, url.path, query, form, headers)
        with idp._lock:
            idp.requests.append(recorded)

        realm = urlsplit(idp.issuer).path
        protocol = f"{realm}/protocol/openid-connect/"
        if url.path == f"{realm}/.well-known/openid-configuration" and self.command == "GET":
            self._json(HTTPStatus.OK, idp.discovery(), recorded)
        elif url.path == protocol + "certs" and self.command == "GET":
            self._json(HTTPStatus.OK, idp.jwks(), recorded)
        elif url.path == protocol + "auth" and self.command == "GET":
            status, extra, text = idp.authorize(query)
            recorded.status = status
            recorded.response = extra
            self._send(status, extra, text.encode("utf-8"))
        elif url.path == protocol + "token" and self.command == "POST":
            status, payload = idp.token(form, headers)
            self._json(status, payload, recorded)
        elif url.path == protocol + "userinfo":
            status, payload = idp.userinfo(headers)
            self._json(status, payload, recorded)
        else:
            self._json(HTTPStatus.NOT_FOUND, {"error": "not_found"}, recorded)

    def _json(self, status: int, payload: dict[str, Any], recorded: Request) -> None:
        recorded.status = status
        recorded.response = payload
        headers = {
            "Content-Type": "application/json",
            "Cache-Control": "no-store",
            "Pragma": "no-cache",
        }
        if status == HTTPStatus.UNAUTHORIZED:
            headers["WWW-Authenticate"] = f'Bearer error="{payload.get("error", "")}"'
        self._send(status, headers, json.dumps(payload).encode("utf-8"))

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
