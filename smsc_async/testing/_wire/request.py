"""The request side of the emulator's wire: `FakeRequest`, the seam every server fills, and
its parameters read exactly as SMSC reads them, written from SMSC's docs alone (never shared
with the SDK's encoder).

Parsing order matters: form values are percent-decoded to *bytes* first, and only then
decoded with the request's ``charset`` (windows-1251 when absent), exactly as SMSC reads them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_to_bytes

import attrs
import orjson

__all__ = [
    "CHARSETS",
    "FORMATS",
    "BadRequest",
    "FakeFile",
    "FakeRequest",
    "ParsedRequest",
    "fallback_format",
    "parse_request",
    "request_params",
]

#: Accepted ``charset`` values → Python codec. The answer names the charset as requested.
CHARSETS: Mapping[str, str] = {
    "windows-1251": "cp1251",
    "cp1251": "cp1251",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "koi8-r": "koi8-r",
}
DEFAULT_CHARSET = "windows-1251"


#: The answer formats ``fmt`` selects: 0 text, 1 comma-separated, 2 XML, 3 JSON.
FORMATS = range(4)


@attrs.frozen(kw_only=True)
class FakeRequest:
    """An HTTP request as the emulator sees it (built by a transport or by hand in tests).

    Attributes:
        method: ``GET`` or ``POST``.
        path: e.g. ``/sys/send.php`` or ``/rest/send/``.
        query: the raw query string (GET parameters), ``b""`` if none.
        content_type: the ``Content-Type`` header, or ``None``.
        body: the raw body: url-encoded form, multipart, or JSON (``/rest/send/``).
        peer: the client's address, informational.

    ``repr`` shows neither query nor body: both may carry ``psw`` or ``apikey``.
    """

    method: str
    path: str
    query: bytes = attrs.field(default=b"", repr=lambda q: f"<{len(q)} bytes>")
    content_type: str | None = None
    body: bytes = attrs.field(default=b"", repr=False)
    peer: str = "local"


@attrs.frozen(kw_only=True)
class FakeFile:
    """A file part of a ``multipart/form-data`` request.

    Attributes:
        field: the form field name.
        filename: the file name the client gave.
        content_type: the part's ``Content-Type`` (``None`` when absent).
        data: the file's bytes.
    """

    field: str
    filename: str
    content_type: str | None
    data: bytes = attrs.field(repr=lambda d: f"<{len(d)} bytes>")


class BadRequest(Exception):
    """The request's parameters cannot be read (bad charset, undecodable bytes, bad JSON)."""


@attrs.frozen(kw_only=True)
class ParsedRequest:
    """A request's parameters, decoded.

    Attributes:
        params: every parameter as text (later sources win: query, then body).
        files: file parts of a multipart body.
        charset: the answer's charset name (as requested, lower-case).
        fmt: the answer format 0..3 (anything else reads as 0).
    """

    params: Mapping[str, str]
    files: tuple[FakeFile, ...]
    charset: str
    fmt: int

    def identity(self) -> tuple[Any, ...]:
        """What makes two requests "identical" for the rate rules: every parameter except
        the credentials (so a GET and a POST of the same values are the same request), plus
        the files' names and contents."""
        fields = tuple(sorted((k, v) for k, v in self.params.items() if k not in _SECRETS))
        files = tuple((f.field, f.filename, hashlib.sha256(f.data).hexdigest()) for f in self.files)
        return fields, files


_SECRETS = frozenset({"login", "psw", "apikey"})


def _split_form(raw: bytes) -> list[tuple[bytes, bytes]]:
    pairs = []
    for piece in raw.split(b"&"):
        if not piece:
            continue
        name, _, value = piece.partition(b"=")
        pairs.append(
            (
                unquote_to_bytes(name.replace(b"+", b" ")),
                unquote_to_bytes(value.replace(b"+", b" ")),
            )
        )
    return pairs


def _header_params(value: str) -> tuple[str, dict[str, str]]:
    main, *rest = value.split(";")
    params = {}
    for item in rest:
        key, _, val = item.strip().partition("=")
        val = val.strip()
        if len(val) >= 2 and val[0] == val[-1] == '"':
            val = val[1:-1]
        params[key.strip().lower()] = val
    return main.strip().lower(), params


