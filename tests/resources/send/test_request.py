"""``send.php``'s request mapping: options → validated wire fields (SMSC's documented
examples, byte for byte, and every rule)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smsc_async._errors import ValidationError
from smsc_async._resources.send.fields import MOSCOW
from smsc_async._resources.send.request import encode_send, encode_send_list
from smsc_async._types.message import CallParams, HourWindow, Message, Translit, Voice
from smsc_async._wire.form import form_body
from smsc_async._wire.prefix import _STARTS_WITH_PREFIX, Prefix, prefixed

PHONE = "79999999999"
JS_SAFE = "!'()*~"  # with quote()'s own "-_.~": exactly encodeURIComponent's unreserved set
# Fields the client or a later "kinds" layer adds; not produced by this encoder.
NOT_OURS = {"login", "psw", "charset", "bin", "push", "hlr", "mail", "call", "viber", "tg", "bot"}


def spec_fields(query: str) -> dict[str, str]:
    """The fields of a spec example that this encoder is responsible for."""
    return {k: v for k, v in parse_qsl(query, keep_blank_values=True) if k not in NOT_OURS}


def on_wire(params: Mapping[str, str]) -> dict[str, str]:
    """What the server would read from our body."""
    return dict(parse_qsl(form_body(params).decode("ascii"), keep_blank_values=True))


def send(phones: Any = PHONE, message: str | None = "Hi", **options: Any) -> dict[str, str]:
    return encode_send(phones, message, options)


def field_of(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    return info.value.field


# ----------------------------------------------------------------------- spec §2.12 examples

SINGLE_EXAMPLES = [
    ("phones=79999999999&mes=Hello!", PHONE, "Hello!", {}),
    (
        "phones=79999999999&mes=Hello%20world!&translit=1&time=0101120000&flash=1"
        "&sender=ivan&charset=utf-8",
        PHONE,
        "Hello world!",
        {"translit": Translit.LATIN, "time": "0101120000", "flash": True, "sender": "ivan"},
    ),
    (
        "phones=79999999999&mes=050A0307056048656C6C6F2C20576F726C6421&bin=2",
        PHONE,
        "050A0307056048656C6C6F2C20576F726C6421",
        {},
    ),
    ("phones=79999999999&mes=http://wap.ru%0AWAP.RU&push=1", PHONE, "http://wap.ru\nWAP.RU", {}),
    (
        "phones=79999999999%2C78888888888&mes=Hello!%0A~~~%0AComment",
        [PHONE, "78888888888"],
        "Hello!",
        {"comment": "Comment"},
    ),
    ("phones=G777%2Cg888&mes=Hello!", "G777,g888", "Hello!", {}),
    ("phones=79999999999&hlr=1", PHONE, None, {}),
    (
        "phones=alex%40mysite.com&mes=Hello&subj=Privet&sender=alex2%40mysite2.com&mail=1",
        "alex@mysite.com",
        "Hello",
        {"subj": "Privet", "sender": "alex2@mysite2.com"},
    ),
    (
        "phones=79999999999&mes=Hello%20world&call=1&voice=m&param=20%2C10%2C3",
        PHONE,
        "Hello world",
        {"voice": Voice.MALE, "param": CallParams(wait=20, interval=10, attempts=3)},
    ),
    (
        "phones=79999999999&mes=Hello&call=1&sender=79991234567",
        PHONE,
        "Hello",
        {"sender": "79991234567"},
    ),
    (
        "phones=79999999999&call=1&fileurl=http://mysite.com/voice.wav",
        PHONE,
        None,
        {"fileurl": "http://mysite.com/voice.wav"},
    ),
    ("phones=79999999999&mes=Hello&viber=1", PHONE, "Hello", {}),
    (
        "phones=79999999999&viber=1&mes=test+%7Bbutton%2Chttp%3A%2F%2Fsmscentre.com%2CSite%7D"
        "&fileurl=https%3A%2F%2Fmysite.com%2Fsms%2Fpicture.jpg",
        PHONE,
        "test {button,http://smscentre.com,Site}",
        {"fileurl": "https://mysite.com/sms/picture.jpg"},
    ),
    ("phones=79999999999&mes=123456&tg=1", PHONE, "123456", {}),
    ("phones=@alex_nick&mes=Здравствуйте&bot=@mybot_bot", "@alex_nick", "Здравствуйте", {}),
    ("phones=#1122334455&mes=Hi&bot=@mybot_bot", "#1122334455", "Hi", {}),
    (
        "phones=79999999999&mes=Привет&bot=@mybot_bot&smsreq=25",
        PHONE,
        "Привет",
        {"smsreq": 25},
    ),
    ("phones=79999999999&mes=__CALL__%3A%20Privet", PHONE, prefixed(Prefix.CALL, "Privet"), {}),
    ("phones=79999999999&mes=__PING__", PHONE, prefixed(Prefix.PING), {}),
    ("phones=79999999999&mes=__HLR__", PHONE, prefixed(Prefix.HLR), {}),
]


@pytest.mark.parametrize(("query", "phones", "message", "options"), SINGLE_EXAMPLES)
def test_spec_examples_single(
    query: str, phones: Any, message: str | None, options: dict[str, Any]
) -> None:
    params = encode_send(phones, message, options)
    assert on_wire(params) == spec_fields(query)


@pytest.mark.parametrize(
    ("query", "messages"),
    [
        (
            "list=79999999999:Hello!%0A79999999999:Hello\\nworld!",
            [Message(PHONE, "Hello!"), Message(PHONE, "Hello\nworld!")],
        ),
        (
            "list=79999999999:Hello1!\\n~~~\\nComment1%0A78888888888:Hello2!\\n~~~\\nComment2",
            [
                Message(PHONE, "Hello1!", comment="Comment1"),
                Message("78888888888", "Hello2!", comment="Comment2"),
            ],
        ),
    ],
)
def test_spec_examples_list(query: str, messages: list[Message]) -> None:
    assert on_wire(encode_send_list(messages, {})) == spec_fields(query)


def test_exact_bytes() -> None:
    lines = [Message(PHONE, "Hello!"), Message(PHONE, "Hello\nworld!")]
    assert form_body(encode_send_list(lines, {})) == (
        b"list=79999999999%3AHello!%0A79999999999%3AHello%5Cnworld!"
    )
    assert form_body(send(message="Hello!")) == b"phones=79999999999&mes=Hello!"
    assert form_body(send("G777,g888", "Hello!", comment="Comment")) == (
        b"phones=G777%2Cg888&mes=Hello!%0A~~~%0AComment"
    )
    assert b"&time=%2B5" in form_body(send(time=timedelta(minutes=5)))
    assert b"&param=20%2C10%2C3" in form_body(
        send(param=CallParams(wait=20, interval=10, attempts=3))
    )
    assert form_body(send(message=prefixed(Prefix.CALL, "Privet"))).endswith(
        b"mes=__CALL__%3A%20Privet"
    )
    assert form_body(send("alex@mysite.com")).startswith(b"phones=alex%40mysite.com&")


def test_datetime_example_is_sent_as_moscow_time() -> None:
    moment = datetime(2012, 1, 1, 0, 0, tzinfo=MOSCOW)
    assert send(time=moment) == {"phones": PHONE, "mes": "Hi", "time": "0101120000", "tz": "0"}
    utc = datetime(2011, 12, 31, 21, 0, 59, tzinfo=timezone.utc)  # seconds are dropped
    assert send(time=utc)["time"] == "0101120000"
    india = datetime(2012, 1, 1, 2, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert send(time=india)["time"] == "0101120000"


def general_path(phones: Any, message: Any) -> dict[str, str] | str:
    """``encode_send``'s answer (or error field and rule) without its fast path."""
    try:  # an option given as None counts as not given, but skips the fast path
        return encode_send(phones, message, {"sender": None})
    except ValidationError as exc:
        return str(exc)


