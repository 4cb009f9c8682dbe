"""``list`` in ``nl=1`` mode: whatever the encoder accepts, the server reads back as sent.

In multi-line mode a line of a message's text that the server takes for the start of a new
message would split the message in two (and send the second half to whoever it names).
SMSC does not document how it tells the lines apart, so the emulator plays each reading
(`NlRecords`) and the SDK must be right under all of them.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from smsc_async import AsyncClient, Message, ValidationError
from smsc_async._resources.send.request import encode_send_list
from smsc_async._wire.checks import encode_phones
from smsc_async._wire.form import form_body
from smsc_async.testing import FakeSMSC, NlRecords
from smsc_async.testing._endpoints.send.parse import parse_drafts
from smsc_async.testing.pytest_plugin import TEST_LOGIN, TEST_PASSWORD

PHONE = "79991112233"
READINGS = list(NlRecords)


def encode(messages: list[Message], nl: bool = True) -> dict[str, str]:
    return encode_send_list(messages, {"nl": nl} if nl else {})


def server_reads(params: dict[str, str], reading: NlRecords) -> list[tuple[object, ...]]:
    """(phones, text, comment, sender) of each message as the emulator parses the request."""
    wire = dict(parse_qsl(form_body(params).decode("ascii"), keep_blank_values=True))
    return [(d.phones, d.text, d.comment, d.sender) for d in parse_drafts(wire, None, reading)]


def as_sent(message: Message, phones: str) -> tuple[object, ...]:
    text = re.sub(r"\r\n?", "\n", message.text)
    comment = re.sub(r"\r\n?", "\n", message.comment) if message.comment else None
    if comment is None and "\n~~~\n" in text:  # a comment written into the text itself
        text, _, comment = text.partition("\n~~~\n")
    return (phones, text, comment, message.sender)


# ----------------------------------------------------------------- lines that are refused

CONTINUATIONS_REFUSED = [
    "10:30 tomorrow",  # digits before a colon read as recipients
    "1: yes",
    "G: x",
    " : x",  # only spaces before the colon
    "+7 (999) 123-45-67: call me",
    "7999,7888: both",
    "a|b",  # a | before the first colon (or with none) reads as a sender prefix
    "a | b: c",
    "@bob: hi",  # valid recipients of other kinds
    "#12: first",
    "alex@example.com: hi",
    "G12: group",
]
CONTINUATIONS_TAKEN = ["Time: 10:30", "Note: x", ":x", "Итого: 5", "10 30", "tel 7999: x"]


@pytest.mark.parametrize("line", CONTINUATIONS_REFUSED)
@pytest.mark.parametrize("reading", READINGS)
def test_continuation_lines_read_as_a_message_are_refused(line: str, reading: NlRecords) -> None:
    with pytest.raises(ValidationError) as caught:
        encode([Message(PHONE, f"Hello\n{line}")])
    assert caught.value.field == "messages[0].text"
    assert "nl mode" in caught.value.rule
    with pytest.raises(ValidationError) as caught:
        encode([Message(PHONE, "Hello", comment=line)])
    assert caught.value.field == "messages[0].comment"
    # Without nl the same text is one line on the wire, and reads back whole.
    sent = Message(PHONE, f"Hello\n{line}")
    assert server_reads(encode([sent], nl=False), reading) == [as_sent(sent, PHONE)]


@pytest.mark.parametrize("line", CONTINUATIONS_TAKEN)
@pytest.mark.parametrize("reading", READINGS)
def test_other_continuation_lines_read_back_whole(line: str, reading: NlRecords) -> None:
    messages = [Message(PHONE, f"Hello\n{line}", comment=line), Message("G1", "Two")]
    expected = [as_sent(messages[0], PHONE), as_sent(messages[1], "G1")]
    assert server_reads(encode(messages), reading) == expected


@pytest.mark.parametrize("reading", READINGS)
def test_other_recipients_need_a_sender_in_nl_mode(reading: NlRecords) -> None:
    for phones in ["@alex_nick", "#123", "alex@example.com", [PHONE, "@alex_nick"]]:
        with pytest.raises(ValidationError) as caught:
            encode([Message(PHONE, "One"), Message(phones, "Two")])
        assert caught.value.field == "messages[1].phones"
    messages = [Message(PHONE, "One"), Message("@alex_nick", "Two", sender="Shop")]
    expected = [as_sent(messages[0], PHONE), as_sent(messages[1], "@alex_nick")]
    assert server_reads(encode(messages), reading) == expected


# ---------------------------------------------------------------------- the property

_line_chars = st.sampled_from([*"0123456789 :|+()-,;Gg@#.a~\\nИ_\t", "ok", "Hi there", "10:30"])
_line = st.lists(_line_chars, max_size=8).map("".join)
_text = st.lists(_line, min_size=1, max_size=4).map("\n".join)
_recipient = st.sampled_from(
    ["79991112233", "+79991112234", "7 (999) 111-22-35", "G1", "g22", "a@b.ru", "@nick_1", "#77"]
)
_message = st.builds(
    Message,
    phones=st.lists(_recipient, min_size=1, max_size=2),
    text=_text,
    sender=st.none() | st.sampled_from(["Shop", "My Shop 24"]),
    comment=st.none() | _text,
)


@settings(max_examples=400, deadline=None)
@given(messages=st.lists(_message, min_size=1, max_size=4), nl=st.booleans())
@example(messages=[Message(PHONE, "Meet\n10:30 tomorrow")], nl=True)
@example(messages=[Message(PHONE, "Reply\n1: yes")], nl=True)
@example(messages=[Message(PHONE, "x"), Message("@nick_1", "y")], nl=True)
@example(messages=[Message(PHONE, "\n0@10:30")], nl=True)
def test_whatever_the_encoder_accepts_reads_back_as_sent(messages: list[Message], nl: bool) -> None:
    try:
        params = encode(messages, nl=nl)
    except ValidationError:
        return  # refused before sending: nothing to misread
    expected = [as_sent(m, encode_phones("phones", m.phones)) for m in messages]
    for reading in READINGS:
        assert server_reads(params, reading) == expected, reading


# ------------------------------------------------------------------------- end to end


@pytest.fixture(params=READINGS, ids=[r.value for r in READINGS])
def smsc_fake(request: pytest.FixtureRequest) -> FakeSMSC:
    fake = FakeSMSC(nl_records=request.param)
    fake.add_account(TEST_LOGIN, TEST_PASSWORD, senders=("SMSC", "Shop"))
    return fake


@pytest.mark.anyio
async def test_send_list_in_nl_mode_reaches_the_emulator_as_sent(
    smsc_client: AsyncClient, smsc_fake: FakeSMSC
) -> None:
    messages = [
        Message(PHONE, "Your table:\nTime: 10:30\nИтого: 2 guests", comment="booking\nB-17"),
        Message("79991112234", "Second\n\nmessage"),
        Message("79991112235", "Hi", sender="Shop"),
    ]
    await smsc_client.send_list(messages, nl=True)
    assert [(e.text, e.comment) for e in smsc_fake.ledger] == [
        ("Your table:\nTime: 10:30\nИтого: 2 guests", "booking\nB-17"),
        ("Second\n\nmessage", None),
        ("Hi", None),
    ]
    with pytest.raises(ValidationError):
        await smsc_client.send_list([Message(PHONE, "Meet\n10:30 tomorrow")], nl=True)
    assert len(smsc_fake.requests) == 1
