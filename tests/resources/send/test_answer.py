"""send.php's answers: every documented error and success, the ``op=1`` reports, malformed
answers, in all four formats (the formats themselves: tests/wire/test_answers.py)."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import orjson
import pytest
from answers_rendered import ENTITY_BOMB, render_error, render_success
from hypothesis import given, settings
from hypothesis import strategies as st

from smsc_async._errors import (
    ApiError,
    AuthenticationError,
    DuplicateRequestError,
    InsufficientFundsError,
    InvalidDateError,
    InvalidParametersError,
    InvalidPhoneError,
    IpBlockedError,
    MessageForbiddenError,
    ProtocolError,
    SmscError,
    UndeliverableError,
    ValidationError,
)
from smsc_async._resources.send.answer import parse_send
from smsc_async._types.results import CostResult, PhoneReport, SendResult
from smsc_async._wire.answers import (
    decode_text,
    parse_error,
)

FORMATS = (0, 1, 2, 3)

# --------------------------------------------------------------------------- §2.2 errors

SEND_ERRORS: dict[int, type[ApiError]] = {
    1: InvalidParametersError,
    2: AuthenticationError,
    3: InsufficientFundsError,
    4: IpBlockedError,
    5: InvalidDateError,
    6: MessageForbiddenError,
    7: InvalidPhoneError,
    8: UndeliverableError,
    9: DuplicateRequestError,
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("code", sorted(SEND_ERRORS))
@pytest.mark.parametrize("mid", [None, 34, "order-17.b"])
def test_send_error_table(fmt: int, code: int, mid: int | str | None) -> None:
    text = render_error(fmt, code, "описание (подробно)", mid)
    with pytest.raises(ApiError) as info:
        parse_send(text, fmt=fmt, cost=3, op=False)
    error = info.value
    assert type(error) is SEND_ERRORS[code]
    assert error.code == code
    assert error.endpoint == "send"
    assert error.message_id == mid
    # fmt=1 errors carry no description.
    assert error.description == ("" if fmt == 1 else "описание (подробно)")


@pytest.mark.parametrize(
    ("text", "fmt", "cls", "mid", "desc"),
    [
        ('{"error": "invalid number", "error_code": 7, "id": 34}', 3, InvalidPhoneError, 34, ""),
        (
            '{"error": "duplicate request, wait a minute", "error_code": 9}',
            3,
            DuplicateRequestError,
            None,
            "duplicate request, wait a minute",
        ),
        ('{"error": "authorise error", "error_code": "2"}', 3, AuthenticationError, None, ""),
        ("ERROR = 1 (parameters error)", 0, InvalidParametersError, None, "parameters error"),
        ("ERROR = 6 (message is denied), ID - 123\n", 0, MessageForbiddenError, 123, ""),
        ("ERROR = 4", 0, IpBlockedError, None, ""),
        ("error = 8 (no route) , id - x_1", 0, UndeliverableError, "x_1", "no route"),
        ("0,-9", 1, DuplicateRequestError, None, ""),
        ("abc,-3", 1, InsufficientFundsError, "abc", ""),
        (
            "<result><error>x</error><error_code>5</error_code><id>0</id></result>",
            2,
            InvalidDateError,
            None,
            "x",
        ),
    ],
)
def test_recorded_and_variant_error_shapes(
    text: str, fmt: int, cls: type[ApiError], mid: object, desc: str
) -> None:
    with pytest.raises(ApiError) as info:
        parse_send(text, fmt=fmt, cost=0, op=False)
    assert type(info.value) is cls
    assert info.value.message_id == mid
    if desc:
        assert info.value.description == desc


@pytest.mark.parametrize("fmt", [2, 3])
def test_plain_text_error_is_recognised_when_the_server_ignored_fmt(fmt: int) -> None:
    with pytest.raises(AuthenticationError):
        parse_send("ERROR = 2 (authorise error)", fmt=fmt, cost=0, op=False)


def test_error_message_id_given_on_any_code_is_kept() -> None:
    with pytest.raises(AuthenticationError) as info:
        parse_send('{"error": "x", "error_code": 2, "id": "77"}', fmt=3, cost=0, op=False)
    assert info.value.message_id == 77


def test_error_on_a_cost_request() -> None:
    with pytest.raises(DuplicateRequestError):
        parse_send("0,-9", fmt=1, cost=1, op=True)


@pytest.mark.parametrize(
    "text",
    [
        '{"error": "no code"}',
        '{"error": "x", "error_code": true}',
        '{"error": "x", "error_code": "seven"}',
        '{"error": "x", "error_code": 7, "id": 1.5}',
        "<result><error>x</error><error_code></error_code></result>",
    ],
)
def test_error_shape_with_unreadable_code_is_protocol_error(text: str) -> None:
    fmt = 2 if text.startswith("<") else 3
    with pytest.raises(ProtocolError) as info:
        parse_send(text, fmt=fmt, cost=0, op=False)
    assert info.value.endpoint == "send"


# --------------------------------------------------------------------------- §2.3 successes


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("cost", [0, 2, 3])
@pytest.mark.parametrize("mid", [1234, "client-id_1.x", "007"])
def test_send_success_table(fmt: int, cost: int, mid: int | str) -> None:
    result = parse_send(
        render_success(fmt, cost, mid, 3, "4.20", "100.50"), fmt=fmt, cost=cost, op=False
    )
    assert result == SendResult(
        id=mid,
        parts=3,
        cost=Decimal("4.20") if cost >= 2 else None,
        balance=Decimal("100.50") if cost == 3 else None,
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_cost_only_table(fmt: int) -> None:
    result = parse_send(render_success(fmt, 1, 0, 2, "1.40", ""), fmt=fmt, cost=1, op=False)
    assert result == CostResult(cost=Decimal("1.40"), parts=2)


def test_numeric_string_ids_become_int_only_when_canonical() -> None:
    assert parse_send("OK - 1 SMS, ID - 42", fmt=0, cost=0, op=False).id == 42  # type: ignore[union-attr]
    assert parse_send('{"id": "42", "cnt": 1}', fmt=3, cost=0, op=False).id == 42  # type: ignore[union-attr]
    assert parse_send("-5,1", fmt=1, cost=0, op=False).id == "-5"  # type: ignore[union-attr]


def test_json_money_tolerates_numbers_without_float_noise() -> None:
    result = parse_send('{"id": 1, "cnt": "2", "cost": 0.1, "balance": 7}', fmt=3, cost=3, op=False)
    assert result == SendResult(id=1, parts=2, cost=Decimal("0.1"), balance=Decimal(7))


def test_unknown_fields_are_kept_in_extra() -> None:
    json_result = parse_send('{"id": 1, "cnt": 1, "new": [1, 2]}', fmt=3, cost=0, op=False)
    assert json_result.extra == {"new": [1, 2]}
    xml_result = parse_send(
        "<result><id>1</id><cnt>1</cnt><zone>2</zone></result>", fmt=2, cost=0, op=False
    )
    assert xml_result.extra == {"zone": "2"}
    text_result = parse_send("OK - 1 SMS, ID - 9, ZONE - 4", fmt=0, cost=0, op=False)
    assert text_result.extra == {"zone": "4"}
    cost_result = parse_send('{"id": 5, "cost": "1", "cnt": 1}', fmt=3, cost=1, op=False)
    assert cost_result.extra == {"id": 5}


def test_cost_answer_with_cost_two_missing_cost_is_tolerated() -> None:
    assert parse_send("1,1", fmt=1, cost=2, op=False) == SendResult(id=1, parts=1)


# --------------------------------------------------------------------------- op=1 reports

PHONES = (
    PhoneReport(phone="79991112233", mccmnc="25001", cost=Decimal("1.40"), status=1, error=0),
    PhoneReport(phone="79994445566", mccmnc="25099", cost=Decimal("0"), status=22, error=249),
)
PHONE_LINES = "\n79991112233,25001,1.40,1,0\r\n79994445566,25099,0,22,249\n"
PHONE_XML = (
    '<phones><phone mccmnc="25001" cost="1.40" status="1" error="0">79991112233</phone>'
    '<phone mccmnc="25099" cost="0" status="22" error="249">79994445566</phone></phones>'
)
PHONE_JSON = (
    '"phones": [{"phone": "79991112233", "mccmnc": "25001", "cost": "1.40", "status": "1",'
    ' "error": "0"}, {"phone": "79994445566", "mccmnc": 25099, "cost": "0", "status": 22,'
    ' "error": "249"}]'
)
OP_BODIES = {
    0: "OK - 2 SMS, ID - 8, COST - 1.40, BALANCE - 9.60" + PHONE_LINES,
    1: "8,2,1.40,9.60" + PHONE_LINES,
    2: "<result><id>8</id><cnt>2</cnt><cost>1.40</cost><balance>9.60</balance>"
    + PHONE_XML
    + "</result>",
    3: '{"id": 8, "cnt": 2, "cost": "1.40", "balance": "9.60", ' + PHONE_JSON + "}",
}
OP_COST_BODIES = {
    0: "1.40 (2 SMS)" + PHONE_LINES,
    1: "1.40,2" + PHONE_LINES,
    2: f"<result><cost>1.40</cost><cnt>2</cnt>{PHONE_XML}</result>",
    3: '{"cost": "1.40", "cnt": 2, ' + PHONE_JSON + "}",
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_op_report_on_send(fmt: int) -> None:
    result = parse_send(OP_BODIES[fmt], fmt=fmt, cost=3, op=True)
    assert result == SendResult(
        id=8, parts=2, cost=Decimal("1.40"), balance=Decimal("9.60"), phones=PHONES
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_op_report_on_cost(fmt: int) -> None:
    result = parse_send(OP_COST_BODIES[fmt], fmt=fmt, cost=1, op=True)
    assert result == CostResult(cost=Decimal("1.40"), parts=2, phones=PHONES)


@pytest.mark.parametrize("fmt", [0, 1])
def test_text_report_lines_are_read_only_with_op(fmt: int) -> None:
    result = parse_send(OP_BODIES[fmt], fmt=fmt, cost=3, op=False)
    assert result.phones == ()


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        (2, "<result><id>1</id><cnt>1</cnt><phones/></result>"),
        (3, '{"id": 1, "cnt": 1, "phones": null, "error": ""}'),
        (3, '{"id": 1, "cnt": 1, "phones": []}'),
    ],
)
def test_empty_op_report_and_empty_error_field(fmt: int, text: str) -> None:
    result = parse_send(text, fmt=fmt, cost=0, op=True)
    assert result.phones == ()
    assert result.parts == 1


def test_op_report_partial_and_extra_fields() -> None:
    result = parse_send("5,1\n79990001122,25001,,,\n", fmt=1, cost=0, op=True)
    assert result.phones == (PhoneReport(phone="79990001122", mccmnc="25001"),)
    json_result = parse_send(
        '{"id": 5, "cnt": 1, "phones": [{"phone": 79990001122, "region": "x"}]}',
        fmt=3,
        cost=0,
        op=True,
    )
    assert json_result.phones == (PhoneReport(phone="79990001122", extra={"region": "x"}),)


# --------------------------------------------------------------------------- malformed

HTML_PAGE = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>"
EXTERNAL_ENTITY = (
    '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><result><id>&x;</id></result>'
)
MALFORMED_ANY_FMT = [
    "",
    "   \n",
    "OK",
    "OK\n",
    HTML_PAGE,
    "<html><body>Service Unavailable</body></html>",
    ENTITY_BOMB,
    EXTERNAL_ENTITY,
]
MALFORMED_BY_FMT = {
    0: [
        "OK - x SMS, ID - 1",
        "OK - 1 SMS",  # no id
        "OK - 1 SMS, ID -",
        "OK - 1 SMS, ID - 1, COST - abc",
        "OK - 1 SMS, ID - 1, COST - NaN",
        "OK - 1 SMS, ID - 1, garbage",
    ],
    1: ["1", "1,x", "1,-x", "1,1,1.40,2.00,extra", "1,1,1e"],
    2: [
        "<result><id>1</id>",  # truncated
        "<result><id>1</id></result>",  # no cnt
        "<result><id>1</id><cnt>two</cnt></result>",
        "<result><id></id><cnt>1</cnt></result>",
        "<response><id>1</id><cnt>1</cnt></response>",
        "<result><id>1</id><cnt>1</cnt><phones><phone cost='1'></phone></phones></result>",
        "<result><id>&unknown;</id><cnt>1</cnt></result>",
    ],
    3: [
        '{"id": 1, "cnt": 1',  # truncated
        '{"id": 1,',
        "[]",
        '[{"id": 1, "cnt": 1}]',
        '"OK"',
        "null",
        "42",
        '{"result": "OK"}',
        '{"cnt": 1}',
        '{"id": 1}',
        '{"id": true, "cnt": 1}',
        '{"id": 1, "cnt": true}',
        '{"id": 1, "cnt": 1.0}',
        '{"id": 1, "cnt": "abc"}',
        '{"id": 1, "cnt": -1}',
        '{"id": 1.5, "cnt": 1}',
        '{"id": "", "cnt": 1}',
        '{"id": "a b", "cnt": 1}',
        '{"id": null, "cnt": 1}',
        '{"id": 1, "cnt": 1, "cost": "abc"}',
        '{"id": 1, "cnt": 1, "cost": "Infinity"}',
        '{"id": 1, "cnt": 1, "cost": [1]}',
        '{"id": 1, "cnt": 1, "cost": true}',
        '{"id": 1, "cnt": 1, "cost": 1e400}',
        '{"id": 123456789012345678901234567890, "cnt": 1}',
        '{"id": 1, "cnt": 1, "phones": {}}',
        '{"id": 1, "cnt": 1, "phones": ["79990001122"]}',
        '{"id": 1, "cnt": 1, "phones": [{"cost": "1"}]}',
        '{"id": 1, "cnt": 1, "phones": [{"phone": "7999", "status": "ok"}]}',
        '{"id": 1, "cnt": 1, "phones": [{"phone": ["7999"]}]}',
    ],
}


def _malformed_cases() -> list[tuple[int, str]]:
    cases = [(fmt, text) for fmt in FORMATS for text in MALFORMED_ANY_FMT]
    cases += [(fmt, text) for fmt, texts in MALFORMED_BY_FMT.items() for text in texts]
    return cases


@pytest.mark.parametrize(("fmt", "text"), _malformed_cases())
@pytest.mark.parametrize("op", [False, True])
def test_malformed_answers_raise_protocol_error(fmt: int, text: str, op: bool) -> None:
    with pytest.raises(ProtocolError) as info:
        parse_send(text, fmt=fmt, cost=3, op=op)
    error = info.value
    assert error.endpoint == "send"
    assert error.body == text.encode()
    assert len(str(error)) < 120
    if len(text) > 10:
        assert text not in str(error)


def test_html_page_served_as_text_html_is_protocol_error() -> None:
    text = decode_text(HTML_PAGE.encode(), "text/html; charset=utf-8")
    for fmt in FORMATS:
        with pytest.raises(ProtocolError):
            parse_send(text, fmt=fmt, cost=0, op=False)


@pytest.mark.parametrize(
    ("fmt", "text"),
    [(1, "1.40,x"), (1, "1.40,2,3"), (1, "1.40"), (0, "OK - 1 SMS, ID - 1"), (0, "(1 SMS)")],
)
def test_cost_answer_shapes_are_strict(fmt: int, text: str) -> None:
    with pytest.raises(ProtocolError):
        parse_send(text, fmt=fmt, cost=1, op=False)


def test_op_report_line_with_too_many_fields_is_refused() -> None:
    with pytest.raises(ProtocolError, match="too many fields"):
        parse_send("1,1\n7999,25001,1.40,1,0,surprise", fmt=1, cost=0, op=True)


@pytest.mark.parametrize(("fmt", "cost"), [(4, 0), (-1, 0), (3, 4)])
def test_modes_outside_the_api_are_validation_errors(fmt: int, cost: int) -> None:
    with pytest.raises(ValidationError):
        parse_send("{}", fmt=fmt, cost=cost, op=False)


# --------------------------------------------------------------------------- robustness

ALL_VALID = [
    *(render_error(fmt, 7, "x", 3) for fmt in FORMATS),
    *(render_success(fmt, cost, 5, 1, "1.40", "2.00") for fmt in FORMATS for cost in (0, 1, 3)),
    *OP_BODIES.values(),
]


def test_every_truncation_of_valid_answers_is_a_result_or_an_smsc_error() -> None:
    for body in ALL_VALID:
        for end in range(len(body)):
            for fmt in FORMATS:
                with contextlib.suppress(SmscError):
                    parse_send(body[:end], fmt=fmt, cost=3, op=True)


CONTENT_TYPES = st.sampled_from(
    [None, "application/json", "text/html", "text/plain; charset=utf-8", "x; charset=koi8-r"]
)
MODES = dict(fmt=st.sampled_from(FORMATS), cost=st.sampled_from([0, 1, 2, 3]), op=st.booleans())


@settings(max_examples=300, deadline=None)
@given(content=st.binary(max_size=300), content_type=CONTENT_TYPES, **MODES)
def test_arbitrary_bytes_only_raise_smsc_errors(
    content: bytes, content_type: str | None, fmt: int, cost: int, op: bool
) -> None:
    try:
        result = parse_send(decode_text(content, content_type), fmt=fmt, cost=cost, op=op)
    except SmscError:
        return
    assert isinstance(result, (SendResult, CostResult))


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats()
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)
SEND_KEYS = st.sampled_from(["id", "cnt", "cost", "balance", "phones", "error", "error_code", "x"])


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=200)
    | st.dictionaries(SEND_KEYS, JSON_VALUES, max_size=5).map(
        lambda d: orjson.dumps(d, option=orjson.OPT_NON_STR_KEYS).decode()
    ),
    **MODES,
)
def test_arbitrary_text_only_raises_smsc_errors(text: str, fmt: int, cost: int, op: bool) -> None:
    for call in (
        lambda: parse_send(text, fmt=fmt, cost=cost, op=op),
        lambda: parse_error(text, fmt=fmt, endpoint="send"),
    ):
        with contextlib.suppress(SmscError):
            call()


# --- the fast path of the commonest fmt=3 answer ------------------------------------------

ANY_JSON_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", " ", "1.40", " 2.5 ", "abc", "NaN", "1_0", "7", "007", "-3"]),
    st.just([]),
)


def send_outcome(text: str, cost: int) -> object:
    try:
        return parse_send(text, fmt=3, cost=cost, op=False)
    except (ApiError, ProtocolError) as exc:
        return type(exc), str(exc), getattr(exc, "body", None)


@given(
    st.dictionaries(
        st.sampled_from(["id", "cnt", "cost", "balance", "error", "error_code", "phones", "x"]),
        ANY_JSON_VALUE,
    ),
    st.sampled_from([0, 2, 3]),
)
def test_plain_answer_fast_path_agrees_with_the_general_path(
    fields: dict[str, object], cost: int
) -> None:
    from unittest import mock

    text = orjson.dumps(fields).decode()
    fast = send_outcome(text, cost)
    with mock.patch("smsc_async._resources.send.answer._plain_json_send", lambda text: None):
        general = send_outcome(text, cost)
    assert fast == general