def fast_or_general(phones: Any, message: Any) -> dict[str, str] | str:
    try:
        return encode_send(phones, message, {})
    except ValidationError as exc:
        return str(exc)


@pytest.mark.parametrize(
    "phones", ["79999999999", "+79999999999", "799", "7" * 21, " 79999999999", "7999-999", "g1"]
)
@pytest.mark.parametrize(
    "message",
    [
        "Hi",
        "Ваш код 4821",
        "",
        " \n\t",
        "x" * 1000,
        "x" * 1001,
        "ok __VIBER__ inside",
        "  __viber__: hi",
        "bad \ud800 surrogate",
        "line\nbreak",
    ],
)
def test_fast_path_agrees_with_the_general_path(phones: str, message: str) -> None:
    assert fast_or_general(phones, message) == general_path(phones, message)


@given(st.text(alphabet="+0123456789 -();,", max_size=25), st.text(max_size=30))
def test_fast_path_agrees_with_the_general_path_on_any_input(phones: str, message: str) -> None:
    assert fast_or_general(phones, message) == general_path(phones, message)


# -------------------------------------------------------------------------------- recipients


@pytest.mark.parametrize(
    ("phones", "wire"),
    [
        ("79999999999", "79999999999"),
        ("+79999999999", "+79999999999"),
        ("+7 (999) 123-45-67", "+79991234567"),
        ("79999999999;78888888888", "79999999999,78888888888"),
        (" 79999999999 , 78888888888 ", "79999999999,78888888888"),
        (["79999999999", "+78888888888"], "79999999999,+78888888888"),
        (("G1", "g22"), "G1,g22"),
        (iter(["a.b@example.com", "@nick_1", "#123"]), "a.b@example.com,@nick_1,#123"),
        ("alex@mysite.com;bob@mysite.ru", "alex@mysite.com,bob@mysite.ru"),
    ],
)
def test_phones_valid(phones: Any, wire: str) -> None:
    assert send(phones)["phones"] == wire