def _split_multipart(body: bytes, boundary: str) -> tuple[list[tuple[bytes, bytes]], list[Any]]:
    """Text fields as raw (name, value) pairs and file parts as (field, name, type, data)."""
    if not boundary:
        raise BadRequest("multipart without boundary")
    fields: list[tuple[bytes, bytes]] = []
    files: list[Any] = []
    for chunk in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if chunk.startswith(b"--"):
            break
        head, sep, data = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not sep:
            raise BadRequest("malformed multipart part")
        data = data.removesuffix(b"\r\n")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, val = line.partition(":")
            headers[key.strip().lower()] = val.strip()
        _, disposition = _header_params(headers.get("content-disposition", ""))
        name = disposition.get("name", "").encode("utf-8")
        if "filename" in disposition:
            files.append((name, disposition["filename"], headers.get("content-type"), data))
        else:
            fields.append((name, data))
    return fields, files


def _json_fields(body: bytes) -> list[tuple[bytes, bytes]]:
    """A JSON object's members as UTF-8 (name, value) pairs: numbers as text, booleans as 1/0,
    lists joined with commas, nulls dropped. JSON is UTF-8 by definition (RFC 8259), so
    ``charset`` in a JSON body only chooses the answer's encoding."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest("invalid JSON body") from exc
    if not isinstance(data, dict):
        raise BadRequest("JSON body is not an object")
    pairs = []
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, bool):
            text = "1" if value else "0"
        elif isinstance(value, (str, int, float)):
            text = str(value)
        elif isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
            text = ",".join(str(v) for v in value)
        else:
            raise BadRequest(f"unsupported JSON value for {key!r}")
        pairs.append((key.encode("utf-8"), text.encode("utf-8")))
    return pairs


def _fmt_of(raw: bytes | None) -> int:
    try:
        value = int(raw or b"0")
    except ValueError:
        return 0
    return value if value in FORMATS else 0


def parse_request(request: FakeRequest) -> ParsedRequest:
    """Decode a request's parameters.

    Raises:
        BadRequest: with ``.args[0]`` a reason; `fallback_format` still tells the answer's
            ``fmt`` and charset so the error can be rendered.
    """
    raw, raw_files, is_json = _raw_pairs(request)
    last = dict(raw)
    charset = last.get(b"charset", b"").decode("latin-1").strip().lower() or DEFAULT_CHARSET
    fmt = _fmt_of(last.get(b"fmt"))
    if charset not in CHARSETS:
        raise BadRequest(f"unknown charset {charset!r}")
    codec = "utf-8" if is_json else CHARSETS[charset]
    try:
        params = {k.decode(codec): v.decode(codec) for k, v in raw}
    except UnicodeDecodeError as exc:
        raise BadRequest(f"parameters are not valid {charset}") from exc
    files = tuple(
        FakeFile(field=n.decode(codec, "replace"), filename=f, content_type=t, data=d)
        for n, f, t, d in raw_files
    )
    return ParsedRequest(params=params, files=files, charset=charset, fmt=fmt)


def fallback_format(request: FakeRequest) -> tuple[int, str]:
    """The ``fmt`` and charset to answer an unreadable request in, as far as they can be read."""
    try:
        raw, _, _ = _raw_pairs(request)
    except BadRequest:
        raw = _split_form(request.query)
    last = dict(raw)
    charset = last.get(b"charset", b"").decode("latin-1").strip().lower()
    return _fmt_of(last.get(b"fmt")), charset if charset in CHARSETS else DEFAULT_CHARSET


def _raw_pairs(request: FakeRequest) -> tuple[list[tuple[bytes, bytes]], list[Any], bool]:
    pairs = _split_form(request.query)
    files: list[Any] = []
    is_json = False
    if request.method.upper() == "POST" and request.body:
        kind, ctype = _header_params(request.content_type or "")
        if kind == "multipart/form-data":
            fields, files = _split_multipart(request.body, ctype.get("boundary", ""))
            pairs += fields
        elif "json" in kind or (not kind and request.body.lstrip().startswith(b"{")):
            pairs += _json_fields(request.body)
            is_json = True
        else:
            pairs += _split_form(request.body)
    return pairs, files, is_json


def request_params(request: FakeRequest) -> Mapping[str, str]:
    """The request's decoded parameters (query, then body), or none if they are unreadable."""
    try:
        return parse_request(request).params
    except BadRequest:
        return {}
