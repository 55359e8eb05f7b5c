"""Envelope encryption of stored files: AES-256-GCM in segments, data keys wrapped by a key.

Every file gets its own random 256-bit data key (DEK). The content is encrypted in segments
of 64 KiB with AES-256-GCM (STREAM construction): segment ``i`` uses the nonce
``base_nonce || i`` and the additional data ``b"\\x01"`` for the last segment, ``b"\\x00"``
otherwise, so a flipped byte, swapped segments, a cut-off end or appended bytes all fail
authentication. The DEK is wrapped with AES-256-GCM under a key-encryption key (KEK) named by
a key id; the wrap also authenticates the header fields. Layout (format version 1)::

    magic "AMTSENC" (7) | version (1) | key id length (1) | key id | segment size (4, BE)
    | base nonce (8) | wrap nonce (12) | wrapped DEK (32 + 16 tag) | segments ...

A segment on disk is its ciphertext plus a 16-byte tag; only the last may be shorter than the
segment size, and an empty file is one empty last segment. Reading needs one segment of
memory, whatever the file's size. Rotating the KEK re-wraps the DEK and copies the segments
unchanged. See ``docs/encryption.md``.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import re
import struct
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from amtsbote.core.files import fsync_path

MAGIC = b"AMTSENC"
VERSION = 1
SEGMENT_SIZE = 64 * 1024
TAG_SIZE = 16
KEY_SIZE = 32
BASE_NONCE_SIZE = 8
WRAP_NONCE_SIZE = 12
WRAPPED_KEY_SIZE = KEY_SIZE + TAG_SIZE
MAX_HEADER_SIZE = len(MAGIC) + 2 + 255 + 4 + BASE_NONCE_SIZE + WRAP_NONCE_SIZE + WRAPPED_KEY_SIZE
KEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")
KEYS_ENV = "AMTSBOTE_STORAGE_KEYS"
LAST = b"\x01"
NOT_LAST = b"\x00"


class EncryptedFileError(Exception):
    """A stored file cannot be read: altered, cut off, or its key is missing or wrong."""


class MissingKeyError(EncryptedFileError):
    """The file was written with a key that is not configured."""


class StorageKeyError(ImproperlyConfigured):
    """The storage keys are badly configured."""


# --- keys ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Keyring:
    """Key-encryption keys by id; the first is used for new files, all of them for reading."""

    keys: tuple[tuple[str, bytes], ...]
    source: str

    @property
    def current_id(self) -> str:
        return self.keys[0][0]

    @property
    def ids(self) -> list[str]:
        return [key_id for key_id, _key in self.keys]

    def get(self, key_id: str) -> bytes | None:
        return dict(self.keys).get(key_id)

    @classmethod
    def parse(cls, text: str, source: str) -> Keyring:
        keys: list[tuple[str, bytes]] = []
        for item in re.split(r"[,\n]", text):
            item = item.strip()
            if not item or item.startswith("#"):
                continue
            key_id, sep, encoded = item.partition(":")
            key_id = key_id.strip()
            if not sep or not KEY_ID.fullmatch(key_id):
                raise StorageKeyError(
                    f"{source}: each key is 'keyid:base64' with a key id of letters, digits, "
                    f"'_', '.' or '-' (at most 64); got an entry starting {item[:12]!r}."
                )
            try:
                key = base64.b64decode(encoded.strip(), validate=True)
            except binascii.Error:
                key = b""
            if len(key) != KEY_SIZE:
                raise StorageKeyError(
                    f"{source}: key {key_id!r} must be 32 random bytes in base64 "
                    "(44 characters, e.g. from 'openssl rand -base64 32')."
                )
            if any(key_id == known for known, _key in keys):
                raise StorageKeyError(f"{source}: key id {key_id!r} appears twice.")
            keys.append((key_id, key))
        if not keys:
            raise StorageKeyError(f"{source}: no key given.")
        return cls(tuple(keys), source)


def new_key_line(key_id: str) -> str:
    """A fresh ``keyid:base64`` entry, e.g. for AMTSBOTE_STORAGE_KEYS."""
    return f"{key_id}:{base64.b64encode(os.urandom(KEY_SIZE)).decode()}"


def key_file_path() -> Path:
    return Path(settings.VAR_DIR) / "keys" / "storage.keys"


def keyring() -> Keyring:
    """The configured keys: AMTSBOTE_STORAGE_KEYS, else var/keys/storage.keys (made once)."""
    configured = getattr(settings, "STORAGE_KEYS", "")
    if configured:
        return _parse_cached(configured, KEYS_ENV)
    path = key_file_path()
    if not path.exists():
        _create_key_file(path)
    return _parse_cached(path.read_text(), str(path))


@lru_cache(maxsize=16)
def _parse_cached(text: str, source: str) -> Keyring:
    return Keyring.parse(text, source)


def _create_key_file(path: Path) -> None:
    """Write a new key file; safe when several processes start at once (one link wins)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    line = new_key_line(f"local-{os.urandom(4).hex()}")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".storage-", suffix=".keys")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(
                "# Amtsbote storage keys (keyid:base64). The first encrypts new files.\n"
                "# Without this file the stored documents cannot be read: keep a copy apart\n"
                "# from the backups of the files.\n"
                f"{line}\n"
            )
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return
        fsync_path(path.parent)
    finally:
        os.unlink(tmp)