@pytest.mark.parametrize(
    ("phones", "rule"),
    [
        ("", "at least one"),
        ("   ", "at least one"),
        ([], "at least one"),
        ("79999999999,", "recipient 2: must not be empty"),
        ("7999,,7888", "recipient 2"),
        (["79999999999", " "], "recipient 2: must not be empty"),
        (["79999999999", "78888888888,77777777777"], "recipient 2: holds a separator"),
        (["79999999999;78888888888"], "recipient 1: holds a separator"),
        (["79999999999:evil"], "recipient 1: must not contain : or |"),
        ("7999|7888", "recipient 1: must not contain : or |"),
        (["79999999999\n78888888888"], "control characters"),
        ("7999\t9999999", "control characters"),
        ("12", "recipient 1: not a phone number"),
        ("+", "recipient 1: not a phone number"),
        ("hello", "recipient 1: not a phone number"),
        ("@", "recipient 1"),
        ("#12a", "recipient 1"),
        ("a b@example.com", "recipient 1"),
        ([79999999999], "recipient 1: must be a string"),
        (b"79999999999", "must be a string or an iterable"),
        (79999999999, "must be a string or an iterable"),
    ],
)
def test_phones_invalid(phones: Any, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        send(phones)
    assert info.value.field == "phones"
    assert rule in info.value.rule


def test_errors_never_echo_the_value() -> None:
    secret_phone = "+7999123456x"
    with pytest.raises(ValidationError) as info:
        send(secret_phone)
    assert secret_phone not in str(info.value)
    with pytest.raises(ValidationError) as info:
        send(message="secret text " * 100)
    assert "secret" not in str(info.value)
    with pytest.raises(ValidationError) as info:
        encode_send_list([Message(PHONE, "secret \\n text")], {})
    assert "secret" not in str(info.value)


# -------------------------------------------------------------------------- message, comment


def test_message_rules() -> None:
    assert send(message="x" * 1000)["mes"] == "x" * 1000
    assert (
        send(message="ё" * 1000, comment="c" * 1000)["mes"] == "ё" * 1000 + "\n~~~\n" + "c" * 1000
    )
    assert send(message="Hi", comment="")["mes"] == "Hi"
    assert "mes" not in send(message=None)
    assert send(nl=False, flash=False, sender=None) == {"phones": PHONE, "mes": "Hi"}
    for bad in ["x" * 1001, "", " \n", 5, "bad \ud800 surrogate"]:
        assert field_of(send, message=bad) == "message"
    for bad_comment in ["c" * 1001, "  ", 3]:
        assert field_of(send, comment=bad_comment) == "comment"
    # A text that already holds a comment cannot take a second one.
    assert send(message="a\n~~~\nb")["mes"] == "a\n~~~\nb"
    assert field_of(send, message="a\n~~~\nb", comment="c") == "comment"
    assert field_of(send, message=None, comment="c") == "comment"


# ---------------------------------------------------------------------------------- options

NOW_MSK = datetime(2030, 5, 17, 14, 45, tzinfo=MOSCOW)

VALID_OPTIONS: list[tuple[str, Any, dict[str, str]]] = [
    ("id", 1, {"id": "1"}),
    ("id", 2_147_483_647, {"id": "2147483647"}),
    ("id", "order-42_A.b", {"id": "order-42_A.b"}),
    ("id", "x" * 40, {"id": "x" * 40}),
    ("sender", "ivan", {"sender": "ivan"}),
    ("sender", "My Shop 24!", {"sender": "My Shop 24!"}),
    ("sender", "123456789012345", {"sender": "123456789012345"}),
    ("sender", "shop@example.com", {"sender": "shop@example.com"}),
    ("translit", Translit.NONE, {}),
    ("translit", Translit.LATIN, {"translit": "1"}),
    ("translit", Translit.LOOKALIKE, {"translit": "2"}),
    ("translit", 2, {"translit": "2"}),
    ("tinyurl", True, {"tinyurl": "1"}),
    ("tinyurl", False, {}),
    ("flash", True, {"flash": "1"}),
    ("err", True, {"err": "1"}),
    ("op", True, {"op": "1"}),
    ("op", None, {}),
    ("time", NOW_MSK, {"time": "1705301445", "tz": "0"}),
    ("time", timedelta(minutes=5), {"time": "+5"}),
    ("time", timedelta(hours=2), {"time": "+120"}),
    ("time", HourWindow(9, 21), {"time": "9-21"}),
    ("time", HourWindow(0, 24), {"time": "0-24"}),
    ("time", 1_700_000_000, {"time": "01700000000"}),
    ("time", "0101120000", {"time": "0101120000"}),
    ("time", "01.01.12 09:30", {"time": "01.01.12 09:30"}),
    ("time", "8-20", {"time": "8-20"}),
    ("time", "+15", {"time": "+15"}),
    ("time", "01700000000", {"time": "01700000000"}),
    ("time", "0", {"time": "0"}),
    ("valid", 1, {"valid": "1"}),
    ("valid", 24, {"valid": "24"}),
    ("valid", "00:01", {"valid": "00:01"}),
    ("valid", "24:00", {"valid": "24:00"}),
    ("valid", timedelta(hours=1, minutes=30), {"valid": "01:30"}),
    ("maxsms", 1, {"maxsms": "1"}),
    ("maxsms", 7, {"maxsms": "7"}),
    ("userip", "192.168.0.1", {"userip": "192.168.0.1"}),
    ("userip", "2001:DB8:0:0::1", {"userip": "2001:db8::1"}),
    ("userip", ipaddress.ip_address("10.0.0.1"), {"userip": "10.0.0.1"}),
    ("pp", 12345, {"pp": "12345"}),
    ("pp", "0042", {"pp": "0042"}),
    ("param", CallParams(wait=10, interval=3600, attempts=9), {"param": "10,3600,9"}),
    ("voice", Voice.FEMALE_3, {"voice": "w3"}),
    ("voice", "m2", {"voice": "m2"}),
    ("subj", "Privet", {"subj": "Privet"}),
    (
        "fileurl",
        "https://example.com/a b".replace(" ", "%20"),
        {"fileurl": "https://example.com/a%20b"},
    ),
    ("fileurl", "HTTP://example.com/voice.wav", {"fileurl": "HTTP://example.com/voice.wav"}),
    ("smsreq", 10, {"smsreq": "10"}),
    ("smsreq", 999, {"smsreq": "999"}),
]


@pytest.mark.parametrize(("name", "value", "wire"), VALID_OPTIONS)
def test_option_valid(name: str, value: Any, wire: dict[str, str]) -> None:
    params = send(**{name: value})
    assert params == {"phones": PHONE, "mes": "Hi", **wire}


@pytest.mark.parametrize(
    ("options", "wire"),
    [
        ({"period": 0.1, "freq": 1}, {"period": "0.1", "freq": "1"}),
        ({"period": 720, "freq": 1440}, {"period": "720", "freq": "1440"}),
        (
            {"period": Decimal("2.50"), "freq": timedelta(minutes=30)},
            {"period": "2.5", "freq": "30"},
        ),
        ({"period": timedelta(minutes=90), "freq": 10}, {"period": "1.5", "freq": "10"}),
        ({"voice": Voice.MALE, "voice_language": "en"}, {"voice": "m,en"}),
        ({"voice": "w", "voice_language": "fr"}, {"voice": "w,fr"}),
        ({"imgcode": "aB3x", "userip": "10.0.0.1"}, {"imgcode": "aB3x", "userip": "10.0.0.1"}),
        ({"time": HourWindow(9, 18), "tz": 4}, {"time": "9-18", "tz": "4"}),
        ({"time": "0101301200", "tz": -15}, {"time": "0101301200", "tz": "-15"}),
        ({"time": "01.01.30 12:00", "tz": 11}, {"time": "01.01.30 12:00", "tz": "11"}),
    ],
)
def test_linked_options_valid(options: dict[str, Any], wire: dict[str, str]) -> None:
    assert send(**options) == {"phones": PHONE, "mes": "Hi", **wire}


INVALID_OPTIONS: list[tuple[str, Any]] = [
    ("id", 0),
    ("id", 2_147_483_648),
    ("id", True),
    ("id", ""),
    ("id", "x" * 41),
    ("id", "has space"),
    ("id", "кириллица"),
    ("id", "a\n"),
    ("id", 1.5),
    ("sender", ""),
    ("sender", "twelve chars"),
    ("sender", "1234567890123456"),
    ("sender", "iv\nan"),
    ("sender", 5),
    ("translit", 3),
    ("translit", True),
    ("translit", "1"),
    ("tinyurl", 1),
    ("flash", "yes"),
    ("err", 0),
    ("nl", True),  # list sends only
    ("time", datetime(2030, 1, 1, 12, 0)),  # naive
    ("time", datetime(2100, 1, 1, 12, 0, tzinfo=MOSCOW)),
    ("time", timedelta(0)),
    ("time", timedelta(seconds=90)),
    ("time", timedelta(minutes=-5)),
    ("time", 999_999_999),
    ("time", True),
    ("time", "3201120000"),
    ("time", "01.13.12 10:00"),
    ("time", "21-9"),
    ("time", "9-25"),
    ("time", "+0"),
    ("time", "tomorrow"),
    ("time", 1.5),
    ("valid", 0),
    ("valid", 25),
    ("valid", "00:00"),
    ("valid", "24:01"),
    ("valid", "1:30"),
    ("valid", "10:60"),
    ("valid", timedelta(seconds=30)),
    ("valid", timedelta(hours=25)),
    ("valid", True),
    ("maxsms", 0),
    ("maxsms", False),
    ("imgcode", ""),
    ("imgcode", "a b"),
    ("userip", "300.1.1.1"),
    ("userip", "example.com"),
    ("userip", 167772161),
    ("pp", 0),
    ("pp", "12a"),
    ("pp", "-1"),
    ("param", "20,10,3"),
    ("voice", "x"),
    ("voice", "M"),
    ("subj", ""),
    ("subj", "two\nlines"),
    ("subj", "s" * 256),
    ("fileurl", "ftp://example.com/a.wav"),
    ("fileurl", "/relative/path.wav"),
    ("fileurl", "https://"),
    ("fileurl", "https://exa mple.com/a"),
    ("fileurl", "https://example.com/" + "a" * 2048),
    ("fileurl", "http://[::1/a"),
    ("smsreq", 9),
    ("smsreq", 1000),
    ("smsreq", "25"),
    ("tz", 3),  # needs time
    ("period", 1),  # needs freq
    ("freq", 10),  # needs period
    ("voice_language", "en"),  # needs voice
    ("imgcode", "abc"),  # needs userip
    ("charset", "utf-8"),  # the client's field, not an option
    ("mes", "x"),
    ("phones", PHONE),
]


@pytest.mark.parametrize(("name", "value"), INVALID_OPTIONS)
def test_option_invalid(name: str, value: Any) -> None:
    assert field_of(encode_send, PHONE, "Hi", {name: value}) == name


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"period": 0.05, "freq": 1}, "period"),
        ({"period": 721, "freq": 1}, "period"),
        ({"period": float("nan"), "freq": 1}, "period"),
        ({"period": float("inf"), "freq": 1}, "period"),
        ({"period": True, "freq": 1}, "period"),
        ({"period": "2", "freq": 1}, "period"),
        ({"period": 1, "freq": 0}, "freq"),
        ({"period": 1, "freq": 1441}, "freq"),
        ({"period": 1, "freq": timedelta(seconds=30)}, "freq"),
        ({"voice": "m", "voice_language": "EN"}, "voice_language"),
        ({"voice": "m", "voice_language": "eng"}, "voice_language"),
        ({"time": NOW_MSK, "tz": 0}, "tz"),
        ({"time": timedelta(minutes=5), "tz": 2}, "tz"),
        ({"time": 1_700_000_000, "tz": 2}, "tz"),
        ({"time": HourWindow(9, 18), "tz": 12}, "tz"),
        ({"time": HourWindow(9, 18), "tz": -16}, "tz"),
        ({"time": HourWindow(9, 18), "tz": 2.5}, "tz"),
        ({"imgcode": "abc!", "userip": "10.0.0.1"}, "imgcode"),
    ],
)
def test_linked_options_invalid(options: dict[str, Any], field: str) -> None:
    assert field_of(send, **options) == field


