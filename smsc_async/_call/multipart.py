"""The streamed ``multipart/form-data`` body of a request that carries attachments.

Credentials and options go first, as plain text parts (UTF-8); then one part per file, named
``file0``, ``file1``, … in attachment order, streamed from the `Attachment` and never held in
memory whole. The boundary is 32 random hex digits that no text field contains.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncGenerator, Iterable, Sequence
from contextlib import aclosing

from .._types.attachment import Attachment

__all__ = ["MultipartBody"]


def _field_part(boundary: bytes, name: str, value: str) -> bytes:
    return b"".join(
        (
            b"--" + boundary + b"\r\n",
            b'Content-Disposition: form-data; name="' + name.encode("ascii") + b'"\r\n\r\n',
            value.encode("utf-8"),
            b"\r\n",
        )
    )


def _file_head(boundary: bytes, name: str, attachment: Attachment) -> bytes:
    disposition = f'form-data; name="{name}"; filename="{attachment.filename}"'
    return (
        b"--" + boundary + b"\r\n"
        b"Content-Disposition: " + disposition.encode("utf-8") + b"\r\n"
        b"Content-Type: " + attachment.content_type.encode("ascii") + b"\r\n\r\n"
    )


def _boundary(values: Iterable[str]) -> bytes:
    """A random boundary that none of the text fields contains."""
    encoded = [value.encode("utf-8") for value in values]
    while True:
        marker = f"smsc-{secrets.token_hex(16)}".encode("ascii")
        if not any(marker in value for value in encoded):
            return marker


class MultipartBody:
    """A ``multipart/form-data`` body: text fields, then files streamed from their sources.

    Implements `smsc_async._transports.base.BodyStream`: its `length` is exact and `chunks`
    can be iterated again (a file object that cannot seek only once: see `Attachment`).
    ``repr`` shows sizes only, never the fields (they hold the credentials).

    Args:
        fields: (name, value) text fields in order; names are ASCII without quotes.
        files: the attachments, sent as parts ``file0``, ``file1``, …
        boundary: for tests; a random one by default.
    """

    __slots__ = ("_boundary", "_files", "_head", "_tail", "length")

    def __init__(
        self,
        fields: Iterable[tuple[str, str]],
        files: Sequence[Attachment] = (),
        *,
        boundary: str | None = None,
    ) -> None:
        fields = list(fields)
        for name, _ in fields:
            if not name.isascii() or any(char in name for char in '"\r\n'):
                raise ValueError("multipart field names must be ASCII without quotes")
        marker = boundary.encode("ascii") if boundary else _boundary(value for _, value in fields)
        head = b"".join(_field_part(marker, name, value) for name, value in fields)
        self._boundary = marker
        self._head = head
        self._files = tuple(
            (f"file{index}", _file_head(marker, f"file{index}", attachment), attachment)
            for index, attachment in enumerate(files)
        )
        self._tail = b"--" + marker + b"--\r\n"
        self.length: int = (
            len(head)
            + sum(len(file_head) + attachment.size + 2 for _, file_head, attachment in self._files)
            + len(self._tail)
        )

    def __repr__(self) -> str:
        return f"<MultipartBody {self.length} bytes, {len(self._files)} files>"

    @property
    def content_type(self) -> str:
        """``multipart/form-data; boundary=…``, for the ``Content-Type`` header."""
        return f"multipart/form-data; boundary={self._boundary.decode('ascii')}"

    @property
    def files(self) -> tuple[Attachment, ...]:
        """The attachments, in part order."""
        return tuple(attachment for _, _, attachment in self._files)

    async def chunks(self) -> AsyncGenerator[bytes, None]:
        """The whole body from its first byte; every call starts over."""
        if self._head:
            yield self._head
        for name, file_head, attachment in self._files:
            yield file_head
            async with aclosing(attachment.chunks(name)) as data:
                async for chunk in data:
                    yield chunk
            yield b"\r\n"
        yield self._tail
