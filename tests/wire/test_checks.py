"""What a message text, a sender and a comment may hold, through every way of sending.

Control characters in a text are sent and billed; a sender of Cyrillic letters is not a sender
SMSC takes; a comment on a voice call lands where SMSC reads the call's ``param``. Each is
refused before anything is sent — checked here at the emulator, on asyncio and trio.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from smsc_async import (
    AsyncClient,
    Attachment,
    IvrItem,
    IvrMenu,
    IvrSms,
    Message,
    OutcomeKind,
    Prefix,
    ValidationError,
    prefixed,
)
from smsc_async._resources.send.request import encode_send, encode_send_list
from smsc_async.testing import FakeSMSC
from smsc_async.testing.pytest_plugin import TEST_LOGIN, TEST_PASSWORD

pytestmark = pytest.mark.anyio

PHONE = "79991112233"
# C0 controls other than tab and line breaks, DEL, and C1 controls (NEL among them).
CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85"]
SENDERS_REFUSED = ["Магазин", "Shop№1", "Shop\u00a0", "café", "Shop\tX"]
SENDERS_TAKEN = ["SMSC", "My Shop 24!", "A-B_C.D&E'", "+79991234567", "123456789012345"]


@pytest.fixture
def smsc_fake() -> FakeSMSC:
    fake = FakeSMSC()
    fake.add_account(TEST_LOGIN, TEST_PASSWORD, senders=(*SENDERS_TAKEN, *SENDERS_REFUSED))
    return fake


def refused(call: Callable[[], object]) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value


# ------------------------------------------------------------------ control characters


@pytest.mark.parametrize("control", CONTROLS)
def test_encoder_refuses_control_characters_in_texts(control: str) -> None:
    text = f"code 4821{control}"
    error = refused(lambda: encode_send(PHONE, text, {}))
    assert (error.field, "control characters" in error.rule) == ("message", True)
    assert "4821" not in str(error)
    error = refused(lambda: encode_send(PHONE, "Hi", {"comment": text}))
    assert error.field == "comment"
    for nl in (False, True):
        error = refused(lambda nl=nl: encode_send_list([Message(PHONE, text)], {"nl": nl}))
        assert error.field == "messages[0].text"
        error = refused(
            lambda nl=nl: encode_send_list([Message(PHONE, "Hi", comment=text)], {"nl": nl})
        )
        assert error.field == "messages[0].comment"


def test_tab_and_line_breaks_stay_allowed() -> None:
    assert encode_send(PHONE, "a\tb\r\nc\nd", {})["mes"] == "a\tb\r\nc\nd"
    assert encode_send_list([Message(PHONE, "a\tb\nc")], {})["list"] == f"{PHONE}:a\tb\\nc"


Send = Callable[[AsyncClient, str], Awaitable[object]]

TEXT_SENDS: dict[str, Send] = {
    "send": lambda c, t: c.send(PHONE, t),
    "cost": lambda c, t: c.cost(PHONE, t),
    "send_list": lambda c, t: c.send_list([Message(PHONE, "ok"), Message(PHONE, t)]),
    "send_flash": lambda c, t: c.send_flash(PHONE, t),
    "send_soc": lambda c, t: c.send_soc(PHONE, t),
    "send_whatsapp": lambda c, t: c.send_whatsapp(PHONE, t),
    "send_telegram_bot": lambda c, t: c.send_telegram_bot("@alex_nick", t, bot="@shop_bot"),
    "send_mms": lambda c, t: c.send_mms(PHONE, t),
    "send_email": lambda c, t: c.send_email("a@example.com", t, subject="S", sender="b@ex.com"),
    "call": lambda c, t: c.call(PHONE, t),
    "send_viber": lambda c, t: c.send_viber(PHONE, t),
    "templates.create": lambda c, t: c.templates.create("code", t),
}


@pytest.mark.parametrize("way", TEXT_SENDS)
async def test_every_send_refuses_control_characters_before_sending(
    smsc_client: AsyncClient, smsc_fake: FakeSMSC, way: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await TEXT_SENDS[way](smsc_client, "Your code: 4821\x00")
    assert caught.value.field in ("message", "messages[1].text")
    assert "control characters" in caught.value.rule
    assert smsc_fake.requests == []


async def test_send_many_rejects_each_message_with_a_control_character(
    smsc_client: AsyncClient, smsc_fake: FakeSMSC
) -> None:
    messages = [
        Message(PHONE, "fine"),
        Message("79991112234", "bell\x07"),
        Message("79991112235", "fine", comment="esc\x1b"),
        Message("79991112236", "fine too", sender="Магазин"),
        Message("79991112237", "fine three"),
    ]
    async with smsc_client.send_many(messages) as job:
        outcomes = sorted([o async for o in job], key=lambda o: o.index)
    assert [o.kind for o in outcomes] == [
        OutcomeKind.SENT,
        OutcomeKind.REJECTED,
        OutcomeKind.REJECTED,
        OutcomeKind.REJECTED,
        OutcomeKind.SENT,
    ]
    fields = [getattr(o.error, "field", None) for o in outcomes]
    assert fields[1:4] == ["messages[1].text", "messages[2].comment", "messages[3].sender"]
    assert sorted(e.text for e in smsc_fake.ledger) == ["fine", "fine three"]


# ------------------------------------------------------------------------------- senders


@pytest.mark.parametrize("sender", [*SENDERS_REFUSED, "twelve chars", "1234567890123456"])
def test_encoder_refuses_senders_smsc_does_not_take(sender: str) -> None:
    error = refused(lambda: encode_send(PHONE, "Hi", {"sender": sender}))
    assert error.field == "sender"
    assert "Latin" in error.rule or "control characters" in error.rule
    error = refused(lambda: encode_send_list([Message(PHONE, "Hi", sender=sender)], {}))
    assert error.field == "messages[0].sender"


@pytest.mark.parametrize("sender", SENDERS_TAKEN)
def test_encoder_takes_latin_senders_and_numbers(sender: str) -> None:
    assert encode_send(PHONE, "Hi", {"sender": sender})["sender"] == sender


SENDER_SENDS: dict[str, Callable[[AsyncClient, str], Awaitable[object]]] = {
    "send": lambda c, s: c.send(PHONE, "Hi", sender=s),
    "send_list": lambda c, s: c.send_list([Message(PHONE, "Hi", sender=s)]),
    "send_list option": lambda c, s: c.send_list([Message(PHONE, "Hi")], sender=s),
    "send_flash": lambda c, s: c.send_flash(PHONE, "Hi", sender=s),
    "send_ping": lambda c, s: c.send_ping(PHONE, sender=s),
    "send_soc": lambda c, s: c.send_soc(PHONE, "Hi", sender=s),
    "send_whatsapp": lambda c, s: c.send_whatsapp(PHONE, "Hi", sender=s),
    "send_mms": lambda c, s: c.send_mms(PHONE, "Hi", sender=s),
    "call": lambda c, s: c.call(PHONE, "Hi", sender=s),
    "send_viber": lambda c, s: c.send_viber(PHONE, "Hi", sender=s),
    "templates.create": lambda c, s: c.templates.create("code", "Hi", sender=s),
    "operator_templates": lambda c, s: c.operator_templates.statuses(s, "Hi"),
}


@pytest.mark.parametrize("way", SENDER_SENDS)
async def test_every_send_refuses_a_cyrillic_sender_before_sending(
    smsc_client: AsyncClient, smsc_fake: FakeSMSC, way: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await SENDER_SENDS[way](smsc_client, "Магазин")
    assert caught.value.field in ("sender", "messages[0].sender")
    assert smsc_fake.requests == []


@pytest.mark.parametrize("way", ["send", "send_list", "send_flash", "send_viber"])
async def test_a_latin_sender_goes_out(
    smsc_client: AsyncClient, smsc_fake: FakeSMSC, way: str
) -> None:
    await SENDER_SENDS[way](smsc_client, "My Shop 24!")
    assert [e.sender for e in smsc_fake.ledger] == ["My Shop 24!"]


def test_ivr_sms_sender_follows_the_same_rule() -> None:
    assert IvrSms(sender="Shop", text="Hi").render() == "sms:$phone,Shop,Hi"
    for sender in ["Магазин", "a@example.com", "Sh,op", "twelve chars"]:
        assert refused(lambda s=sender: IvrSms(sender=s, text="Hi")).field == "sms.sender"


# ------------------------------------------------------------------- comments on calls


async def test_call_refuses_a_comment_before_sending(
    smsc_client: AsyncClient, smsc_fake: FakeSMSC
) -> None:
    options: dict[str, Any] = {"comment": "order 17"}
    with pytest.raises(ValidationError) as caught:
        await smsc_client.call(PHONE, "Hello", **options)
    assert caught.value.field == "comment"
    assert "param" in caught.value.rule
    menu = IvrMenu(greeting="Hi", prompt="Press 1", items=[IvrItem(key="1", actions=["Thanks"])])
    with pytest.raises(ValidationError):
        await smsc_client.call(PHONE, menu, **options)
    wav = Attachment.from_bytes(b"RIFF" + b"\0" * 200, "hello.wav")
    with pytest.raises(ValidationError):
        await smsc_client.call(PHONE, files=[wav], **options)
    assert smsc_fake.requests == []


def test_call_prefixed_lines_refuse_a_comment() -> None:
    call = prefixed(Prefix.CALL, "Hello")
    for nl in (False, True):
        error = refused(
            lambda nl=nl: encode_send_list([Message(PHONE, call, comment="c")], {"nl": nl})
        )
        assert error.field == "messages[0].comment"
    assert refused(lambda: encode_send(PHONE, call, {"comment": "c"})).field == "comment"
    # Other kinds by prefix keep their comments.
    viber = encode_send_list([Message(PHONE, prefixed(Prefix.VIBER, "Hi"), comment="c")], {})
    assert viber["list"] == f"{PHONE}:__VIBER__: Hi\\n~~~\\nc"


async def test_send_many_rejects_a_commented_call_line(
    smsc_client: AsyncClient, smsc_fake: FakeSMSC
) -> None:
    messages = [
        Message(PHONE, prefixed(Prefix.CALL, "Hello"), comment="order 17"),
        Message(PHONE, prefixed(Prefix.CALL, "Hello")),
    ]
    async with smsc_client.send_many(messages) as job:
        outcomes = sorted([o async for o in job], key=lambda o: o.index)
    assert [o.kind for o in outcomes] == [OutcomeKind.REJECTED, OutcomeKind.SENT]
    assert getattr(outcomes[0].error, "field", None) == "messages[0].comment"
    assert [e.comment for e in smsc_fake.ledger] == [None]


def test_a_call_prefix_takes_only_a_valid_param_tail() -> None:
    assert prefixed(Prefix.CALL, "Hello\n~~~\n20,10,3") == "__CALL__: Hello\n~~~\n20,10,3"
    for tail in ["order 17", "99,10,3", "20,5,3", "20,10,0", "20,10", "20,10,3\n~~~\nx"]:
        error = refused(lambda t=tail: prefixed(Prefix.CALL, f"Hello\n~~~\n{t}"))
        assert (error.field, "param" in error.rule) == ("text", True)
    # Elsewhere the separator starts a comment, as SMSC reads it.
    assert prefixed(Prefix.VIBER, "Hi\n~~~\nnote") == "__VIBER__: Hi\n~~~\nnote"


async def test_call_refuses_a_param_tail_in_its_text(
    smsc_client: AsyncClient, smsc_fake: FakeSMSC
) -> None:
    with pytest.raises(ValidationError) as caught:
        await smsc_client.call(PHONE, "Hello\n~~~\n20,10,3")
    assert caught.value.field == "message"
    assert smsc_fake.requests == []