# --- header ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    key_id: str
    segment_size: int
    base_nonce: bytes
    wrap_nonce: bytes
    wrapped_key: bytes

    def authenticated_part(self) -> bytes:
        key_id = self.key_id.encode("ascii")
        return (
            MAGIC
            + bytes([VERSION, len(key_id)])
            + key_id
            + struct.pack(">I", self.segment_size)
            + self.base_nonce
        )

    def encode(self) -> bytes:
        return self.authenticated_part() + self.wrap_nonce + self.wrapped_key

    def unwrap(self, name: str, keys: Keyring) -> bytes:
        kek = keys.get(self.key_id)
        if kek is None:
            raise MissingKeyError(
                f"Stored file {name!r} needs storage key {self.key_id!r}, which is not "
                f"configured ({keys.source} has {', '.join(keys.ids)})."
            )
        try:
            return AESGCM(kek).decrypt(self.wrap_nonce, self.wrapped_key, self.authenticated_part())
        except InvalidTag:
            raise EncryptedFileError(
                f"Stored file {name!r} cannot be opened with storage key {self.key_id!r}: "
                "the key is not the one the file was written with, or the header was altered."
            ) from None

    def rewrapped(self, dek: bytes, keys: Keyring) -> Header:
        header = Header(keys.current_id, self.segment_size, self.base_nonce, b"", b"")
        wrap_nonce = os.urandom(WRAP_NONCE_SIZE)
        kek = keys.get(keys.current_id)
        assert kek is not None
        wrapped = AESGCM(kek).encrypt(wrap_nonce, dek, header.authenticated_part())
        return Header(header.key_id, header.segment_size, header.base_nonce, wrap_nonce, wrapped)


def read_header(raw: IO[bytes], name: str) -> Header | None:
    """The header at the start of ``raw``, or None for a plaintext (legacy) file."""
    start = _read_exactly(raw, len(MAGIC) + 2)
    if not start.startswith(MAGIC):
        return None
    if len(start) < len(MAGIC) + 2:
        raise EncryptedFileError(f"Stored file {name!r} is cut off inside its header.")
    version, key_id_length = start[len(MAGIC)], start[len(MAGIC) + 1]
    if version != VERSION:
        raise EncryptedFileError(
            f"Stored file {name!r} has encryption format {version}; this Amtsbote reads {VERSION}."
        )
    rest_size = key_id_length + 4 + BASE_NONCE_SIZE + WRAP_NONCE_SIZE + WRAPPED_KEY_SIZE
    rest = _read_exactly(raw, rest_size)
    if len(rest) < rest_size:
        raise EncryptedFileError(f"Stored file {name!r} is cut off inside its header.")
    try:
        key_id = rest[:key_id_length].decode("ascii")
    except UnicodeDecodeError:
        key_id = ""
    if not KEY_ID.fullmatch(key_id):
        raise EncryptedFileError(f"Stored file {name!r} has a damaged header (key id).")
    offset = key_id_length
    (segment_size,) = struct.unpack(">I", rest[offset : offset + 4])
    if not 1024 <= segment_size <= 16 * 1024 * 1024:
        raise EncryptedFileError(f"Stored file {name!r} has a damaged header (segment size).")
    offset += 4
    base_nonce = rest[offset : offset + BASE_NONCE_SIZE]
    offset += BASE_NONCE_SIZE
    wrap_nonce = rest[offset : offset + WRAP_NONCE_SIZE]
    offset += WRAP_NONCE_SIZE
    wrapped = rest[offset : offset + WRAPPED_KEY_SIZE]
    return Header(key_id, segment_size, base_nonce, wrap_nonce, wrapped)


