"""FakeSMSC and the kinds without attachments: answers in all four formats, and each rule.

Requests are hand-written wire bytes (never produced by the SDK's encoder); answers are read
with the SDK's decoder, `smsc_async._resources.send.answer.parse_send`, so both sides meet here.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from smsc_async import CostResult, InvalidParametersError, InvalidPhoneError, SendResult
from smsc_async._resources.send.answer import parse_send
from smsc_async.testing import FakeClock, FakeRequest, FakeResponse, FakeSMSC, MessageKind

pytestmark = pytest.mark.anyio

AUTH = b"login=alex&psw=123&phones=79999999999&"


def make_fake() -> FakeSMSC:
    fake = FakeSMSC(clock=FakeClock())
    fake.add_account("alex", "123", balance=Decimal("100.00"), senders=("ivan",))
    return fake


async def post(fake: FakeSMSC, body: bytes) -> FakeResponse:
    return await fake.handle(
        FakeRequest(
            method="POST",
            path="/sys/send.php",
            content_type="application/x-www-form-urlencoded",
            body=AUTH + body + b"&charset=utf-8",
        )
    )


def answer(response: FakeResponse) -> str:
    assert response.status == 200
    return response.body.decode("utf-8")


# (request after phones=, kind, text recorded, units per recipient)
KINDS = [
    (b"mes=Hello%20world!&flash=1&sender=ivan", MessageKind.FLASH, "Hello world!", 1),
    (b"mes=%D0%96" + b"%D0%B6" * 70 + b"&flash=1", MessageKind.FLASH, "Ж" + "ж" * 70, 2),
    (b"mes=050A0307056048656C6C6F2C20576F726C6421&bin=2", MessageKind.BIN, None, 1),
    (b"mes=00" + b"AB" * 140 + b"&bin=2", MessageKind.BIN, None, 2),  # 141 bytes
    (b"mes=0001%0A~~~%0Apid%3A%200%2C%20dcs%3A%20245&bin=2", MessageKind.BIN, "0001", 1),
    (b"mes=http%3A%2F%2Fwap.ru%0AWAP.RU&push=1", MessageKind.PUSH, "http://wap.ru\nWAP.RU", 1),
    (b"hlr=1", MessageKind.HLR, "", 1),
    (b"ping=1", MessageKind.PING, "", 1),
    (b"mes=ignored&ping=1", MessageKind.PING, "", 1),
    (b"mes=Hi&soc=1", MessageKind.SOC, "Hi", 1),
    (b"mes=" + b"x" * 400 + b"&whatsapp=1", MessageKind.WHATSAPP, "x" * 400, 1),
    (b"mes=0123&tg=1", MessageKind.TG, "0123", 1),
    (b"mes=Hi&bot=%40mybot_bot&smsreq=25", MessageKind.BOT, "Hi", 1),
    (b"mes=__SOC__%3A%20Hi", MessageKind.SOC, "Hi", 1),
    (b"mes=__PING__", MessageKind.PING, "", 1),
]


@pytest.mark.parametrize("fmt", [0, 1, 2, 3])
@pytest.mark.parametrize(("body", "kind", "text", "units"), KINDS)
async def test_every_kind_answers_in_every_format(
    body: bytes, kind: MessageKind, text: str | None, units: int, fmt: int
) -> None:
    fake = make_fake()
    raw = answer(await post(fake, body + b"&cost=3&fmt=%d" % fmt))
    result = parse_send(raw, fmt=fmt, cost=3, op=False)
    assert isinstance(result, SendResult)
    (entry,) = fake.ledger
    assert (entry.kind, entry.parts, entry.recipients) == (kind, units, ("79999999999",))
    if text is not None:
        assert entry.text == text
    assert (result.id, result.parts) == (entry.id, units)
    assert result.cost == entry.cost == units * Decimal("1.50")
    assert result.balance == Decimal("100.00") - entry.cost


@pytest.mark.parametrize("fmt", [0, 1, 2, 3])
async def test_cost_only_and_op_report_for_a_kind(fmt: int) -> None:
    fake = make_fake()
    quote = parse_send(
        answer(await post(fake, b"hlr=1&cost=1&fmt=%d" % fmt)), fmt=fmt, cost=1, op=False
    )
    assert isinstance(quote, CostResult)
    assert (quote.cost, quote.parts) == (Decimal("1.50"), 1)
    assert fake.ledger == []
    sent = parse_send(
        answer(await post(fake, b"mes=1234&tg=1&op=1&cost=3&fmt=%d" % fmt)),
        fmt=fmt,
        cost=3,
        op=True,
    )
    assert isinstance(sent, SendResult)
    assert [(p.phone, p.cost) for p in sent.phones] == [("79999999999", Decimal("1.50"))]


async def test_kind_prices_apply() -> None:
    fake = make_fake()
    fake.account("alex").kind_prices[MessageKind.HLR] = Decimal("0.20")
    result = parse_send(answer(await post(fake, b"hlr=1&cost=3&fmt=3")), fmt=3, cost=3, op=False)
    assert result.cost == Decimal("0.20")


@pytest.mark.parametrize(
    "body",
    [
        b"mes=0A0307&bin=2",  # the header length (10) claims more bytes than follow
        b"mes=&bin=2",
        b"mes=0001%0A~~~%0Apid%3A0%2Cdcs%3A4&bin=2",  # spaces not as the spec says
        b"mes=0001%0A~~~%0Apid%3A%20256%2C%20dcs%3A%200&bin=2",
        b"mes=0001%0A~~~%0Apid%3A%200&bin=2",
        b"mes=0001%0A~~~%0AComment&bin=2",
        b"mes=http%3A%2F%2Fwap.ru&push=1",  # no title line
        b"mes=%0AWAP.RU&push=1",  # no link
        b"mes=http%3A%2F%2Fwap.ru%0A%20&push=1",  # blank title
        b"mes=%20&soc=1",
        b"whatsapp=1",
        b"mes=%D9%A1%D9%A2%D9%A3%D9%A4&tg=1",  # Arabic-Indic digits
        b"mes=123456789&tg=1",
        b"mes=Hi&bot=mybot_bot",
    ],
)
async def test_parameter_errors(body: bytes) -> None:
    fake = make_fake()
    raw = answer(await post(fake, body + b"&fmt=1"))
    assert raw == "0,-1"
    with pytest.raises(InvalidParametersError):
        parse_send(raw, fmt=1, cost=0, op=False)
    assert fake.ledger == []


async def test_flag_wins_over_a_prefix() -> None:
    fake = make_fake()
    answer(await post(fake, b"mes=__VIBER__%3A%20Hi&flash=1&fmt=3"))
    assert [(e.kind, e.text) for e in fake.ledger] == [(MessageKind.FLASH, "Hi")]


@pytest.mark.parametrize(
    ("body", "fmt"),
    [
        (b"mes=Hi&soc=1", 3),  # a Telegram nick is no recipient of other kinds
        (b"hlr=1", 0),
        (b"mes=Hi&flash=1", 2),
    ],
)
async def test_telegram_recipients_only_for_the_bot(body: bytes, fmt: int) -> None:
    fake = make_fake()
    response = await fake.handle(
        FakeRequest(
            method="GET",
            path="/sys/send.php",
            query=b"login=alex&psw=123&phones=%40alex_nick&" + body + b"&fmt=%d" % fmt,
        )
    )
    with pytest.raises(InvalidPhoneError) as caught:
        parse_send(answer(response), fmt=fmt, cost=0, op=False)
    assert caught.value.message_id == 1
    assert fake.ledger == []
    bot = b"login=alex&psw=123&phones=%40alex_nick&mes=Hi&bot=%40mybot_bot&fmt=1"
    assert answer(await fake.handle(FakeRequest(method="GET", path="/sys/send.php", query=bot)))
    assert [e.recipients for e in fake.ledger] == [("@alex_nick",)]
