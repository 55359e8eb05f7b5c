"""A real embedded deployment for benchmarks: fresh var/ dir, granian web server, task worker.

Nothing is mocked: the same processes ``make run`` starts, on SQLite, on loopback.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Debian's Chromium as the tests launch it, for the scripts that drive a browser (page
# weight, screenshots); they import it from here.
from tests.chromium import CHROMIUM as CHROMIUM  # noqa: E402
from tests.chromium import CHROMIUM_ARGS as CHROMIUM_ARGS  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def machine() -> dict:
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    cpu = ""
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


@contextmanager
def deployment(*, with_worker: bool = True, demo: bool = False):
    """Yield (base_url, env) of a fresh embedded deployment; tear everything down after.

    ``demo``: as ``make run`` prepares it — demo data and static files collected (hashed,
    compressed)."""
    var = Path(tempfile.mkdtemp(prefix="amtsbote-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "AMTSBOTE_VAR_DIR": str(var),
        "AMTSBOTE_SITE_URL": f"http://127.0.0.1:{port}",
        "AMTSBOTE_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "amtsbote.settings",
        "PYTHONPATH": str(ROOT / "src"),
        "OMP_THREAD_LIMIT": "1",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([*manage, "createcachetable"], env=env, check=True)
    if demo:
        subprocess.run(
            [*manage, "seal_certificate_create"], env=env, check=True, stdout=subprocess.DEVNULL
        )
        subprocess.run([*manage, "seed_demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(
            [*manage, "collectstatic", "--noinput", "-v0"],
            env={**env, "AMTSBOTE_STATIC_MANIFEST": "1"},
            check=True,
        )
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "granian",
                "--interface",
                "wsgi",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "2",
                "--no-access-log",
                "amtsbote.wsgi:application",
            ],
            env=env,
            cwd=ROOT / "src",
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    if with_worker:
        processes.append(
            subprocess.Popen(
                ["nice", "-n", "10", *manage, "db_worker", "--interval", "0.2"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base, env
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(var, ignore_errors=True)


class Browser:
    """A cookie-keeping HTTP client speaking forms like a browser would (stdlib only)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict[str, str], files: list[tuple[str, str, bytes]] = ()):
        boundary = uuid.uuid4().hex
        body = bytearray()
        for name, value in {**fields, "csrfmiddlewaretoken": self.csrf()}.items():
            body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, filename, data in files:
            body += (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'
            ).encode()
            body += data + b"\r\n"
        body += f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(
            self.base + path,
            data=bytes(body),
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Referer": self.base + path,
            },
        )
        with self.opener.open(request, timeout=60) as response:
            return response.status, response.geturl(), response.read().decode()

    def login(self, email: str, password: str) -> None:
        self.get("/accounts/login/")
        _status, url, _ = self.post("/accounts/login/", {"login": email, "password": password})
        if "/accounts/login/" in url:
            raise RuntimeError(f"login failed for {email}")


def urls_in(html: str, pattern: str) -> list[str]:
    return re.findall(pattern, html)


def quote(text: str) -> str:
    return urllib.parse.quote(text)