def test_option_errors_name_field_and_rule() -> None:
    with pytest.raises(ValidationError) as info:
        send(smsreq=5)
    assert (info.value.field, info.value.rule) == ("smsreq", "must be from 10 to 999")
    assert str(info.value) == "smsreq: must be from 10 to 999"
    with pytest.raises(ValidationError, match="is not a send option"):
        send(bogus=1)


# ------------------------------------------------------------------------------ value types


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"wait": 9, "interval": 10, "attempts": 1}, "param.wait"),
        ({"wait": 36, "interval": 10, "attempts": 1}, "param.wait"),
        ({"wait": 10, "interval": 9, "attempts": 1}, "param.interval"),
        ({"wait": 10, "interval": 3601, "attempts": 1}, "param.interval"),
        ({"wait": 10, "interval": 10, "attempts": 0}, "param.attempts"),
        ({"wait": 10, "interval": 10, "attempts": 10}, "param.attempts"),
        ({"wait": True, "interval": 10, "attempts": 1}, "param.wait"),
        ({"wait": "20", "interval": 10, "attempts": 1}, "param.wait"),
    ],
)
def test_call_params_ranges(kwargs: dict[str, Any], field: str) -> None:
    assert field_of(CallParams, **kwargs) == field


def test_call_params_and_hour_window_values() -> None:
    assert CallParams(wait=35, interval=10, attempts=1).to_param() == "35,10,1"
    assert HourWindow(start=23, end=24).to_param() == "23-24"
    assert field_of(HourWindow, 12, 12) == "time.end"
    assert field_of(HourWindow, 22, 6) == "time.end"
    assert field_of(HourWindow, -1, 6) == "time.start"
    assert field_of(HourWindow, 24, 25) == "time.start"
    assert field_of(HourWindow, 0, 25) == "time.end"


