"""Attachments: files for MMS, e-mail, voice and Viber sends, streamed when they are sent.

Files come from paths, bytes or binary file objects and are streamed, never copied into
memory as a whole: a path is read 64 KiB at a time in a worker thread (``anyio.open_file``),
a file object likewise. Every size is known before anything is sent (``stat``, ``len``, or
seek-to-end), so each kind's limits are checked up front and the body goes out with an exact
``Content-Length``.

Decisions where the API text is silent:

* File parts are named ``file0``, ``file1``, … in attachment order, as SMSC's own PHP library
  names them (``$post["file".$i]`` over a list); ``<file n>`` in a text counts from 1 in the
  same order, so ``<file 1>`` is part ``file0``.
* Credentials and options go first, as plain text parts (UTF-8, ``charset=utf-8``).
* A file name must not hold ``"``, ``\\`` or control characters: servers disagree on how to
  escape them inside ``Content-Disposition``, so such a name is rejected (pass ``filename=``).
* The boundary is 32 random hex digits; file contents are not scanned for it (the chance of
  a collision is 2**-128 per position, as with every browser's form upload).
* A body may be produced again for a retry after `RequestNotSent`: a path is reopened, bytes
  are reused, a seekable file object is rewound to where it stood when the `Attachment` was
  made. A file object that cannot seek can be streamed only once; a second attempt raises
  `RequestNotSent` from the stream, so the call ends in `NotSentError` (nothing was sent).
* A file that changes size or cannot be read while it is streamed raises `AttachmentError`
  before the body is complete, so the server never processes the request.
"""

from __future__ import annotations

import contextlib
import io
import mimetypes
import os
import re
import stat
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from functools import partial
from pathlib import Path
from typing import Any, Final, Protocol, cast

import anyio
import anyio.to_thread
import attrs

from .._errors import ValidationError
from .._transports.base import RequestNotSent

__all__ = [
    "CHUNK_SIZE",
    "Attachment",
    "AttachmentError",
    "BinaryReadable",
]

CHUNK_SIZE: Final = 64 * 1024
"""Bytes read from a file per step while streaming."""

MIB: Final = 1024 * 1024

_BAD_FILENAME = re.compile(r'["\\\x00-\x1f\x7f-\x9f]|[\ud800-\udfff]')
_MEDIA_TYPE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\s*;[\x20-\x7e]*)?"
)


class AttachmentError(ValidationError):
    """An attachment cannot be used: missing, not a regular file, unreadable, or changed.

    Raised when the `Attachment` is made, or during a send while its bytes are streamed. In
    the second case the request body was cut short before its end, so the server never
    processed it: nothing was sent and nothing was charged.
    """


class BinaryReadable(Protocol):
    """A binary file object: ``read(n)`` returns bytes (``seek``/``tell`` are optional)."""

    def read(self, size: int = ..., /) -> bytes | None:
        """At most ``size`` bytes; ``b""`` at the end."""
        ...


class _Cursor:
    """Whether a file object has been read from, and whether a send is reading it now."""

    __slots__ = ("busy", "started")

    def __init__(self) -> None:
        self.started = False
        # One file object has one position: two sends reading it at once would interleave
        # their reads and upload each other's bytes.
        self.busy = False