def plaintext_size(raw_size: int, header: Header, name: str) -> int:
    """The plaintext size of an encrypted file of ``raw_size`` bytes (no decryption needed)."""
    body = raw_size - len(header.encode())
    stride = header.segment_size + TAG_SIZE
    segments = max(1, -(-body // stride))
    last = body - (segments - 1) * stride
    if last < TAG_SIZE:
        raise EncryptedFileError(
            f"Stored file {name!r} is cut off: {body} bytes after the header cannot be "
            "a whole number of segments."
        )
    return body - segments * TAG_SIZE


def _read_exactly(raw: IO[bytes], size: int) -> bytes:
    parts: list[bytes] = []
    remaining = size
    while remaining > 0:
        part = raw.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def _nonce(base: bytes, index: int) -> bytes:
    if index >= 2**32:
        raise ValueError("file too large for one encryption stream")
    return base + struct.pack(">I", index)


# --- writing ---------------------------------------------------------------------------------


def encrypt_chunks(
    chunks: Iterable[bytes], keys: Keyring, segment_size: int = SEGMENT_SIZE
) -> Iterator[bytes]:
    """Header, then the encrypted segments of the plaintext given as ``chunks``."""
    dek = AESGCM.generate_key(bit_length=256)
    header = Header(keys.current_id, segment_size, os.urandom(BASE_NONCE_SIZE), b"", b"")
    header = header.rewrapped(dek, keys)
    yield header.encode()
    aead = AESGCM(dek)
    index = 0
    pending: bytes | None = None
    for segment in _segments(chunks, segment_size):
        if pending is not None:
            yield aead.encrypt(_nonce(header.base_nonce, index), pending, NOT_LAST)
            index += 1
        pending = segment
    yield aead.encrypt(_nonce(header.base_nonce, index), pending or b"", LAST)


def _segments(chunks: Iterable[bytes], size: int) -> Iterator[bytes]:
    buffer = bytearray()
    for chunk in chunks:
        if isinstance(chunk, str):
            chunk = chunk.encode()
        buffer += chunk
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
    if buffer:
        yield bytes(buffer)


class ChunkReader(io.RawIOBase):
    """A readable, non-seekable stream over an iterator of byte strings."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:  # type: ignore[no-untyped-def,override]
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def rewrap_chunks(
    raw: IO[bytes], name: str, keys: Keyring, chunk_size: int = 1024 * 1024
) -> Iterator[bytes]:
    """The file in ``raw`` with its data key wrapped under the current key; segments copied.

    ``raw`` is positioned at the start of an encrypted file. Raises EncryptedFileError if
    the data key cannot be unwrapped with the configured keys.
    """
    header = read_header(raw, name)
    if header is None:
        raise EncryptedFileError(f"Stored file {name!r} is not encrypted.")
    dek = header.unwrap(name, keys)
    yield header.rewrapped(dek, keys).encode()
    while chunk := raw.read(chunk_size):
        yield chunk


# --- reading ---------------------------------------------------------------------------------


class DecryptingReader(io.RawIOBase):
    """Plaintext view of an encrypted file: read, seek and tell, one segment in memory.

    Every segment is authenticated before any of its bytes are returned.
    """

    def __init__(self, raw: IO[bytes], name: str, keys: Keyring) -> None:
        self._raw = raw
        self.name = name
        raw.seek(0)
        header = read_header(raw, name)
        if header is None:
            raise EncryptedFileError(f"Stored file {name!r} is not encrypted.")
        self._header = header
        self._aead = AESGCM(header.unwrap(name, keys))
        self._data_start = len(header.encode())
        raw_size = raw.seek(0, io.SEEK_END)
        self.size = plaintext_size(raw_size, header, name)
        self._segments = max(1, -(-(raw_size - self._data_start) // self._stride))
        self._position = 0
        self._cached_index = -1
        self._cached = b""
        # The last segment carries the "last" flag and its index: authenticating it now proves
        # that nothing was cut off or appended, so ``size`` can be trusted before reading.
        self._segment(self._segments - 1)

    @property
    def _stride(self) -> int:
        return self._header.segment_size + TAG_SIZE

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            position = offset
        elif whence == io.SEEK_CUR:
            position = self._position + offset
        elif whence == io.SEEK_END:
            position = self.size + offset
        else:
            raise ValueError(f"invalid whence ({whence})")
        if position < 0:
            raise ValueError(f"negative seek position {position}")
        self._position = position
        return position

    def _segment(self, index: int) -> bytes:
        if index != self._cached_index:
            self._raw.seek(self._data_start + index * self._stride)
            ciphertext = _read_exactly(self._raw, self._stride)
            last = index == self._segments - 1
            try:
                self._cached = self._aead.decrypt(
                    _nonce(self._header.base_nonce, index), ciphertext, LAST if last else NOT_LAST
                )
            except InvalidTag:
                raise EncryptedFileError(
                    f"Stored file {self.name!r} is damaged or was altered: segment "
                    f"{index + 1} of {self._segments} does not authenticate."
                ) from None
            self._cached_index = index
        return self._cached

    def read(self, size: int | None = -1) -> bytes:
        if self.closed:
            raise ValueError("I/O operation on closed file.")
        end = self.size if size is None or size < 0 else min(self.size, self._position + size)
        parts: list[bytes] = []
        segment_size = self._header.segment_size
        while self._position < end:
            index, offset = divmod(self._position, segment_size)
            segment = self._segment(index)
            part = segment[offset : offset + end - self._position]
            if not part:  # a segment shorter than the size promised: damaged
                raise EncryptedFileError(f"Stored file {self.name!r} is damaged (short segment).")
            parts.append(part)
            self._position += len(part)
        return b"".join(parts)

    def readall(self) -> bytes:
        return self.read(-1)

    def readinto(self, target) -> int:  # type: ignore[no-untyped-def,override]
        data = self.read(len(target))
        target[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
            self._cached = b""
        super().close()
