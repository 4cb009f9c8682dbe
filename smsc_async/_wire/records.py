"""Decoders of the account-level answers — ``ping.php`` and other bare ``OK`` answers,
``balance.php``, raw requests — and the steps every account decoder shares.

Pure functions, no I/O, built on `smsc_async._wire.answers`'s converters. Each decoder first
recognises an error answer (raising the `ApiError` its code means on that endpoint), then
reads the format's shape into raw field mappings and converts them through one table per
result type. Anything else raises `ProtocolError` naming the endpoint.

A bare ``OK`` is accepted as success in every format (the server has sent it even when JSON
was asked for).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any, TypeVar

from .._errors import ProtocolError, ValidationError
from .answers import parse_error, parse_json, parse_xml
from .values import to_text

__all__ = [
    "decoded",
    "json_rows",
    "parse_ok",
    "raw_text",
    "text_lines",
    "xml_rows",
]

T = TypeVar("T")


# --------------------------------------------------------------------------- shared steps


def decoded(text: str, fmt: int, endpoint: str, read: Callable[[str], T]) -> T:
    """Raise the error ``text`` holds, else return ``read(text)``; a `ProtocolError` from
    either step is re-raised naming ``endpoint`` and keeping the body (never in the message).

    Raises:
        ApiError: the answer is an error; the subclass is what its code means on ``endpoint``.
        ProtocolError: the answer could not be understood.
        ValidationError: ``fmt`` is not 0..3.
    """
    if fmt not in (0, 1, 2, 3):
        raise ValidationError("fmt", "must be 0, 1, 2 or 3")
    try:
        error = parse_error(text, fmt=fmt, endpoint=endpoint)
        if error is not None:
            raise error
        return read(text)
    except ProtocolError as exc:
        body = exc.body if exc.body is not None else text.encode("utf-8", "backslashreplace")
        failure = ProtocolError(exc.reason, endpoint=endpoint, body=body)
    raise failure  # outside the except block: chained to nothing (see `in_context`)


def raw_text(value: object, field: str) -> str:
    """Free text (a message) kept exactly, surrounding blanks included; None → ``""``."""
    return value if isinstance(value, str) else to_text(value, field)


def xml_rows(text: str) -> list[dict[str, object]]:
    """The records of an XML list answer: one mapping per child of the root element.

    A root without element children (``<list/>``) is an empty list. Leaf text is kept as is,
    since it may be a message.
    """
    return [_xml_record(child) for child in parse_xml(text)]


def _xml_record(element: ET.Element) -> dict[str, object]:
    return {child.tag: child.text or "" for child in element}


def json_rows(text: str) -> list[Any]:
    """A JSON array of objects (a lone object counts as an array of one)."""
    data = parse_json(text)
    rows = data if isinstance(data, list) else [data]
    if not all(isinstance(row, dict) for row in rows):
        raise ProtocolError("answer: expected JSON objects")
    return rows


def text_lines(text: str) -> list[str]:
    """The lines of a fmt 0/1 answer, without line-end characters; none for blank text."""
    return [line.rstrip("\r") for line in text.strip("\r\n").split("\n")] if text.strip() else []


def is_ok(text: str) -> bool:
    return text.strip().upper() == "OK"


# --------------------------------------------------------------------------- OK answers


def _read_ok(fmt: int) -> Callable[[str], None]:
    def read(text: str) -> None:
        if is_ok(text):
            return
        if fmt == 2:
            root = parse_xml(text)
            if not len(root) and is_ok(root.text or ""):
                return
        elif fmt == 3:
            data = parse_json(text)
            if isinstance(data, dict) and is_ok(str(data.get("result", ""))):
                return
        raise ProtocolError("not an OK answer")

    return read


def parse_ok(text: str, *, fmt: int, endpoint: str) -> None:
    """Read the success answer of a change, a deletion or ``ping.php``: ``OK``,
    ``<result>OK</result>`` or ``{"result": "OK"}``.

    Raises:
        ApiError: an error answer (meaning per ``endpoint``).
        ProtocolError: anything else.
    """
    decoded(text, fmt, endpoint, _read_ok(fmt))


# --------------------------------------------------------------------------- balance.php


# --------------------------------------------------------------------------- raw requests
