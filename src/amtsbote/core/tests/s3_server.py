"""A local S3-compatible server for the tests: moto in server mode on loopback.

It is a stand-in for a real S3-compatible object store (MinIO, Ceph, AWS S3), which is outside
these machines: the storage talks to it over HTTP with boto3 exactly as it would to the real
one (signed requests, PUT/GET/HEAD/DELETE, ranged GETs, listings), so what passes here has
gone through the same client code. What moto cannot show is the real store's durability and
its consistency under load.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

# Dummy credentials: moto accepts any; they only have to be there for boto3 to sign.
ACCESS_KEY = "amtsbote-test-access-key"
SECRET_KEY = "amtsbote-test-secret-key"
REGION = "eu-central-1"


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    port: int

    def client(self) -> Any:
        """A plain boto3 client on the server, to look at the raw objects."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_s3_server() -> Iterator[S3Server]:
    """Start moto's S3 server on 127.0.0.1 and a free port; stop it at the end."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    access_log = logging.getLogger("werkzeug")  # one line per request otherwise
    level = access_log.level
    access_log.setLevel(logging.WARNING)
    server.start()
    try:
        yield S3Server(endpoint_url=f"http://127.0.0.1:{port}", port=port)
    finally:
        server.stop()
        access_log.setLevel(level)