def _check_filename(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AttachmentError("filename", "must be a non-empty string")
    if len(value) > 255:
        raise AttachmentError("filename", "must be at most 255 characters")
    if _BAD_FILENAME.search(value):
        raise AttachmentError(
            "filename", 'must not contain ", \\, control characters or undecodable bytes'
        )
    return value


def _content_type(filename: str, given: str | None) -> str:
    if given is None:
        guessed, _ = mimetypes.guess_type(filename, strict=False)
        return guessed or "application/octet-stream"
    if not isinstance(given, str) or not _MEDIA_TYPE.fullmatch(given):
        raise AttachmentError("content_type", "must be an ASCII media type such as 'image/png'")
    return given


@attrs.frozen(kw_only=True, eq=False)
class Attachment:
    """A file to attach to an MMS, e-mail, voice call or Viber message.

    Build one with `from_path`, `from_bytes` or `from_file`. Nothing is read until the
    message is sent, and then only in chunks.

    Attributes:
        filename: the name the server sees (a path's last component by default).
        content_type: the media type, guessed from ``filename`` unless given.
        size: the exact size in bytes, measured when the attachment was made.
    """

    filename: str
    content_type: str
    size: int
    _source: Path | bytes | BinaryReadable = attrs.field(repr=False)
    _offset: int = attrs.field(default=0, repr=False)
    _seekable: bool = attrs.field(default=True, repr=False)
    _cursor: _Cursor = attrs.field(factory=_Cursor, repr=False, init=False)

    def __attrs_post_init__(self) -> None:
        _check_filename(self.filename)
        _content_type(self.filename, self.content_type)
        if not isinstance(self.size, int) or self.size < 0:
            raise AttachmentError("size", "must be a whole number of bytes, 0 or more")

    @property
    def extension(self) -> str:
        """The file name's extension, lower-case and without the dot (``""`` if none)."""
        return Path(self.filename).suffix.lower().removeprefix(".")

    @classmethod
    def from_path(
        cls,
        path: str | os.PathLike[str],
        content_type: str | None = None,
        *,
        filename: str | None = None,
    ) -> Attachment:
        """An attachment read from ``path`` when sent (its size is taken now).

        Raises:
            AttachmentError: the path is not an existing regular file, or a bad name/type.
        """
        file_path = Path(path)
        try:
            info = file_path.stat()
        except OSError as exc:
            raise AttachmentError("path", f"cannot be read ({type(exc).__name__})") from exc
        if not stat.S_ISREG(info.st_mode):
            raise AttachmentError("path", "must name a regular file")
        name = _check_filename(file_path.name if filename is None else filename)
        return cls(
            filename=name,
            content_type=_content_type(name, content_type),
            size=info.st_size,
            source=file_path,
        )

    @classmethod
    def from_bytes(
        cls, data: bytes | bytearray | memoryview, filename: str, content_type: str | None = None
    ) -> Attachment:
        """An attachment holding ``data`` (copied into an immutable ``bytes``)."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise AttachmentError("data", "must be bytes")
        name = _check_filename(filename)
        raw = bytes(data)
        return cls(filename=name, content_type=_content_type(name, content_type), size=len(raw),
                   source=raw)  # fmt: skip

    @classmethod
    def from_file(
        cls,
        fileobj: BinaryReadable,
        filename: str,
        content_type: str | None = None,
        *,
        size: int | None = None,
    ) -> Attachment:
        """An attachment read from a binary file object, from its current position to its end.

        A seekable object is measured now and rewound there before every attempt, so it can
        be retried. An object that cannot seek (a pipe, a socket) needs ``size=`` and can be
        streamed only once (see the module docstring). The object is not closed.

        Raises:
            AttachmentError: a text-mode or unreadable object, a missing or wrong ``size``.
        """
        if isinstance(fileobj, io.TextIOBase) or not callable(getattr(fileobj, "read", None)):
            raise AttachmentError("fileobj", "must be a binary file object (opened with 'rb')")
        name = _check_filename(filename)
        seekable, offset, handle = False, 0, cast(Any, fileobj)
        with contextlib.suppress(OSError, ValueError, AttributeError, TypeError):
            seekable = bool(handle.seekable())
        if seekable:
            try:
                offset = handle.tell()
                measured = handle.seek(0, os.SEEK_END) - offset
                handle.seek(offset)
            except (OSError, ValueError) as exc:
                raise AttachmentError("fileobj", "could not be measured") from exc
            if size is not None and size != measured:
                raise AttachmentError("size", "does not match the bytes left in the file")
            size = measured
        elif size is None:
            raise AttachmentError("size", "is required for a file object that cannot seek")
        return cls(filename=name, content_type=_content_type(name, content_type), size=size,
                   source=fileobj, offset=offset, seekable=seekable)  # fmt: skip

    async def chunks(self, part: str = "file") -> AsyncGenerator[bytes, None]:
        """The attachment's bytes in chunks of at most `CHUNK_SIZE` (``size`` in total).

        ``part`` names the attachment in errors.

        Raises:
            AttachmentError: the file changed size or could not be read.
            RequestNotSent: a file object that cannot seek was already read from.
        """
        source = self._source
        if isinstance(source, bytes):
            if source:
                yield source
            return
        if isinstance(source, Path):
            async with aclosing(self._path_chunks(source, part)) as chunks:
                async for chunk in chunks:
                    yield chunk
            return
        async with aclosing(self._object_chunks(source, part)) as chunks:
            async for chunk in chunks:
                yield chunk

    async def _path_chunks(self, path: Path, part: str) -> AsyncGenerator[bytes, None]:
        try:
            file = await anyio.open_file(path, "rb")
        except OSError as exc:
            raise AttachmentError(part, f"cannot be read ({type(exc).__name__})") from exc
        try:
            remaining = self.size
            while remaining:
                chunk = await _read(file.read, min(CHUNK_SIZE, remaining), part)
                remaining -= len(chunk)
                yield chunk
            if await _read(file.read, 1, part, eof=True):
                raise AttachmentError(part, "grew while it was being sent")
        finally:
            with anyio.CancelScope(shield=True):
                await file.aclose()

    async def _object_chunks(
        self, fileobj: BinaryReadable, part: str
    ) -> AsyncGenerator[bytes, None]:
        cursor = self._cursor
        if not self._seekable and cursor.started:
            raise RequestNotSent(
                f"{part}: a file object that cannot seek cannot be sent a second time"
            )
        if cursor.busy:
            raise AttachmentError(part, "is being sent by another call (one file position)")
        cursor.started = cursor.busy = True
        try:
            if self._seekable:
                await anyio.to_thread.run_sync(cast(Any, fileobj).seek, self._offset)
            # A pipe or socket may stall: a cancelled call (its deadline) must not wait for it.
            read = partial(anyio.to_thread.run_sync, fileobj.read, abandon_on_cancel=True)
            remaining = self.size
            while remaining:
                chunk = await _read(read, min(CHUNK_SIZE, remaining), part)
                remaining -= len(chunk)
                yield chunk
            if self._seekable and await _read(read, 1, part, eof=True):
                raise AttachmentError(part, "grew while it was being sent")
        finally:
            cursor.busy = False


async def _read(
    read: Callable[[int], Awaitable[bytes | None]], size: int, part: str, *, eof: bool = False
) -> bytes:
    """One read of at most ``size`` bytes: never empty unless ``eof`` is expected."""
    try:
        chunk = await read(size)
    except (OSError, ValueError) as exc:
        raise AttachmentError(part, f"could not be read ({type(exc).__name__})") from exc
    if not isinstance(chunk, bytes):
        raise AttachmentError(part, "did not read as bytes (is the file open in binary mode?)")
    if not chunk and not eof:
        raise AttachmentError(part, "shrank while it was being sent")
    return chunk
