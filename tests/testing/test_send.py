"""FakeSMSC's send.php: every request example of spec §2.12 in all four formats, and each rule.

Requests are hand-written wire bytes (percent-encoding done by hand from the spec), never
produced by the SDK's encoder.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import orjson
import pytest

from smsc_async.testing import FakeClock, FakeRequest, FakeResponse, FakeSMSC, MessageKind

pytestmark = pytest.mark.anyio

AUTH = b"login=alex&psw=123&"
MSK = timezone(timedelta(hours=3))


def make_fake(**account: object) -> tuple[FakeSMSC, FakeClock]:
    clock = FakeClock()
    fake = FakeSMSC(clock=clock)
    acc = fake.add_account("alex", "123", senders=("SMSC", "ivan", "79991234567"), **account)  # type: ignore[arg-type]
    acc.add_group(777, ["79990000777", "79990001777"])
    acc.add_group(888, ["79990000888"])
    return fake, clock


async def send(fake: FakeSMSC, query: bytes, path: str = "/sys/send.php") -> FakeResponse:
    return await fake.handle(FakeRequest(method="GET", path=path, query=AUTH + query))


def text(response: FakeResponse) -> str:
    charset = response.content_type.split("charset=")[1]
    return response.body.decode({"windows-1251": "cp1251"}.get(charset, charset))


# ------------------------------------------------------------------ spec §2.12 examples

# (query after login/psw, kind of every ledger entry, cnt, entries)
EXAMPLES = [
    (b"phones=79999999999&mes=Hello!", MessageKind.SMS, 1, 1),
    (b"list=79999999999:Hello!%0A79999999999:Hello\\nworld!", MessageKind.SMS, 2, 2),
    (
        b"phones=79999999999&mes=Hello%20world!&translit=1&time=0101120000&flash=1"
        b"&sender=ivan&charset=utf-8",
        MessageKind.FLASH,
        1,
        1,
    ),
    (b"phones=79999999999&mes=050A0307056048656C6C6F2C20576F726C6421&bin=2", MessageKind.BIN, 1, 1),
    (
        b"phones=79999999999&mes=0605040B8423F0DC0601AE02056A0045C60C037761702E72752F0001037761"
        b"702E7275000101&bin=2",
        MessageKind.BIN,
        1,
        1,
    ),
    (b"phones=79999999999&mes=http://wap.ru%0AWAP.RU&push=1", MessageKind.PUSH, 1, 1),
    (b"phones=79999999999%2C78888888888&mes=Hello!%0A~~~%0AComment", MessageKind.SMS, 2, 1),
    (b"phones=G777%2Cg888&mes=Hello!", MessageKind.SMS, 3, 1),
    (b"phones=79999999999&hlr=1", MessageKind.HLR, 1, 1),
    (
        b"phones=79999999999&mes=Hello%20world&call=1&voice=m&param=20%2C10%2C3",
        MessageKind.CALL,
        1,
        1,
    ),
    (b"phones=79999999999&mes=Hello&viber=1", MessageKind.VIBER, 1, 1),
    (b"phones=79999999999&mes=123456&tg=1", MessageKind.TG, 1, 1),
    (
        b"phones=@alex_nick&mes=%C7%E4%F0%E0%E2%F1%F2%E2%F3%E9%F2%E5&bot=@mybot_bot",
        MessageKind.BOT,
        1,
        1,
    ),
    (b"phones=%231122334455&mes=Hi&bot=@mybot_bot", MessageKind.BOT, 1, 1),
    (
        b"phones=79999999999&mes=%CF%F0%E8%E2%E5%F2&bot=@mybot_bot&smsreq=25",
        MessageKind.BOT,
        1,
        1,
    ),
    (b"phones=79999999999&mes=__CALL__%3A%20Privet", MessageKind.CALL, 1, 1),
    (b"phones=79999999999&mes=__PING__", MessageKind.PING, 1, 1),
    (b"phones=79999999999&mes=__HLR__", MessageKind.HLR, 1, 1),
]

SUCCESS_SHAPES = {
    0: r"OK - (?P<cnt>\d+) SMS, ID - (?P<id>\d+)",
    1: r"(?P<id>\d+),(?P<cnt>\d+)",
    2: r"<result><id>(?P<id>\d+)</id><cnt>(?P<cnt>\d+)</cnt></result>",
}
CONTENT_TYPES = {0: "text/plain", 1: "text/plain", 2: "application/xml", 3: "application/json"}


@pytest.mark.parametrize("fmt", [0, 1, 2, 3])
@pytest.mark.parametrize(("query", "kind", "cnt", "entries"), EXAMPLES)
async def test_spec_examples_succeed_in_every_format(
    query: bytes, kind: MessageKind, cnt: int, entries: int, fmt: int
) -> None:
    fake, _ = make_fake()
    response = await send(fake, query + b"&fmt=%d" % fmt)
    body = text(response)
    assert response.status == 200
    assert response.content_type.startswith(CONTENT_TYPES[fmt] + "; charset=")
    if fmt == 3:
        assert orjson.loads(body) == {"id": 1, "cnt": cnt}
    else:
        match = re.fullmatch(SUCCESS_SHAPES[fmt], body)
        assert match, body
        assert (int(match["id"]), int(match["cnt"])) == (1, cnt)
    assert [e.kind for e in fake.ledger] == [kind] * entries
    assert all(e.id == 1 for e in fake.ledger)


async def test_examples_ledger_details() -> None:
    fake, _ = make_fake()
    await send(fake, b"list=79999999999:Hello!%0A79999999999:Hello\\nworld!")
    await send(fake, b"phones=79999999999%2C78888888888&mes=Hello!%0A~~~%0AComment")
    await send(fake, b"phones=G777%2Cg888&mes=Hello!")
    await send(fake, b"phones=79999999999&mes=__CALL__%3A%20Privet")
    await send(fake, b"phones=@alex_nick&mes=%C7%E4%F0%E0%E2%F1%F2%E2%F3%E9%F2%E5&bot=@mybot_bot")
    first, second, comment, group, call, bot = fake.ledger
    assert (first.text, second.text) == ("Hello!", "Hello\nworld!")
    assert (comment.text, comment.comment, comment.recipients) == (
        "Hello!",
        "Comment",
        ("79999999999", "78888888888"),
    )
    assert group.recipients == ("79990000777", "79990001777", "79990000888")
    assert (call.kind, call.text) == (MessageKind.CALL, "Privet")
    assert (bot.recipients, bot.text) == (("@alex_nick",), "Здравствуйте")
    assert "psw" not in first.params and "login" not in first.params


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        (0, "ERROR = 6 (message is denied), ID - 1"),
        (1, "1,-6"),
        (
            2,
            "<result><error>message is denied</error><error_code>6</error_code><id>1</id></result>",
        ),
        (3, '{"error":"message is denied","error_code":6,"id":1}'),
    ],
)
async def test_email_is_refused_in_test_mode(fmt: int, expected: str) -> None:
    fake, _ = make_fake()
    query = b"phones=alex%40mysite.com&mes=Hello&subj=Privet&sender=alex2%40mysite2.com&mail=1"
    assert text(await send(fake, query + b"&fmt=%d" % fmt)) == expected
    assert fake.ledger == []


async def test_email_is_sent_outside_test_mode() -> None:
    fake, _ = make_fake(test_mode=False)
    query = b"phones=alex%40mysite.com&mes=Hello&subj=Privet&sender=alex2%40mysite2.com&mail=1"
    assert text(await send(fake, query + b"&fmt=1")) == "1,1"
    [entry] = fake.ledger
    assert (entry.kind, entry.recipients, entry.sender) == (
        MessageKind.MAIL,
        ("alex@mysite.com",),
        "alex2@mysite2.com",
    )
    assert text(await send(fake, b"phones=alex%40mysite.com&mes=Hi&mail=1&fmt=1")) == "0,-1"


# ------------------------------------------------------------------ answer shapes


@pytest.mark.parametrize(
    ("cost", "fmt", "expected"),
    [
        (0, 0, "OK - 2 SMS, ID - 1"),
        (1, 0, "3.00 (2 SMS)"),
        (2, 0, "OK - 2 SMS, ID - 1, COST - 3.00"),
        (3, 0, "OK - 2 SMS, ID - 1, COST - 3.00, BALANCE - 97.00"),
        (0, 1, "1,2"),
        (1, 1, "3.00,2"),
        (2, 1, "1,2,3.00"),
        (3, 1, "1,2,3.00,97.00"),
        (0, 2, "<result><id>1</id><cnt>2</cnt></result>"),
        (1, 2, "<result><cost>3.00</cost><cnt>2</cnt></result>"),
        (2, 2, "<result><id>1</id><cnt>2</cnt><cost>3.00</cost></result>"),
        (3, 2, "<result><id>1</id><cnt>2</cnt><cost>3.00</cost><balance>97.00</balance></result>"),
        (0, 3, '{"id":1,"cnt":2}'),
        (1, 3, '{"cost":"3.00","cnt":2}'),
        (2, 3, '{"id":1,"cnt":2,"cost":"3.00"}'),
        (3, 3, '{"id":1,"cnt":2,"cost":"3.00","balance":"97.00"}'),
    ],
)
async def test_cost_modes(cost: int, fmt: int, expected: str) -> None:
    fake, _ = make_fake()
    query = b"phones=79999999999,78888888888&mes=Hi&cost=%d&fmt=%d" % (cost, fmt)
    assert text(await send(fake, query)) == expected
    charged = cost != 1
    assert fake.account("alex").balance == (Decimal("97.00") if charged else Decimal(100))
    assert len(fake.ledger) == (1 if charged else 0)


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        (0, "OK - 1 SMS, ID - 1\n79999999999,25001,1.50,-1,0\n123,,0.00,22,249"),
        (1, "1,1\n79999999999,25001,1.50,-1,0\n123,,0.00,22,249"),
        (
            2,
            '<result><id>1</id><cnt>1</cnt><phones><phone mccmnc="25001" cost="1.50" '
            'status="-1" error="0">79999999999</phone><phone mccmnc="" cost="0.00" '
            'status="22" error="249">123</phone></phones></result>',
        ),
        (
            3,
            '{"id":1,"cnt":1,"phones":[{"phone":"79999999999","mccmnc":"25001","cost":"1.50",'
            '"status":"-1","error":"0"},{"phone":"123","mccmnc":"","cost":"0.00",'
            '"status":"22","error":"249"}]}',
        ),
    ],
)
async def test_op_report(fmt: int, expected: str) -> None:
    fake, _ = make_fake()
    assert text(await send(fake, b"phones=79999999999,123&mes=Hi&op=1&fmt=%d" % fmt)) == expected


async def test_err_lists_only_failed_numbers() -> None:
    fake, _ = make_fake()
    body = text(await send(fake, b"phones=79999999999;12;+7 999 111-22-33&mes=Hi&err=1&fmt=1"))
    assert body == "1,2\n12,,0.00,22,249"
    assert fake.ledger[0].recipients == ("79999999999", "79991112233")


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    "query",
    [
        b"mes=Hi",  # no phones
        b"phones=79999999999",  # no mes
        b"phones=79999999999&mes=%20",  # blank mes
        b"phones=79999999999&mes=Hi&id=0",
        b"phones=79999999999&mes=Hi&id=2147483648",
        b"phones=79999999999&mes=Hi&id=bad%20id",
        b"phones=79999999999&mes=Hi&id=" + b"x" * 41,
        b"phones=79999999999&mes=" + b"a" * 1001,
        b"phones=79999999999&mes=Hi&cost=4",
        b"phones=79999999999&mes=12ab&tg=1",
        b"phones=79999999999&mes=123&tg=1",
        b"phones=79999999999&mes=Hi&maxsms=0",
        b"phones=79999999999&mes=Hi&bot=mybot",
        b"phones=79999999999&mes=zz&bin=2",
        b"list=79999999999%20Hello",  # a list line without ':'
        b"phones=79999999999&mes=Hi&period=721&freq=5",
        b"phones=79999999999&mes=Hi&tz=abc",
    ],
)
async def test_parameter_errors(query: bytes) -> None:
    fake, _ = make_fake()
    assert text(await send(fake, query + b"&fmt=1")) == "0,-1"
    assert fake.ledger == []


async def test_longest_message_is_accepted() -> None:
    fake, _ = make_fake()
    assert text(await send(fake, b"phones=79999999999&mes=" + b"a" * 1000 + b"&fmt=1")) == "1,7"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        (0, "ERROR = 3 (no money), ID - 1"),
        (1, "1,-3"),
        (2, "<result><error>no money</error><error_code>3</error_code><id>1</id></result>"),
        (3, '{"error":"no money","error_code":3,"id":1}'),
    ],
)
async def test_insufficient_funds(fmt: int, expected: str) -> None:
    fake, _ = make_fake(balance=Decimal("4.49"))
    # 161 Latin characters = 2 parts, to 1.5 × 2 × 2 recipients = 6.00 > 4.49
    query = b"phones=79999999999,78888888888&mes=" + b"a" * 161
    assert text(await send(fake, query + b"&fmt=%d" % fmt)) == expected
    assert fake.account("alex").balance == Decimal("4.49")
    assert fake.ledger == []
    # the cost alone is always answered, and charges nothing
    assert text(await send(fake, query + b"&cost=1&fmt=1")) == "6.00,4"
    fake.account("alex").balance += Decimal("1.51")
    assert text(await send(fake, query + b"&fmt=%d" % fmt)) in {
        "OK - 4 SMS, ID - 2",
        "2,4",
        "<result><id>2</id><cnt>4</cnt></result>",
        '{"id":2,"cnt":4}',
    }
    assert fake.account("alex").balance == Decimal("0.00")


async def test_uncharged_account_keeps_its_balance() -> None:
    fake, _ = make_fake(balance=Decimal(0))
    fake.account("alex").charges = False
    assert text(await send(fake, b"phones=79999999999&mes=Hi&cost=3&fmt=1")) == "1,1,1.50,0.00"


@pytest.mark.parametrize(
    "time", [b"abc", b"3201120000", b"01.13.24%2010:00", b"+5", b"20-8", b"1", b"01.01.12"]
)
async def test_invalid_date(time: bytes) -> None:
    fake, _ = make_fake()
    body = text(await send(fake, b"phones=79999999999&mes=Hi&fmt=3&time=" + time))
    assert orjson.loads(body) == {"error": "invalid date format", "error_code": 5}


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        (0, "ERROR = 7 (invalid number), ID - 1"),
        (1, "1,-7"),
        (2, "<result><error>invalid number</error><error_code>7</error_code><id>1</id></result>"),
        (3, '{"error":"invalid number","error_code":7,"id":1}'),
    ],
)
async def test_invalid_phone(fmt: int, expected: str) -> None:
    fake, _ = make_fake()
    assert text(await send(fake, b"phones=12345&mes=Hi&fmt=%d" % fmt)) == expected
    assert text(await send(fake, b"phones=G999&mes=Hi&fmt=1&id=abc")) == "abc,-7"


async def test_unregistered_sender() -> None:
    fake, _ = make_fake()
    assert text(await send(fake, b"phones=79999999999&mes=Hi&sender=Bank&fmt=1&id=7")) == "7,-6"


# ------------------------------------------------------------------ rate rules


async def test_identical_send_within_a_minute() -> None:
    fake, clock = make_fake()
    query = b"phones=79999999999&mes=Hi&fmt=3"
    assert orjson.loads(text(await send(fake, query)))["id"] == 1
    assert orjson.loads(text(await send(fake, query))) == {
        "error": "duplicate request, wait a minute",
        "error_code": 9,
    }
    # the same parameters by POST are the same request; another id is not
    post = FakeRequest(
        method="POST",
        path="/sys/send.php",
        content_type="application/x-www-form-urlencoded",
        body=AUTH + query,
    )
    assert orjson.loads(text(await fake.handle(post)))["error_code"] == 9
    assert orjson.loads(text(await send(fake, query + b"&id=2"))) == {"id": 2, "cnt": 1}
    clock.advance(59.9)
    assert orjson.loads(text(await send(fake, query)))["error_code"] == 9
    clock.advance(0.1)
    assert orjson.loads(text(await send(fake, query))) == {"id": 2, "cnt": 1}
    assert len(fake.ledger) == 3


async def test_refused_send_does_not_count_as_identical() -> None:
    fake, _ = make_fake(balance=Decimal(1))
    query = b"phones=79999999999&mes=Hi&fmt=1&id=5"
    assert text(await send(fake, query)) == "5,-3"
    fake.account("alex").balance = Decimal(10)
    assert text(await send(fake, query)) == "5,1"


async def test_five_identical_cost_requests_a_minute() -> None:
    fake, clock = make_fake()
    query = b"phones=79999999999&mes=Hi&cost=1&fmt=1"
    for _ in range(5):
        assert text(await send(fake, query)) == "1.50,1"
        clock.advance(10)
    assert text(await send(fake, query)) == "0,-9"
    clock.advance(10.1)  # the first one is now more than a minute old
    assert text(await send(fake, query)) == "1.50,1"


async def test_anti_flood_blocks_the_51st_message_to_a_number() -> None:
    fake, clock = make_fake(balance=Decimal(1000))
    for n in range(50):
        assert text(await send(fake, b"phones=79999999999&mes=Hi&fmt=1&id=%d" % (n + 1))) == (
            f"{n + 1},1"
        )
        clock.advance(59)
    assert text(await send(fake, b"phones=79999999999&mes=Hi&fmt=1&id=51")) == "51,-8"
    mixed = b"phones=79999999999,78888888888&mes=Hi&fmt=1&id=52&op=1"
    assert text(await send(fake, mixed)) == (
        "52,1\n78888888888,25001,1.50,-1,0\n79999999999,25001,0.00,20,251"
    )
    clock.advance(60)  # a pause of a minute resets the run
    assert text(await send(fake, b"phones=79999999999&mes=Hi&fmt=1&id=53")) == "53,1"
    assert len(fake.find(phone="79999999999")) == 51


# ------------------------------------------------------------------ parts, list, time


@pytest.mark.parametrize(
    ("mes", "parts"),
    [
        (b"a" * 160, 1),
        (b"a" * 161, 2),
        (b"a" * 306, 2),
        (b"a" * 307, 3),
        (b"%FF" * 70, 1),  # 'я' in windows-1251
        (b"%FF" * 71, 2),
        (b"%FF" * 134, 2),
        (b"%FF" * 135, 3),
        (b"a" * 100 + b"%FF", 2),  # one Cyrillic letter makes the whole text UCS-2
        (b"%7B" * 80, 1),  # '{' takes two GSM-7 septets
        (b"%7B" * 81, 2),
        (b"a" * 160 + b"%0A~~~%0A" + b"c" * 300, 1),  # the comment is not counted
    ],
)
async def test_sms_parts(mes: bytes, parts: int) -> None:
    fake, _ = make_fake()
    body = text(await send(fake, b"phones=79999999999,78888888888&fmt=1&cost=1&mes=" + mes))
    assert body == f"{Decimal('1.50') * parts * 2:.2f},{parts * 2}"


async def test_translit_counts_latin_parts() -> None:
    fake, _ = make_fake()
    body = text(await send(fake, b"phones=79999999999&fmt=1&translit=1&mes=" + b"%E0" * 100))
    assert body == "1,1"  # 100 'а' → 100 'a': one Latin SMS instead of two Cyrillic ones


async def test_maxsms_cuts_the_text() -> None:
    fake, _ = make_fake()
    assert text(await send(fake, b"phones=79999999999&fmt=1&maxsms=2&mes=" + b"b" * 400)) == "1,2"
    assert fake.ledger[0].text == "b" * 306
    assert text(await send(fake, b"phones=79999999999&fmt=1&maxsms=1&mes=" + b"%FF" * 80)) == "2,1"
    assert fake.ledger[1].text == "я" * 70


async def test_list_lines_with_sender_tz_and_comments() -> None:
    fake, clock = make_fake()
    when = datetime.fromtimestamp(clock.now() + 86400, MSK).replace(second=0, microsecond=0)
    stamp = when.strftime("%d%m%y%H%M").encode()
    lst = (
        b"ivan,2|79999999999:Hello1!\\n~~~\\nComment1%0A"
        b"78888888888,77777777777:Hello2!%0A"
        b"SMSC|76666666666:Hi%20there"
    )
    body = text(await send(fake, b"fmt=3&time=" + stamp + b"&list=" + lst))
    assert orjson.loads(body) == {"id": 1, "cnt": 4}
    first, second, third = fake.ledger
    assert (first.sender, first.text, first.comment) == ("ivan", "Hello1!", "Comment1")
    assert first.scheduled_at == when.timestamp() - 2 * 3600  # tz=2: two hours east of Moscow
    assert (second.sender, second.recipients) == (None, ("78888888888", "77777777777"))
    assert second.scheduled_at == when.timestamp()
    assert (third.sender, third.text) == ("SMSC", "Hi there")


async def test_list_multiline_mode() -> None:
    fake, _ = make_fake()
    lst = b"79999999999:Line%20one%0ALine%20two%0A78888888888:Other"
    assert text(await send(fake, b"fmt=1&nl=1&list=" + lst)) == "1,2"
    assert [e.text for e in fake.ledger] == ["Line one\nLine two", "Other"]


async def test_time_formats() -> None:
    fake, clock = make_fake(tz=0)
    now = clock.now()
    local = datetime.fromtimestamp(now, MSK)
    h1 = (local.hour + 2) % 24
    cases = [
        (b"%2B30", now + 1800),
        (b"0" + str(int(now) + 500).encode(), float(int(now) + 500)),
        (b"0", now),
        (b"0101120000", now),  # in the past: now
        ((local + timedelta(days=2)).strftime("%d.%m.%y%%20%H:%M").encode(), None),
        (b"%d-%d" % (min(h1, 22), min(h1, 22) + 1), None),
    ]
    for n, (time, expected) in enumerate(cases):
        query = b"phones=79999999999&mes=Hi&fmt=1&id=%d&time=" % (n + 1) + time
        assert text(await send(fake, query)) == f"{n + 1},1"
        entry = fake.ledger[-1]
        if expected is not None:
            assert entry.scheduled_at == expected
        else:
            assert entry.scheduled_at > now
    dotted = fake.ledger[4]
    expected_dotted = (local + timedelta(days=2)).replace(second=0, microsecond=0).timestamp()
    assert dotted.scheduled_at == expected_dotted
    with_tz = await send(fake, b"phones=79999999999&mes=Hi&fmt=1&id=99&tz=-1&time=" + cases[4][0])
    assert text(with_tz) == "99,1"
    assert fake.ledger[-1].scheduled_at == expected_dotted + 3600  # an hour west of Moscow


async def test_scheduled_message_waits_before_delivery() -> None:
    fake, clock = make_fake()
    await send(fake, b"phones=79999999999&mes=Hi&time=%2B10")
    entry = fake.ledger[0]
    clock.advance(599)
    assert entry.status_of("79999999999", clock.now()).status == -1
    clock.advance(3)
    assert entry.status_of("79999999999", clock.now()).status == 1


# ------------------------------------------------------------------ other bodies


async def test_rest_send_with_json_body() -> None:
    fake, _ = make_fake()
    body = (
        b'{"login":"alex","psw":"123","phones":["79999999999","78888888888"],'
        b'"mes":"\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82","fmt":3,"cost":2,'
        b'"charset":"utf-8"}'
    )
    request = FakeRequest(
        method="POST", path="/rest/send/", content_type="application/json", body=body
    )
    response = await fake.handle(request)
    assert response.content_type == "application/json; charset=utf-8"
    assert orjson.loads(response.body) == {"id": 1, "cnt": 2, "cost": "3.00"}
    assert fake.ledger[0].text == "Привет"
    bad = FakeRequest(method="POST", path="/rest/send/", content_type="application/json", body=b"[")
    assert (await fake.handle(bad)).body == b"ERROR = 1 (parameters error)"


async def test_multipart_call_with_files() -> None:
    fake, _ = make_fake()
    body = (
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="login"\r\n\r\nalex\r\n'
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="psw"\r\n\r\n123\r\n'
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="phones"\r\n\r\n79999999999\r\n'
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="mes"\r\n\r\n\xcf\xf0\xe8\xe2\xe5\xf2 <file 1>\r\n'
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="call"\r\n\r\n1\r\n'
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="fmt"\r\n\r\n1\r\n'
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="file1"; filename="hello.wav"\r\n'
        b"Content-Type: audio/wav\r\n\r\nRIFF\x00\x01binary\r\n"
        b"--XyZ--\r\n"
    )
    request = FakeRequest(
        method="POST",
        path="/sys/send.php",
        content_type='multipart/form-data; boundary="XyZ"',
        body=body,
    )
    assert text(await fake.handle(request)) == "1,32"  # 15 chars → 2 s, + 30 s for the file
    [entry] = fake.ledger
    assert (entry.kind, entry.text, entry.cost) == (
        MessageKind.CALL,
        "Привет <file 1>",
        Decimal("1.50"),
    )
    [file] = entry.files
    assert (file.field, file.filename, file.content_type, file.data) == (
        "file1",
        "hello.wav",
        "audio/wav",
        b"RIFF\x00\x01binary",
    )
