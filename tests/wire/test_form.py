"""The form body every request is sent as: encodeURIComponent escaping, a bounded cache."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smsc_async._wire import form as _encode
from smsc_async._wire.form import form_body, form_fields

JS_SAFE = "!'()*~"  # with quote()'s own "-_.~": exactly encodeURIComponent's unreserved set


def test_form_body_escapes_like_encode_uri_component() -> None:
    body = form_body({"k": "a b+c,d@e:f\ng!'()*~-_.h/?&=#%;ё€😀"})
    assert body == (
        b"k=a%20b%2Bc%2Cd%40e%3Af%0Ag!'()*~-_.h%2F%3F%26%3D%23%25%3B%D1%91%E2%82%AC%F0%9F%98%80"
    )
    assert form_body({}) == b""
    assert form_body({"a": "", "b c": "1"}) == b"a=&b%20c=1"
    with pytest.raises(UnicodeEncodeError):
        form_body({"a": "lone \ud800"})


def test_form_body_cache_is_bounded() -> None:
    many = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 3 * _encode._TABLE_LIMIT))
    expected = quote(many, safe=JS_SAFE)
    assert form_body({"k": many}) == f"k={expected}".encode()
    assert len(_encode._PERCENT) <= _encode._TABLE_LIMIT
    assert form_body({"k": many}) == f"k={expected}".encode()


@given(st.dictionaries(st.text(min_size=1), st.text()))
def test_form_body_round_trip(params: dict[str, str]) -> None:
    decoded = parse_qsl(form_body(params).decode("ascii"), keep_blank_values=True)
    assert decoded == list(params.items())
    reference = "&".join(
        f"{quote(k, safe=JS_SAFE)}={quote(v, safe=JS_SAFE)}" for k, v in params.items()
    )
    assert form_body(params) == reference.encode()


def test_form_fields_reads_a_body_back() -> None:
    body = form_body({"login": "a b", "psw": "p+&=ё"}) + b"&"
    assert form_fields(body) == [("login", "a b"), ("psw", "p+&=ё")]
    assert form_fields(b"") == []