def test_enums() -> None:
    assert [v.value for v in Voice] == ["m", "m2", "m3", "m4", "w", "w2", "w3", "w4"]
    assert [int(t) for t in Translit] == [0, 1, 2]


# -------------------------------------------------------------------------------- list sends


def test_list_lines_with_sender_tz_and_shared_options() -> None:
    params = encode_send_list(
        [
            Message([PHONE, "78888888888"], "One"),
            Message("G7", "Two", sender="Shop"),
            Message("+78888888888", "Three", sender="Shop", tz=-2),
        ],
        {"time": "0101301200", "id": "batch-1", "sender": "Default"},
    )
    assert params == {
        "list": "79999999999,78888888888:One\nShop|G7:Two\nShop,-2|+78888888888:Three",
        "time": "0101301200",
        "id": "batch-1",
        "sender": "Default",
    }
    assert form_body(params).startswith(b"list=79999999999%2C78888888888%3AOne%0AShop%7CG7%3ATwo")
    aware = encode_send_list([Message(PHONE, "x", sender="S", tz=4)], {"time": NOW_MSK})
    assert aware == {"list": "S,4|79999999999:x", "time": "1705301445", "tz": "0"}


def test_list_line_breaks_and_backslash_rule() -> None:
    text = "a\r\nb\rc\nd: e|f"
    assert encode_send_list([Message(PHONE, text)], {})["list"] == f"{PHONE}:a\\nb\\nc\\nd: e|f"
    for bad in ["C:\\new folder", "ends with \\\nnext line"]:
        assert field_of(encode_send_list, [Message(PHONE, bad)], {}) == "messages[0].text"
    bad_comment = Message(PHONE, "ok", comment="see \\n")
    assert field_of(encode_send_list, [bad_comment], {}) == "messages[0].comment"
    # nl=True: the server's multi-line mode; texts keep real line breaks and backslashes.
    nl = encode_send_list([Message(PHONE, "C:\\new\nline 2", comment="c")], {"nl": True})
    assert nl == {"list": f"{PHONE}:C:\\new\nline 2\n~~~\nc", "nl": "1"}
    record_like = Message(PHONE, "Hi\n78888888888: injected")
    assert field_of(encode_send_list, [record_like], {"nl": True}) == "messages[0].text"
    ok = encode_send_list([Message(PHONE, "Hi\nTime: 10:30")], {"nl": True})
    assert ok["list"] == f"{PHONE}:Hi\nTime: 10:30"


