"""First-class sends of the kinds without attachments: the wire, the rules, the round trip.

Wire tests record requests with ``httpx2.MockTransport``; round trips go through the
emulator (`FakeSMSC`), whose ledger shows what the server understood.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal
from urllib.parse import parse_qs

import httpx2
import pytest

from smsc_async import (
    AsyncClient,
    InsufficientFundsError,
    Message,
    SendResult,
    Translit,
    ValidationError,
)
from smsc_async._resources.send.binary import udh_ports, wap_push_si
from smsc_async._wire.prefix import Prefix, prefixed
from smsc_async.testing import FakeClock, FakeSMSC, MessageKind
from smsc_async.testing.pytest_plugin import TEST_LOGIN, TEST_PASSWORD

pytestmark = pytest.mark.anyio

LOGIN, PASSWORD = "alex", "pa55-Word"
PHONE = "79999999999"
FIXED = {"cost": "3", "charset": "utf-8", "fmt": "3"}
EMS_HEX = "050A0307056048656C6C6F2C20576F726C6421"
WAP_HEX = "0605040B8423F0DC0601AE02056A0045C60C037761702E72752F0001037761702E7275000101"

Call = Callable[[AsyncClient], Awaitable[SendResult]]


class Recorder:
    """Records every request and answers a fixed successful send."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.bodies.append(await request.aread())
        return httpx2.Response(
            200,
            content=b'{"id": 7, "cnt": 1, "cost": "1.50", "balance": "98.50"}',
            headers={"Content-Type": "application/json; charset=utf-8"},
        )

    def wire(self) -> dict[str, str]:
        (body,) = self.bodies
        form = parse_qs(body.decode("ascii"), keep_blank_values=True, strict_parsing=True)
        assert all(len(values) == 1 for values in form.values())
        assert (form.pop("login"), form.pop("psw")) == ([LOGIN], [PASSWORD])
        return {key: values[0] for key, values in form.items()}


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def recorded(recorder: Recorder) -> AsyncIterator[AsyncClient]:
    transport = httpx2.MockTransport(recorder)
    async with AsyncClient(login=LOGIN, password=PASSWORD, transport=transport) as client:
        yield client


# ------------------------------------------------------------------------ wire parameters

WIRE_CASES: list[tuple[str, Call, dict[str, str]]] = [
    (
        "flash",
        lambda c: c.send_flash(PHONE, "Hi", sender="ivan", translit=Translit.LATIN, maxsms=2),
        {"mes": "Hi", "sender": "ivan", "translit": "1", "maxsms": "2", "flash": "1"},
    ),
    (
        "binary with pid/dcs",
        lambda c: c.send_binary(PHONE, b"\x01\xfe", pid=0, dcs=245, valid=2),
        {"mes": "0001FE\n~~~\npid: 0, dcs: 245", "valid": "2", "bin": "2"},
    ),
    (
        "wap push with comment",
        lambda c: c.send_wap_push(PHONE, "https://x.ru/a?b=1&c", "Sale", comment="crm 5"),
        {"mes": "https://x.ru/a?b=1&c\nSale\n~~~\ncrm 5", "push": "1"},
    ),
    (
        "hlr",
        lambda c: c.send_hlr(PHONE, id="hlr-1", op=True),
        {"id": "hlr-1", "op": "1", "hlr": "1"},
    ),
    ("ping", lambda c: c.send_ping(PHONE, sender="ivan"), {"sender": "ivan", "ping": "1"}),
    (
        "soc",
        lambda c: c.send_soc(PHONE, "Hi there", tinyurl=True),
        {"mes": "Hi there", "tinyurl": "1", "soc": "1"},
    ),
    (
        "whatsapp",
        lambda c: c.send_whatsapp(PHONE, "Line\nline"),
        {"mes": "Line\nline", "whatsapp": "1"},
    ),
    ("telegram code", lambda c: c.send_telegram_code(PHONE, "0123"), {"mes": "0123", "tg": "1"}),
    (
        "telegram bot",
        lambda c: c.send_telegram_bot(PHONE, "Привет", bot="@mybot_bot", smsreq=25, err=True),
        {"mes": "Привет", "bot": "@mybot_bot", "smsreq": "25", "err": "1"},
    ),
]


