"""``repr`` of results, statuses, messages and outcomes shows no phone number and no text.

A ``repr`` lands in logs and error trackers; a one-time code or a customer's number must not.
The attributes stay readable as they are.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from smsc_async import (
    AsyncClient,
    CostResult,
    Message,
    MessageStatus,
    NotSentOutcome,
    PhoneReport,
    Prefix,
    RejectedOutcome,
    SendResult,
    SentOutcome,
    StatusCode,
    UnknownOutcome,
    ValidationError,
    prefixed,
)
from smsc_async._masking import mask_recipient
from smsc_async._resources.send.request import encode_send, encode_send_list

PHONE = "79991234567"
OTHER = "+7 (999) 765-43-21"
TEXT = "Your code: 482913"
SECRETS = ["9991234567", "1234567", "7654321", "765-43-21", "482913", "Your code", "alex.smith"]


def assert_clean(value: object) -> str:
    text = repr(value)
    for secret in SECRETS:
        assert secret not in text, (secret, text)
    return text


@pytest.mark.parametrize(
    ("recipient", "masked"),
    [
        ("79991234567", "7999*****67"),
        ("+79991234567", "+7999*****67"),
        ("+7 (999) 123-45-67", "+7999*****67"),
        ("12345", "***45"),
        ("G17", "G17"),
        ("alex.smith@example.com", "a***@example.com"),
        ("@alex_nick", "@a***"),
        ("#1122334455", "#********55"),
        ("$phone", "$phone"),
        ("not a phone", "<11 chars>"),
    ],
)
def test_recipients_are_masked(recipient: str, masked: str) -> None:
    assert mask_recipient(recipient) == masked


def test_results_and_reports() -> None:
    report = PhoneReport(phone=PHONE, mccmnc="25001", cost=Decimal("1.5"), status=1, extra={"x": 1})
    text = assert_clean(report)
    assert "7999*****67" in text and "25001" in text
    assert report.phone == PHONE  # the attribute itself is untouched
    sent = SendResult(id=5, parts=1, cost=Decimal(1), phones=(report,), extra={"phone": PHONE})
    assert "7999*****67" in assert_clean(sent)
    assert_clean(CostResult(cost=Decimal(1), parts=1, phones=(report,), extra={"mes": TEXT}))


def test_statuses() -> None:
    status = MessageStatus(
        id=5,
        phone=PHONE,
        status=StatusCode.DELIVERED,
        message=TEXT,
        comment="alex.smith's order",
        sender="Shop",
        extra={"imsi": "250011234567890", "phone_other": OTHER},
    )
    text = assert_clean(status)
    assert "250011234567890" not in text
    assert f"message=<{len(TEXT)} chars>" in text and "sender='Shop'" in text
    assert (status.phone, status.message) == (PHONE, TEXT)


def test_messages_and_every_outcome() -> None:
    message = Message(f"{PHONE},{OTHER};G1", TEXT, sender="Shop", comment="alex.smith")
    text = assert_clean(message)
    assert "'7999*****67,+7999*****21;G1'" in text and f"<{len(TEXT)} chars>" in text
    assert_clean(Message((PHONE, OTHER), TEXT))
    assert message.text == TEXT
    report = PhoneReport(phone=PHONE, status=1)
    error = ValidationError("messages[0].text", "must not be empty or blank")
    outcomes = [
        SentOutcome(
            index=0, message=message, request_id="r1", parts=1, cost=None, phones=(report,)
        ),
        RejectedOutcome(index=1, message=message, error=error),
        NotSentOutcome(index=2, message=message),
        UnknownOutcome(
            index=3, message=message, request_id="r2", recipients=(PHONE, OTHER), started_at=1.0
        ),
    ]
    for outcome in outcomes:
        assert "index=" in assert_clean(outcome)


@pytest.mark.anyio
async def test_what_the_client_returns_is_masked(smsc_client: AsyncClient) -> None:
    sent = await smsc_client.send(PHONE, TEXT, id="order-1", op=True)
    assert sent.phones and sent.phones[0].phone == PHONE
    assert_clean(sent)
    assert_clean(await smsc_client.cost(PHONE, TEXT, op=True))
    status = await smsc_client.status("order-1", PHONE, detail=2)
    assert status.message == TEXT
    assert_clean(status)
    assert_clean(await smsc_client.status.many([("order-1", PHONE)], detail=1))
    async with smsc_client.send_many([Message(PHONE, TEXT), Message(OTHER, "")]) as job:
        outcomes = [o async for o in job]
    assert len(outcomes) == 2
    for outcome in outcomes:
        assert_clean(outcome)
        assert_clean(outcome.error)
        assert_clean(str(outcome.error))
    assert_clean(job.summary())


def test_validation_errors_name_no_text_and_no_phone() -> None:
    refusals = [
        lambda: encode_send(PHONE, TEXT + "\x00", {}),
        lambda: encode_send(PHONE, TEXT, {"comment": TEXT + "\x1b"}),
        lambda: encode_send(PHONE, prefixed(Prefix.CALL, TEXT), {"comment": TEXT}),
        lambda: encode_send(PHONE + "x", TEXT, {}),
        lambda: encode_send(PHONE, TEXT, {"sender": "Код 482913"}),
        lambda: encode_send_list([Message(PHONE, f"{TEXT}\n{PHONE}: more")], {"nl": True}),
        lambda: encode_send_list([Message(PHONE, f"{TEXT}\n10:30 {TEXT}")], {"nl": True}),
        lambda: encode_send_list([Message("alex.smith@example.com", TEXT)], {"nl": True}),
        lambda: prefixed(Prefix.CALL, f"{TEXT}\n~~~\n{TEXT}"),
    ]
    for refuse in refusals:
        with pytest.raises(ValidationError) as caught:
            refuse()
        assert_clean(str(caught.value))
        assert_clean(caught.value.args)
