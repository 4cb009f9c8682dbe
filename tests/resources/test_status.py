"""status.php: codes, request encoding, the decoder in all four formats, and the client's
``client.status`` area against the emulator (asyncio and trio)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from ask import ask_emulator

from smsc_async import AsyncClient, ProtocolError, SaveFailedError, ValidationError
from smsc_async._errors import ApiError, DuplicateRequestError
from smsc_async._resources.status import (
    STATUS_PAIRS_PER_REQUEST,
    check_status_pairs,
    parse_status,
    status_params,
)
from smsc_async._transports.base import HttpRequest, HttpResponse, Timeouts
from smsc_async._types.status import MessageStatus, StatusCode, StatusError
from smsc_async._wire.values import MOSCOW
from smsc_async.testing import FakeClock, FakeSMSC, InProcessTransport

pytestmark = pytest.mark.anyio

LOGIN, PASSWORD = "shop", "pa55word"
START = 1_700_000_000  # 15.11.2023 01:13:20 in Moscow
PHONE = "79991112233"
TEXT = "Hi, there\nsecond, line = x"


class Recording:
    """Wraps the emulator's transport and keeps every request's form fields."""

    def __init__(self, inner: InProcessTransport) -> None:
        self.inner = inner
        self.forms: list[dict[str, str]] = []

    async def request(self, request: HttpRequest, timeouts: Timeouts) -> HttpResponse:
        fields = parse_qs(request.body.decode(), keep_blank_values=True)
        self.forms.append({k: v[0] for k, v in fields.items()})
        return await self.inner.request(request, timeouts)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def fake(clock: FakeClock) -> FakeSMSC:
    fake = FakeSMSC(clock=clock)
    fake.add_account(LOGIN, PASSWORD, senders=("SMSC", "ivan"))
    return fake


@pytest.fixture
def recording(fake: FakeSMSC) -> Recording:
    return Recording(fake.transport())


@pytest.fixture
async def client(recording: Recording) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(
        login=LOGIN,
        password=PASSWORD,
        base_url="http://smsc.test",
        allow_http=True,
        transport=recording,
    ) as client:
        yield client


# ------------------------------------------------------------------ codes


@pytest.mark.parametrize(
    ("code", "final", "success"),
    [
        (-3, True, False),
        (-2, False, False),
        (-1, False, False),
        (0, False, False),
        (1, True, True),
        (2, True, True),
        (3, True, False),
        (4, True, True),
        (20, True, False),
        (22, True, False),
        (23, True, False),
        (24, True, False),
        (25, True, False),
    ],
)
def test_status_codes_know_final_and_success(code: int, final: bool, success: bool) -> None:
    status = StatusCode(code)
    assert (status.is_final, status.is_success) == (final, success)
    assert status.description
    row = MessageStatus(id=1, phone=PHONE, status=status)
    assert (row.is_final, row.is_success) == (final, success)


def test_unknown_codes_are_kept_as_ints_and_not_final() -> None:
    [row] = parse_status('{"status": 77, "err": 999}', fmt=3, pairs=[("1", PHONE)])
    assert (row.status, row.error, row.is_final, row.is_success) == (77, 999, False, False)
    assert StatusError(255).description == "rejected by operator"


# ------------------------------------------------------------------ encoding


def test_status_params_forms() -> None:
    pairs = check_status_pairs([(5, "+7 (999) 111-22-33"), ("order-7", "a@b.ru")])
    assert pairs == [("5", "+79991112233"), ("order-7", "a@b.ru")]
    assert status_params(pairs, detail=2, bot=False, many=True) == {
        "id": "5,order-7",
        "phone": "+79991112233,a@b.ru",
        "all": "2",
    }
    one = check_status_pairs([(5, "@nick")])
    # A single pair asked as "many" uses the trailing comma so the answer is an array.
    assert status_params(one, detail=0, bot=True, many=True) == {
        "id": "5,",
        "phone": "@nick,",
        "bot": "1",
    }
    assert status_params(one, detail=0, bot=False, many=False) == {"id": "5", "phone": "@nick"}


@pytest.mark.parametrize(
    ("pairs", "field"),
    [
        ([(0, PHONE)], "pairs[0].id"),
        ([("a,b", PHONE)], "pairs[0].id"),
        ([(True, PHONE)], "pairs[0].id"),
        ([(1, "7999,7888")], "pairs[0].phone"),
        ([(1, "")], "pairs[0].phone"),
        ([(1,)], "pairs[0]"),
        ("1,7999", "pairs"),
    ],
)
def test_bad_pairs_are_refused(pairs: object, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_status_pairs(pairs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_bad_options_are_refused() -> None:
    pairs = check_status_pairs([(1, PHONE)])
    with pytest.raises(ValidationError, match="detail"):
        status_params(pairs, detail=3, bot=False, many=False)
    with pytest.raises(ValidationError, match="bot"):
        status_params(pairs, detail=0, bot=1, many=False)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="pairs"):
        status_params([], detail=0, bot=False, many=True)


# ------------------------------------------------------------------ decoder, hand-written


def test_decode_json_prefers_timestamps_and_keeps_extra() -> None:
    text = (
        '[{"id": "order-7", "phone": "79991112233", "status": 20, "err": 6,'
        ' "last_date": "01.01.2020 00:00:00", "last_timestamp": 1700000000,'
        ' "send_date": "15.11.2023 01:10:00", "cost": "1.40", "sender_id": "ivan",'
        ' "sms_cnt": "2", "type": "0", "mccmnc": 25001, "imsi": "250011234567890",'
        ' "status_name": "x", "message": "  spaced  "}]'
    )
    [row] = parse_status(text, fmt=3, pairs=[("order-7", PHONE)], many=True)
    assert row.id == "order-7"
    assert (row.status, row.error) == (StatusCode.UNDELIVERABLE, StatusError.SUBSCRIBER_OFFLINE)
    assert row.last_time == datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)
    # Without a timestamp the text date is read as Moscow time.
    assert row.send_time == datetime(2023, 11, 15, 1, 10, tzinfo=MOSCOW)
    assert (row.cost, row.sender, row.parts, row.type, row.mccmnc) == (
        Decimal("1.40"),
        "ivan",
        2,
        0,
        "25001",
    )
    assert row.message == "  spaced  "
    assert row.extra == {"imsi": "250011234567890", "status_name": "x"}


def test_decode_rows_take_id_and_phone_from_the_request_by_position() -> None:
    rows = parse_status(
        '[{"status": 1}, {"status": -1}]',
        fmt=3,
        pairs=[("5", PHONE), ("007", "a@b.ru")],
        many=True,
    )
    assert [(r.id, r.phone, r.status) for r in rows] == [(5, PHONE, 1), ("007", "a@b.ru", -1)]
    with pytest.raises(ProtocolError, match="does not name"):
        parse_status('[{"status": 1}]', fmt=3, pairs=[("5", PHONE), ("6", PHONE)], many=True)


def test_decode_text_and_csv_shapes() -> None:
    pairs = [("1", PHONE)]
    [zero] = parse_status(
        "Status = 3, check_time = 15.11.2023 01:13:20, err = 245", fmt=0, pairs=pairs
    )
    assert (zero.status, zero.error) == (StatusCode.EXPIRED, StatusError.STATUS_NOT_RECEIVED)
    assert zero.last_time == datetime.fromtimestamp(START, timezone.utc)
    [hlr] = parse_status("1,1700000000,0,250011234,79168999100,250,01,RU,MTS,,", fmt=1, pairs=pairs)
    assert hlr.extra == {
        "imsi": "250011234",
        "msc": "79168999100",
        "mcc": "250",
        "mnc": "01",
        "cn": "RU",
        "net": "MTS",
        "rcn": "",
        "rnet": "",
    }
    line = "1,1700000000,0,1700000000,79991112233,1.50,ivan,Delivered,RU,MTS,Msk,a, b, c"
    [full] = parse_status(line, fmt=1, pairs=pairs, detail=2)
    assert (full.country, full.region, full.message, full.cost) == (
        "RU",
        "Msk",
        "a, b, c",
        Decimal("1.50"),
    )
    with pytest.raises(ProtocolError, match="number of fields"):
        parse_status("1,2,3,4,5", fmt=1, pairs=pairs)


@pytest.mark.parametrize(
    ("text", "fmt", "error"),
    [
        ('{"error": "delete error", "error_code": 5}', 3, SaveFailedError),
        ("ERROR = 9 (duplicate request, wait a minute)", 3, DuplicateRequestError),
        ("0,-5", 1, SaveFailedError),
        ("<result><error>x</error><error_code>3</error_code></result>", 2, ApiError),
    ],
)
def test_decode_errors_mean_what_they_mean_on_status(
    text: str, fmt: int, error: type[ApiError]
) -> None:
    with pytest.raises(error) as caught:
        parse_status(text, fmt=fmt, pairs=[("1", PHONE)])
    assert type(caught.value) is error and caught.value.endpoint == "status"


@pytest.mark.parametrize(
    ("text", "fmt"),
    [("<html>oops</html>", 3), ('{"last_date": "x"}', 3), ("[1, 2]", 3), ("Hello", 0)],
)
def test_decode_garbage_is_a_protocol_error(text: str, fmt: int) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_status(text, fmt=fmt, pairs=[("1", PHONE)])
    assert caught.value.endpoint == "status"


# ------------------------------------------------------------------ decoder, emulator answers


@pytest.mark.parametrize("detail", [0, 1, 2])
@pytest.mark.parametrize("many", [False, True])
async def test_all_four_formats_decode_alike(
    client: AsyncClient, fake: FakeSMSC, detail: int, many: bool
) -> None:
    await client.send(PHONE, TEXT, id=5, sender="ivan")
    await client.send("79994445566", "Other", id=6)
    fake.set_status(6, "79994445566", 22, error=249)
    pairs = [("5", PHONE), ("6", "79994445566"), ("9", PHONE)] if many else [("5", PHONE)]
    ids, phones = ",".join(i for i, _ in pairs), ",".join(p for _, p in pairs)
    decoded = []
    for fmt in range(4):
        query = f"id={ids}&phone={phones}&all={detail}&fmt={fmt}"
        text = await ask_emulator(fake, "/sys/status.php", query, login=LOGIN, password=PASSWORD)
        decoded.append(parse_status(text, fmt=fmt, pairs=pairs, detail=detail, many=many))
    assert decoded[0] == decoded[1] == decoded[2] == decoded[3]
    first = decoded[3][0]
    assert (first.id, first.phone, first.status) == (5, PHONE, StatusCode.WAITING)
    assert first.last_time == datetime.fromtimestamp(START, timezone.utc)
    if detail:
        assert (first.message, first.sender, first.cost) == (TEXT, "ivan", Decimal("1.50"))
    if many:
        assert [(r.id, r.status, r.error) for r in decoded[3][1:]] == [
            (6, StatusCode.INVALID_NUMBER, StatusError.INVALID_NUMBER_FORMAT),
            (9, StatusCode.NOT_FOUND, StatusError.NONE),
        ]


# ------------------------------------------------------------------ the client


async def test_status_follows_test_mode_to_delivered(
    client: AsyncClient, clock: FakeClock, recording: Recording
) -> None:
    await client.send(PHONE, "Hi", id="order-1")
    seen = []
    for _ in range(3):
        status = await client.status("order-1", PHONE)
        seen.append((status.status, status.is_final, status.is_success))
        clock.advance(1)
    assert seen == [
        (StatusCode.WAITING, False, False),
        (StatusCode.PASSED_TO_OPERATOR, False, False),
        (StatusCode.DELIVERED, True, True),
    ]
    assert recording.forms[-1]["id"] == "order-1" and "all" not in recording.forms[-1]
    missing = await client.status(404, PHONE)
    assert (missing.id, missing.status, missing.is_final) == (404, StatusCode.NOT_FOUND, True)


async def test_status_detail_two(client: AsyncClient) -> None:
    await client.send(PHONE, TEXT, id=5)
    status = await client.status(5, PHONE, detail=2)
    assert (status.message, status.country, status.cost) == (TEXT, "Россия", Decimal("1.50"))
    assert status.send_time == datetime.fromtimestamp(START, timezone.utc)


async def test_status_many_uses_the_array_forms(client: AsyncClient, recording: Recording) -> None:
    await client.send(PHONE, "Hi", id=5)
    [one] = await client.status.many([(5, PHONE)])
    assert (one.id, one.phone, one.status) == (5, PHONE, StatusCode.WAITING)
    assert (recording.forms[-1]["id"], recording.forms[-1]["phone"]) == ("5,", PHONE + ",")
    rows = await client.status.many([(5, PHONE), (6, PHONE)], detail=1)
    assert [(r.id, r.status) for r in rows] == [(5, StatusCode.WAITING), (6, StatusCode.NOT_FOUND)]
    assert recording.forms[-1]["id"] == "5,6" and recording.forms[-1]["all"] == "1"
    calls = len(recording.forms)
    assert await client.status.many([]) == []
    assert len(recording.forms) == calls


async def test_status_many_chunks_long_lists(
    client: AsyncClient, fake: FakeSMSC, recording: Recording
) -> None:
    # 201 pairs: two full requests of STATUS_PAIRS_PER_REQUEST and one of a single pair,
    # which still uses the array form.
    await client.send(PHONE, "Hi", id=7)
    pairs = [(n, PHONE) for n in range(1, 202)]
    before = len(fake.requests)
    rows = await client.status.many(pairs)
    status_requests = [r for r in fake.requests[before:] if r.path == "/sys/status.php"]
    assert len(status_requests) == 3 == -(-len(pairs) // STATUS_PAIRS_PER_REQUEST)
    assert [r.id for r in rows] == list(range(1, 202))  # in the order asked
    assert [r.status for r in rows if r.id == 7] == [StatusCode.WAITING]
    assert [len(f["id"].split(",")) for f in recording.forms[-3:]] == [100, 100, 2]
    assert recording.forms[-1]["id"] == "201,"


async def test_status_of_a_telegram_bot_message(client: AsyncClient, recording: Recording) -> None:
    sent = await client.request("send", phones="@nick", mes="Hi", bot="@shop_bot", id=9)
    assert sent["id"] == 9
    status = await client.status(9, "@nick", bot=True)
    assert (status.phone, status.status) == ("@nick", StatusCode.WAITING)
    assert recording.forms[-1]["bot"] == "1"


async def test_status_delete(client: AsyncClient) -> None:
    await client.send(PHONE, "Hi", id=5)
    await client.status.delete(5, PHONE)
    assert (await client.status(5, PHONE)).status is StatusCode.NOT_FOUND
    with pytest.raises(SaveFailedError) as caught:
        await client.status.delete(5, PHONE)
    assert (caught.value.code, caught.value.endpoint) == (5, "status")


async def test_status_validates_before_sending(client: AsyncClient, recording: Recording) -> None:
    with pytest.raises(ValidationError):
        await client.status(5, "not a phone")
    with pytest.raises(ValidationError):
        await client.status(5, PHONE, detail=5)
    with pytest.raises(ValidationError):
        await client.status.many([(5, PHONE), ("bad id!", PHONE)])
    assert recording.forms == []