@pytest.mark.parametrize(("label", "call", "expected"), WIRE_CASES)
async def test_wire_parameters(
    recorded: AsyncClient, recorder: Recorder, label: str, call: Call, expected: dict[str, str]
) -> None:
    result = await call(recorded)
    assert recorder.wire() == {"phones": PHONE, **expected, **FIXED}
    assert (result.id, result.cost, result.balance) == (7, Decimal("1.50"), Decimal("98.50"))


async def test_recipient_lists_are_joined(recorded: AsyncClient, recorder: Recorder) -> None:
    await recorded.send_telegram_bot(
        ["@alex_nick", "#1122334455", "+7 (999) 111-22-33", "G5"], "Hi", bot="@MyShopBot"
    )
    assert recorder.wire()["phones"] == "@alex_nick,#1122334455,+79991112233,G5"


# Spec §2.12: each example's query (after login/psw) and the call that makes it.
SPEC_EXAMPLES: list[tuple[Call, str]] = [
    (
        lambda c: c.send_flash(
            PHONE, "Hello world!", translit=Translit.LATIN, time="0101120000", sender="ivan"
        ),
        "phones=79999999999&mes=Hello%20world!&translit=1&time=0101120000&flash=1&sender=ivan"
        "&charset=utf-8",
    ),
    (
        lambda c: c.send_binary(PHONE, b"Hello, World!", udh=bytes.fromhex("0A03070560")),
        f"phones=79999999999&mes={EMS_HEX}&bin=2",
    ),
    (
        lambda c: c.send_binary(
            PHONE, wap_push_si("http://wap.ru/", "wap.ru"), udh=udh_ports(2948, 9200)
        ),
        f"phones=79999999999&mes={WAP_HEX}&bin=2",
    ),
    (
        lambda c: c.send_wap_push(PHONE, "http://wap.ru", "WAP.RU"),
        "phones=79999999999&mes=http://wap.ru%0AWAP.RU&push=1",
    ),
    (lambda c: c.send_hlr(PHONE), "phones=79999999999&hlr=1"),
    (lambda c: c.send_telegram_code(PHONE, "123456"), "phones=79999999999&mes=123456&tg=1"),
    (
        lambda c: c.send_telegram_bot(PHONE, "Hello", bot="@mybot_bot"),
        "phones=79999999999&mes=Hello&bot=@mybot_bot",
    ),
    (
        lambda c: c.send_telegram_bot("@alex_nick", "Здравствуйте", bot="@mybot_bot"),
        "phones=@alex_nick&mes=Здравствуйте&bot=@mybot_bot",
    ),
    (
        lambda c: c.send_telegram_bot("#1122334455", "Hi", bot="@mybot_bot"),
        "phones=%231122334455&mes=Hi&bot=@mybot_bot",
    ),
    (
        lambda c: c.send_telegram_bot(PHONE, "Привет", bot="@mybot_bot", smsreq=25),
        "phones=79999999999&mes=Привет&bot=@mybot_bot&smsreq=25",
    ),
    (
        lambda c: c.send(PHONE, prefixed(Prefix.CALL, "Privet")),
        "phones=79999999999&mes=__CALL__%3A%20Privet",
    ),
    (lambda c: c.send(PHONE, prefixed(Prefix.PING)), "phones=79999999999&mes=__PING__"),
    (lambda c: c.send(PHONE, prefixed(Prefix.HLR)), "phones=79999999999&mes=__HLR__"),
]


@pytest.mark.parametrize(("call", "query"), SPEC_EXAMPLES)
async def test_spec_examples_on_the_wire(
    recorded: AsyncClient, recorder: Recorder, call: Call, query: str
) -> None:
    await call(recorded)
    expected = {key: values[0] for key, values in parse_qs(query).items()}
    assert recorder.wire() == {**expected, **FIXED}


