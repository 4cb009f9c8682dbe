"""Finding credentials where an error tracker would look: the exception, its chain, its frames.

`credential_forms` lists what a credential may look like once a server or a library has
handled it (raw, URL-encoded either way, with ``+`` for spaces, JSON- and HTML-escaped, the
password's MD5); it is written independently of the SDK's own redaction, so a test using it
checks that code instead of repeating it. `leaks` walks an exception the way Sentry and
friends do, and further: every exception reachable through ``__cause__``/``__context__``
(suppressed or not); each one's ``str``, ``repr``, ``args``, attributes and ``__notes__``; the
printed traceback; and the ``repr`` of every local of every frame in every traceback (bytes
and text also as themselves). It returns where each form was found, for a readable failure.
"""

from __future__ import annotations

import hashlib
import html
import json
import traceback
from collections.abc import Iterable, Iterator
from types import TracebackType
from urllib.parse import quote, quote_plus

__all__ = ["assert_no_leak", "credential_forms", "leaks"]


def credential_forms(*values: str, password: str | None = None) -> set[str]:
    """Every form the credential ``values`` (and ``password``'s MD5) may take in text."""
    forms: set[str] = set()
    for value in (*values, *([password] if password else [])):
        encoded = {quote(value, safe=""), quote_plus(value, safe=""), quote(value)}
        for text in (value, *encoded):
            forms.update({text, text.lower(), text.upper()} if text != value else {text})
        forms.add(html.escape(value))
        forms.add(json.dumps(value)[1:-1])
        forms.add(json.dumps(value, ensure_ascii=False)[1:-1])
    if password:
        digest = hashlib.md5(password.encode("utf-8")).hexdigest()
        forms.update({digest, digest.upper()})
    return {form for form in forms if form}


def _texts(value: object) -> Iterator[str]:
    """How ``value`` may be seen: its repr, and bytes/str as themselves."""
    try:
        yield repr(value)
    except Exception as exc:
        yield f"<repr failed: {exc!r}>"
    if isinstance(value, str):
        yield value
    elif isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        yield raw.decode("utf-8", "replace")
        yield raw.decode("latin-1")
        yield raw.decode("cp1251", "replace")


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        todo.extend(getattr(current, "exceptions", ()))  # an exception group's members


def _frames(tb: TracebackType | None) -> Iterator[TracebackType]:
    while tb is not None:
        yield tb
        tb = tb.tb_next


def _places(exc: BaseException, *, frames: bool) -> Iterator[tuple[str, str]]:
    yield "printed traceback", "".join(traceback.format_exception(exc))
    for number, current in enumerate(_chain(exc)):
        name = f"chain[{number}] {type(current).__name__}"
        yield f"{name} str", str(current)
        yield f"{name} repr", repr(current)
        for arg in current.args:
            for text in _texts(arg):
                yield f"{name} args", text
        for attribute, value in vars(current).items():
            for text in _texts(value):
                yield f"{name}.{attribute}", text
        for note in getattr(current, "__notes__", ()):
            yield f"{name} note", str(note)
        if not frames:
            continue
        for tb in _frames(current.__traceback__):
            code = tb.tb_frame.f_code
            where = f"{name} frame {code.co_name} ({code.co_filename}:{tb.tb_lineno})"
            for local, value in tb.tb_frame.f_locals.items():
                for text in _texts(value):
                    yield f"{where} local {local!r}", text


def leaks(exc: BaseException, forms: Iterable[str], *, frames: bool = True) -> list[str]:
    """Where any of ``forms`` shows in ``exc``; empty when nowhere."""
    wanted = sorted(set(forms), key=len, reverse=True)
    found = []
    for place, text in _places(exc, frames=frames):
        hits = [form for form in wanted if form in text]
        if hits:
            found.append(f"{place}: {hits[0]!r}")
    return found


def assert_no_leak(exc: BaseException, forms: Iterable[str], *, frames: bool = True) -> None:
    """Fail, saying where, if any of ``forms`` shows anywhere in ``exc`` (see `leaks`)."""
    found = leaks(exc, forms, frames=frames)
    assert not found, "credential found in the error:\n" + "\n".join(found[:20])
