"""The answer formats: decoding the bytes (charsets), reading an error in any format,
the shared field converters and parsers (send.php's own answers: tests/resources/send/)."""

from __future__ import annotations

from decimal import Decimal

import httpx2
import pytest
from answers_rendered import ENTITY_BOMB, render_error, render_success

from smsc_async import AsyncClient
from smsc_async._errors import (
    InsufficientFundsError,
    InvalidPhoneError,
    NotFoundError,
    ProtocolError,
)
from smsc_async._resources.send.answer import parse_send
from smsc_async._wire.answers import decode_text, parse_error, parse_json, parse_xml
from smsc_async._wire.values import (
    convert_fields,
    optional,
    to_decimal,
    to_int,
    to_message_id,
    to_text,
)

FORMATS = (0, 1, 2, 3)

# --------------------------------------------------------------------------- decode_text


@pytest.mark.parametrize(
    ("content_type", "encoding"),
    [
        (None, "cp1251"),
        (None, "utf-8"),
        ("application/json", "cp1251"),
        ("application/json", "utf-8"),
        ("application/json; charset=windows-1251", "cp1251"),
        ("application/json; charset=cp1251", "cp1251"),
        ("text/plain;charset=UTF-8", "utf-8"),
        ("application/json; charset=utf8", "utf-8"),
        ('application/json; Charset="utf-8"', "utf-8"),
        ("text/plain; charset=koi8-r", "koi8-r"),
        ("text/plain; charset=KOI8_R", "koi8-r"),
        ("text/plain; charset=", "cp1251"),
        ("text/plain; charset=", "utf-8"),
    ],
)
def test_decode_text_honours_declared_charset(content_type: str | None, encoding: str) -> None:
    body = '{"error": "неверный номер", "error_code": 7}'
    assert decode_text(body.encode(encoding), content_type) == body


def test_decode_text_defaults_to_windows_1251_for_cyrillic_description() -> None:
    raw = "ERROR = 3 (недостаточно средств), ID - 5".encode("cp1251")
    with pytest.raises(InsufficientFundsError) as info:
        parse_send(decode_text(raw, "text/plain"), fmt=0, cost=0, op=False)
    assert info.value.description == "недостаточно средств"
    assert info.value.message_id == 5


@pytest.mark.parametrize("content_type", [None, "application/json", "text/plain; charset="])
def test_decode_text_reads_undeclared_utf8_as_utf8(content_type: str | None) -> None:
    # Every request asks for charset=utf-8, so an answer that declares nothing is UTF-8
    # whenever it is valid UTF-8: «И» (D0 98) is not a windows-1251 character at all.
    body = '{"error": "Использован неверный номер", "error_code": 7, "id": 5}'
    assert decode_text(body.encode("utf-8"), content_type) == body
    with pytest.raises(InvalidPhoneError) as info:
        parse_send(decode_text(body.encode("utf-8"), content_type), fmt=3, cost=0, op=False)
    assert info.value.description == "Использован неверный номер"


@pytest.mark.parametrize("content_type", [None, "application/json"])
def test_decode_text_falls_back_to_windows_1251_when_not_utf8(content_type: str | None) -> None:
    body = '{"error": "неверный номер, ЁЖИК", "error_code": 7}'
    assert decode_text(body.encode("cp1251"), content_type) == body


def test_decode_text_drops_byte_order_mark() -> None:
    assert decode_text(b'\xef\xbb\xbf{"id": 1}', "application/json; charset=utf-8") == '{"id": 1}'


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"\xff\xfe\xfa", "application/json; charset=utf-8"),  # invalid UTF-8
        (b"OK \x98", None),  # 0x98 is the one byte windows-1251 leaves undefined
        (b"OK", "text/plain; charset=no-such-charset"),
        (b"OK", "text/plain; charset=rot13"),  # a codec, but not a text encoding
        (b"OK", "text/plain; charset=a\x00b"),
    ],
)
def test_decode_text_failures_are_protocol_errors(content: bytes, content_type: str) -> None:
    with pytest.raises(ProtocolError) as info:
        decode_text(content, content_type)
    assert info.value.body == content