@pytest.mark.parametrize(
    ("messages", "options", "field"),
    [
        ([], {}, "messages"),
        (Message(PHONE, "x"), {}, "messages"),
        ("79999999999:x", {}, "messages"),
        ([Message(PHONE, "x"), "not a message"], {}, "messages[1]"),
        ([Message("", "x")], {}, "messages[0].phones"),
        ([Message(["7999999:9"], "x")], {}, "messages[0].phones"),
        ([Message(PHONE, "")], {}, "messages[0].text"),
        ([Message(PHONE, "x" * 1001)], {}, "messages[0].text"),
        ([Message(PHONE, "x", comment="c" * 1001)], {}, "messages[0].comment"),
        ([Message(PHONE, "a\n~~~\nb", comment="c")], {}, "messages[0].comment"),
        ([Message(PHONE, "x", sender="a,b")], {}, "messages[0].sender"),
        ([Message(PHONE, "x", sender="a|b")], {}, "messages[0].sender"),
        ([Message(PHONE, "x", sender="a:b")], {}, "messages[0].sender"),
        ([Message(PHONE, "x", sender="way too long name")], {}, "messages[0].sender"),
        ([Message(PHONE, "x", tz=2)], {"time": "0101301200"}, "messages[0].tz"),
        ([Message(PHONE, "x", sender="S", tz=2)], {}, "messages[0].tz"),
        ([Message(PHONE, "x", sender="S", tz=2)], {"time": "+5"}, "messages[0].tz"),
        ([Message(PHONE, "x", sender="S", tz=2)], {"time": HourWindow(9, 18)}, "messages[0].tz"),
        ([Message(PHONE, "x", sender="S", tz=12)], {"time": "0101301200"}, "messages[0].tz"),
        ([Message(PHONE, "x")], {"comment": "c"}, "comment"),
        ([Message(PHONE, "x")], {"flash": "1"}, "flash"),
    ],
)
def test_list_invalid(messages: Any, options: dict[str, Any], field: str) -> None:
    assert field_of(encode_send_list, messages, options) == field