@pytest.mark.parametrize(
    ("call", "raw"),
    [
        (SPEC_EXAMPLES[1][0], f"&phones=79999999999&mes={EMS_HEX}&bin=2&cost=3"),
        (SPEC_EXAMPLES[2][0], f"&phones=79999999999&mes={WAP_HEX}&bin=2&cost=3"),
        (SPEC_EXAMPLES[4][0], "&phones=79999999999&hlr=1&cost=3"),
        (SPEC_EXAMPLES[5][0], "&phones=79999999999&mes=123456&tg=1&cost=3"),
    ],
)
async def test_spec_examples_byte_exact(
    recorded: AsyncClient, recorder: Recorder, call: Call, raw: str
) -> None:
    await call(recorded)
    assert recorder.bodies[0].endswith(raw.encode())


# ------------------------------------------------------------------ refused before sending

FAILURES: list[tuple[Call, str]] = [
    # options the kind does not take (the method sets its own flag)
    (lambda c: c.send_flash(PHONE, "Hi", voice="m"), "voice"),  # type: ignore[arg-type]
    (lambda c: c.send_flash(PHONE, "Hi", flash=True), "flash"),
    (lambda c: c.send_binary(PHONE, b"\x01", comment="x"), "comment"),
    (lambda c: c.send_binary(PHONE, b"\x01", translit=Translit.LATIN), "translit"),
    (lambda c: c.send_wap_push(PHONE, "http://a.ru", "T", maxsms=1), "maxsms"),
    (lambda c: c.send_hlr(PHONE, sender="ivan"), "sender"),
    (lambda c: c.send_hlr(PHONE, comment="x"), "comment"),
    (lambda c: c.send_ping(PHONE, valid=2, comment="x"), "comment"),
    (lambda c: c.send_soc(PHONE, "Hi", valid=1), "valid"),
    (lambda c: c.send_whatsapp(PHONE, "Hi", translit=Translit.LATIN), "translit"),
    (lambda c: c.send_telegram_code(PHONE, "1234", comment="x"), "comment"),
    (lambda c: c.send_telegram_code(PHONE, "1234", sender="ivan"), "sender"),
    (lambda c: c.send_telegram_bot(PHONE, "Hi", bot="@a_bot", sender="ivan"), "sender"),
    (lambda c: c.send_flash(PHONE, "Hi", smsreq=20), "smsreq"),
    (lambda c: c.send_soc(PHONE, "Hi", colour="red"), "colour"),  # type: ignore[call-arg]
    # recipients the kind cannot reach
    (lambda c: c.send_flash("alex@mysite.com", "Hi"), "phones"),
    (lambda c: c.send_soc([PHONE, "@alex_nick"], "Hi"), "phones"),
    (lambda c: c.send_hlr("#1122334455"), "phones"),
    (lambda c: c.send_ping("12"), "phones"),
    (lambda c: c.send_telegram_bot("alex@mysite.com", "Hi", bot="@a_bot"), "recipients"),
    (lambda c: c.send_telegram_bot("@abc", "Hi", bot="@a_bot"), "recipients"),
    (lambda c: c.send_telegram_bot("@1abcdef", "Hi", bot="@a_bot"), "recipients"),
    (lambda c: c.send_telegram_bot("@" + "a" * 33, "Hi", bot="@a_bot"), "recipients"),
    # texts
    (lambda c: c.send_flash(PHONE, " "), "message"),
    (lambda c: c.send_flash(PHONE, "__VIBER__: cheaper?"), "message"),
    (lambda c: c.send_soc(PHONE, prefixed(Prefix.SOC, "Hi")), "message"),
    (lambda c: c.send_whatsapp(PHONE, "x" * 1001), "message"),
    (lambda c: c.send_telegram_bot(PHONE, "__call__: x", bot="@a_bot"), "message"),
    (lambda c: c.send_wap_push(PHONE, "wap.ru", "T"), "url"),
    (lambda c: c.send_wap_push(PHONE, "http://a.ru/ b", "T"), "url"),
    (lambda c: c.send_wap_push(PHONE, "http://a.ru", ""), "title"),
    (lambda c: c.send_wap_push(PHONE, "http://a.ru", "two\nlines"), "title"),
    (lambda c: c.send_wap_push(PHONE, "http://a.ru", "t" * 989), "title"),
    # binary payloads
    (lambda c: c.send_binary(PHONE, "0001"), "data"),  # type: ignore[arg-type]
    (lambda c: c.send_binary(PHONE, bytes(140)), "data"),
    (lambda c: c.send_binary(PHONE, b"\x01", pid=1), "dcs"),
    (lambda c: c.send_binary(PHONE, b"\x01", pid=1, dcs=256), "dcs"),
    (lambda c: c.send_binary(PHONE, b"\x01", udh=bytes.fromhex("050A03070560")), "udh"),
    # Telegram codes: 4..8 ASCII digits as a str
    (lambda c: c.send_telegram_code(PHONE, 123456), "code"),  # type: ignore[arg-type]
    (lambda c: c.send_telegram_code(PHONE, "١٢٣٤"), "code"),
    (lambda c: c.send_telegram_code(PHONE, " 1234"), "code"),
    (lambda c: c.send_telegram_code(PHONE, "1234\n"), "code"),
    (lambda c: c.send_telegram_code(PHONE, "123"), "code"),
    (lambda c: c.send_telegram_code(PHONE, "123456789"), "code"),
    (lambda c: c.send_telegram_code(PHONE, "12a4"), "code"),
    # bot names: @, 5..32 of [A-Za-z0-9_] from a letter, ending in "bot"
    (lambda c: c.send_telegram_bot(PHONE, "Hi", bot="mybot_bot"), "bot"),
    (lambda c: c.send_telegram_bot(PHONE, "Hi", bot="@abot"), "bot"),
    (lambda c: c.send_telegram_bot(PHONE, "Hi", bot="@my_helper"), "bot"),
    (lambda c: c.send_telegram_bot(PHONE, "Hi", bot="@1shop_bot"), "bot"),
    (lambda c: c.send_telegram_bot(PHONE, "Hi", bot="@my-shop_bot"), "bot"),
    (lambda c: c.send_telegram_bot(PHONE, "Hi", bot="@" + "a" * 30 + "bot"), "bot"),
    (lambda c: c.send_telegram_bot(PHONE, "Hi", bot="@a_bot", smsreq=9), "smsreq"),
    (lambda c: c.send_telegram_bot(PHONE, "Hi", bot="@a_bot", smsreq=1000), "smsreq"),
]