# --------------------------------------------------------------------------- parse_error


@pytest.mark.parametrize("fmt", FORMATS)
def test_parse_error_maps_codes_by_endpoint(fmt: int) -> None:
    error = parse_error(
        render_error(fmt, 3, "record not found", None), fmt=fmt, endpoint="templates"
    )
    assert type(error) is NotFoundError
    assert error.endpoint == "templates"
    assert error.code == 3


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("cost", [0, 1, 3])
def test_parse_error_returns_none_for_successes(fmt: int, cost: int) -> None:
    assert (
        parse_error(render_success(fmt, cost, 5, 1, "1.40", "2.00"), fmt=fmt, endpoint="send")
        is None
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("text", ["OK", "", "<html><body>502</body></html>", '{"result": "OK"}'])
def test_parse_error_returns_none_for_non_error_text(fmt: int, text: str) -> None:
    assert parse_error(text, fmt=fmt, endpoint="templates") is None


def test_parse_error_unreadable_code_is_protocol_error_with_context() -> None:
    with pytest.raises(ProtocolError) as info:
        parse_error('{"error": "x", "error_code": [1]}', fmt=3, endpoint="balance")
    assert info.value.endpoint == "balance"
    assert info.value.body == b'{"error": "x", "error_code": [1]}'


# --------------------------------------------------------------------------- reusable pieces


def test_converters() -> None:
    assert to_int(" -7 ", "f") == -7
    assert to_decimal(" 1.40 ", "f") == Decimal("1.40")
    assert to_text(25001, "f") == "25001"
    assert to_text(None, "f") == ""
    assert to_message_id("0") == 0
    assert optional(to_int)("", "f") is None
    for not_int in (True, 1.0, None, "\u0661\u0662", "1_000", "", [1]):
        with pytest.raises(ProtocolError):
            to_int(not_int, "f")
    bad: object
    for bad in (False, "1_0", "nan", "-inf", "\u0661", None, {}):
        with pytest.raises(ProtocolError, match=r"^unreadable answer: f: expected"):
            to_decimal(bad, "f")


def test_convert_fields_splits_known_and_extra() -> None:
    table = {"cnt": ("parts", to_int)}
    assert convert_fields({"cnt": "2", "x": 1}, table, frozenset({"parts"})) == (
        {"parts": 2},
        {"x": 1},
    )
    with pytest.raises(ProtocolError, match="missing field 'parts'"):
        convert_fields({"x": 1}, table, frozenset({"parts"}))


def test_parse_json_and_parse_xml_raise_protocol_error() -> None:
    assert parse_json(b'{"a": 1}') == {"a": 1}
    with pytest.raises(ProtocolError):
        parse_json("{")
    assert parse_xml("<!-- c --><result><![CDATA[x]]></result>").text == "x"
    with pytest.raises(ProtocolError, match="DTD"):
        parse_xml(ENTITY_BOMB)


# --------------------------------------------------------------------------- end to end


@pytest.mark.anyio
@pytest.mark.parametrize("content_type", ["application/json", None])
async def test_client_reads_an_undeclared_utf8_answer(content_type: str | None) -> None:
    body = '{"error": "Игнорирован: неверный номер", "error_code": 7, "id": 9}'.encode()

    async def answer(request: httpx2.Request) -> httpx2.Response:
        headers = {"Content-Type": content_type} if content_type else {}
        return httpx2.Response(200, content=body, headers=headers)

    async with AsyncClient(
        login="shop", password="pa55word", transport=httpx2.MockTransport(answer)
    ) as client:
        with pytest.raises(InvalidPhoneError) as info:
            await client.send("79991112233", "Hi")
    assert info.value.description == "Игнорирован: неверный номер"
    assert info.value.message_id == 9