def test_message_phones_type_checked_at_construction() -> None:
    assert Message((p for p in [PHONE, "G1"]), "x").phones == (PHONE, "G1")
    assert field_of(Message, 79999999999, "x") == "phones"
    assert field_of(Message, b"7999", "x") == "phones"


_phone = st.from_regex(r"\+?[0-9]{3,15}", fullmatch=True)
# Texts that start with a kind prefix (__VIBER__ …) or hold a control character are refused
# by rule (tested above and in test_text_rules.py).
_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\t\r\n"),
    min_size=1,
    max_size=200,
).filter(
    lambda t: (
        t.strip() and "\\" not in t and "\n~~~\n" not in t and not _STARTS_WITH_PREFIX.match(t)
    )
)


@given(st.lists(st.tuples(st.lists(_phone, min_size=1, max_size=3), _text), min_size=1, max_size=5))
def test_list_format_round_trip(lines: list[tuple[list[str], str]]) -> None:
    """Every line reads back as (phones, text) by splitting at newline and at the first colon."""
    messages = [Message(phones, text) for phones, text in lines]
    encoded = on_wire(encode_send_list(messages, {}))["list"]
    decoded = []
    for line in encoded.split("\n"):
        phones, _, text = line.partition(":")
        decoded.append((phones.split(","), text.replace("\\n", "\n")))
    expected = [(p, re.sub(r"\r\n?", "\n", t)) for p, t in lines]
    assert decoded == expected


@pytest.mark.parametrize("text", ["__VIBER__: hi", "__call__: hi", "  __MAIL__: x", "__PING__"])
def test_plain_send_refuses_an_accidental_kind_prefix(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        encode_send(PHONE, text, {})
    assert caught.value.field == "message"
    with pytest.raises(ValidationError) as caught:
        encode_send_list([Message(phones=PHONE, text=text)], {})
    assert caught.value.field == "messages[0].text"
    assert encode_send(PHONE, prefixed(Prefix.VIBER, "hi"), {})["mes"] == "__VIBER__: hi"