@pytest.mark.parametrize(("call", "field"), FAILURES)
async def test_refused_before_anything_is_sent(
    recorded: AsyncClient, recorder: Recorder, call: Call, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await call(recorded)
    assert caught.value.field == field
    assert recorder.bodies == []


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.send_telegram_bot(PHONE, "Hi", bot="@" + "a" * 29 + "bot"),  # 32 long
        lambda c: c.send_telegram_bot(PHONE, "Hi", bot="@a_bot"),  # 5 long
        lambda c: c.send_telegram_bot("@" + "a" * 32, "Hi", bot="@a_BOT"),
        lambda c: c.send_telegram_bot("@abcd", "Hi", bot="@a_bot"),
        lambda c: c.send_flash(PHONE, "Hi", voice=None, comment=None),  # None = not given
        lambda c: c.send_binary(PHONE, bytes(139)),
        lambda c: c.send_wap_push(PHONE, "http://a.ru", "t" * 988),
    ],
)
async def test_limits_that_pass(recorded: AsyncClient, recorder: Recorder, call: Call) -> None:
    await call(recorded)
    assert len(recorder.bodies) == 1


# ----------------------------------------------------------------- round trip, emulator


@pytest.fixture
def smsc_fake() -> FakeSMSC:
    fake = FakeSMSC(clock=FakeClock(1_750_000_000.0))
    fake.add_account(TEST_LOGIN, TEST_PASSWORD, balance=Decimal("100.00"), senders=("ivan",))
    return fake


Trip = tuple[Call, MessageKind, tuple[str, ...], str, "str | None", int]


def trip(
    call: Call,
    kind: MessageKind,
    text: str,
    comment: str | None = None,
    parts: int = 1,
    recipients: tuple[str, ...] = (PHONE,),
) -> Trip:
    """A round-trip case: the call, and the ledger entry the emulator should record."""
    return (call, kind, recipients, text, comment, parts)


ROUND_TRIPS = [
    trip(lambda c: c.send_flash(PHONE, "Привет", sender="ivan"), MessageKind.FLASH, "Привет"),
    trip(lambda c: c.send_flash(PHONE, "x" * 161, comment="crm"), MessageKind.FLASH, "x" * 161,
         "crm", parts=2),
    trip(SPEC_EXAMPLES[1][0], MessageKind.BIN, EMS_HEX),
    trip(SPEC_EXAMPLES[2][0], MessageKind.BIN, WAP_HEX),
    trip(lambda c: c.send_binary(PHONE, bytes(139), pid=0, dcs=245), MessageKind.BIN, "00" * 140,
         "pid: 0, dcs: 245"),
    trip(SPEC_EXAMPLES[3][0], MessageKind.PUSH, "http://wap.ru\nWAP.RU"),
    trip(lambda c: c.send_hlr([PHONE, "+7 999 111-22-33"]), MessageKind.HLR, "",
         recipients=(PHONE, "79991112233")),
    trip(lambda c: c.send_ping(PHONE, valid=1), MessageKind.PING, ""),
    trip(lambda c: c.send_soc(PHONE, "Hi"), MessageKind.SOC, "Hi"),
    trip(lambda c: c.send_whatsapp(PHONE, "Hi", comment="c"), MessageKind.WHATSAPP, "Hi", "c"),
    trip(lambda c: c.send_telegram_code(PHONE, "0123"), MessageKind.TG, "0123"),
    trip(lambda c: c.send_telegram_bot(["@alex_nick", "#1122334455", PHONE], "Здравствуйте",
                                       bot="@mybot_bot", smsreq=25),
         MessageKind.BOT, "Здравствуйте", recipients=("@alex_nick", "#1122334455", PHONE)),
]  # fmt: skip


@pytest.mark.parametrize(("call", "kind", "recipients", "text", "comment", "parts"), ROUND_TRIPS)
async def test_round_trip(
    smsc_fake: FakeSMSC,
    smsc_client: AsyncClient,
    call: Call,
    kind: MessageKind,
    recipients: tuple[str, ...],
    text: str,
    comment: str | None,
    parts: int,
) -> None:
    result = await call(smsc_client)
    (entry,) = smsc_fake.ledger
    assert (entry.kind, entry.recipients, entry.text, entry.comment) == (
        kind,
        recipients,
        text,
        comment,
    )
    assert entry.id == result.id
    assert entry.parts == parts
    assert result.parts == parts * len(recipients)
    assert result.cost == entry.cost == parts * len(recipients) * Decimal("1.50")
    assert result.balance == smsc_fake.account(TEST_LOGIN).balance == Decimal("100.00") - entry.cost


async def test_bot_smsreq_reaches_the_server(smsc_fake: FakeSMSC, smsc_client: AsyncClient) -> None:
    await smsc_client.send_telegram_bot(PHONE, "Hi", bot="@mybot_bot", smsreq=25)
    assert (smsc_fake.ledger[0].params["bot"], smsc_fake.ledger[0].params["smsreq"]) == (
        "@mybot_bot",
        "25",
    )


async def test_explicit_prefixes_in_one_list_send(
    smsc_fake: FakeSMSC, smsc_client: AsyncClient
) -> None:
    result = await smsc_client.send_list(
        [
            Message(phones=PHONE, text=prefixed(Prefix.SOC, "Hi")),
            Message(phones="79991112233", text=prefixed(Prefix.PING)),
            Message(phones="79994445566", text="Plain"),
        ]
    )
    assert [(e.kind, e.text) for e in smsc_fake.ledger] == [
        (MessageKind.SOC, "Hi"),
        (MessageKind.PING, ""),
        (MessageKind.SMS, "Plain"),
    ]
    assert result.parts == 3


async def test_api_error_round_trip(smsc_fake: FakeSMSC, smsc_client: AsyncClient) -> None:
    smsc_fake.account(TEST_LOGIN).balance = Decimal("1.00")
    with pytest.raises(InsufficientFundsError):
        await smsc_client.send_hlr([PHONE, "79991112233"])
    assert smsc_fake.ledger == []


def test_every_method_is_on_the_client() -> None:
    for name in (
        "send_flash",
        "send_binary",
        "send_wap_push",
        "send_hlr",
        "send_ping",
        "send_soc",
        "send_whatsapp",
        "send_telegram_code",
        "send_telegram_bot",
    ):
        assert callable(getattr(AsyncClient, name))
        assert getattr(AsyncClient, name).__doc__
