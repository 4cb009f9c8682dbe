"""FakeSMSC's core: routing, parsing and charsets, authentication, concurrency, status.php,
balance.php, templates, operator templates and ping.php. Requests are hand-written bytes."""

from __future__ import annotations

import threading
from decimal import Decimal

import anyio
import anyio.lowlevel
import orjson
import pytest

from smsc_async.testing import FakeClock, FakeRequest, FakeResponse, FakeSMSC, Limits, MessageKind

pytestmark = pytest.mark.anyio

AUTH = b"login=alex&psw=123&"


def make_fake(**account: object) -> tuple[FakeSMSC, FakeClock]:
    clock = FakeClock()
    fake = FakeSMSC(clock=clock)
    fake.add_account("alex", "123", api_key="KEY-1", senders=("SMSC", "ivan"), **account)  # type: ignore[arg-type]
    return fake, clock


async def call(fake: FakeSMSC, path: str, query: bytes, auth: bytes = AUTH) -> FakeResponse:
    return await fake.handle(FakeRequest(method="GET", path=path, query=auth + query))


def text(response: FakeResponse) -> str:
    charset = response.content_type.split("charset=")[1]
    return response.body.decode({"windows-1251": "cp1251"}.get(charset, charset))


def test_fake_clock() -> None:
    clock = FakeClock(start=100.0)
    assert (clock.now(), clock()) == (100.0, 100.0)
    assert clock.advance(2.5) == 102.5
    assert clock() == 102.5
    with pytest.raises(ValueError):
        clock.advance(-1)


# ------------------------------------------------------------------ routing and wire


async def test_unknown_path_is_an_html_404() -> None:
    fake, _ = make_fake()
    response = await fake.handle(FakeRequest(method="GET", path="/sys/nothing.php"))
    assert response.status == 404
    assert response.content_type == "text/html; charset=utf-8"
    assert b"<html>" in response.body
    put = await fake.handle(FakeRequest(method="PUT", path="/sys/send.php"))
    assert put.status == 405


@pytest.mark.parametrize(
    ("fmt", "content_type", "expected"),
    [
        (0, "text/plain; charset=windows-1251", "ERROR = 2 (authorise error)"),
        (1, "text/plain; charset=windows-1251", "0,-2"),
        (
            2,
            "application/xml; charset=windows-1251",
            "<result><error>authorise error</error><error_code>2</error_code></result>",
        ),
        (3, "application/json; charset=windows-1251", '{"error":"authorise error","error_code":2}'),
    ],
)
async def test_authentication_errors(fmt: int, content_type: str, expected: str) -> None:
    fake, _ = make_fake()
    query = b"phones=79999999999&mes=Hi&fmt=%d" % fmt
    for auth in (b"login=alex&psw=124&", b"apikey=WRONG&", b"", b"login=bob&psw=123&"):
        response = await call(fake, "/sys/send.php", query, auth)
        assert (response.status, response.content_type, text(response)) == (
            200,
            content_type,
            expected,
        )
    assert fake.ledger == []
    assert [r.error_code for r in fake.requests] == [2, 2, 2, 2]


async def test_api_key_authenticates() -> None:
    fake, _ = make_fake()
    response = await call(
        fake, "/sys/send.php", b"phones=79999999999&mes=Hi&fmt=1", b"apikey=KEY-1&"
    )
    assert text(response) == "1,1"
    assert fake.ledger[0].login == "alex"
    assert "KEY-1" not in repr(fake.account("alex")) and "123" not in repr(fake.account("alex"))
    request = FakeRequest(method="GET", path="/sys/send.php", query=b"login=alex&psw=s3cret")
    assert "s3cret" not in repr(request)


@pytest.mark.parametrize(
    ("charset", "encoded"),
    [
        (b"", b"%CF%F0%E8%E2%E5%F2"),  # windows-1251 by default
        (b"&charset=windows-1251", b"%CF%F0%E8%E2%E5%F2"),
        (b"&charset=utf-8", b"%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82"),
        (b"&charset=koi8-r", b"%F0%D2%C9%D7%C5%D4"),
    ],
)
async def test_cyrillic_text_in_every_charset_lands_the_same(
    charset: bytes, encoded: bytes
) -> None:
    fake, _ = make_fake()
    query = b"phones=79999999999&fmt=3&mes=" + encoded + charset
    response = await call(fake, "/sys/send.php", query)
    assert orjson.loads(text(response)) == {"id": 1, "cnt": 1}
    assert fake.ledger[0].text == "Привет"
    status = await call(fake, "/sys/status.php", b"phone=79999999999&id=1&all=1&fmt=3" + charset)
    name = (charset.partition(b"=")[2] or b"windows-1251").decode()
    assert status.content_type == f"application/json; charset={name}"
    codec = {"windows-1251": "cp1251"}.get(name, name)
    row = orjson.loads(status.body.decode(codec))
    assert (row["message"], row["status_name"]) == ("Привет", "Ожидает отправки")


async def test_form_body_is_percent_decoded_to_bytes_before_the_charset() -> None:
    fake, _ = make_fake()
    body = AUTH + b"phones=79999999999&mes=%D0%9F+%D1%80&charset=utf-8&fmt=1"
    request = FakeRequest(
        method="POST",
        path="/sys/send.php",
        content_type="application/x-www-form-urlencoded",
        body=body,
    )
    assert text(await fake.handle(request)) == "1,1"
    assert fake.ledger[0].text == "П р"


@pytest.mark.parametrize(
    "query",
    [b"mes=%FF%FE&charset=utf-8", b"mes=Hi&charset=latin-9"],
)
async def test_unreadable_parameters_are_error_1(query: bytes) -> None:
    fake, _ = make_fake()
    response = await call(fake, "/sys/send.php", b"phones=79999999999&fmt=1&" + query)
    assert text(response) == "0,-1"


# ------------------------------------------------------------------ concurrency


async def test_fifteenth_concurrent_request_is_refused() -> None:
    fake, _ = make_fake(balance=Decimal(1000))
    fake.latency = 0.2
    answers: list[str] = []

    async def one(n: int) -> None:
        query = b"phones=79999999999&mes=Hi&fmt=1&id=%d" % n
        answers.append(text(await call(fake, "/sys/send.php", query)))

    async with anyio.create_task_group() as tg:
        for n in range(1, 21):
            tg.start_soon(one, n)
    assert sorted(answers).count("0,-9") == 6
    assert len([a for a in answers if a != "0,-9"]) == 14
    assert fake.peak_in_flight("alex") == 14
    assert fake.in_flight("alex") == 0
    assert len(fake.ledger) == 14
    # another login is not affected, and the slots are free again
    fake.latency = 0.0
    assert (
        text(await call(fake, "/sys/send.php", b"phones=79999999999&mes=Hi&fmt=1&id=99")) == "99,1"
    )


async def test_concurrency_limit_is_configurable() -> None:
    fake = FakeSMSC(latency=0.1, limits=Limits(concurrent=2))
    fake.add_account("a", "p")
    answers: list[str] = []

    async def one() -> None:
        response = await call(fake, "/sys/balance.php", b"fmt=1", b"login=a&psw=p&")
        answers.append(text(response))

    async with anyio.create_task_group() as tg:
        for _ in range(3):
            tg.start_soon(one)
    assert sorted(answers) == ["0,-9", "100.00", "100.00"]


# ------------------------------------------------------------------ status.php


async def _sent(fake: FakeSMSC, query: bytes = b"phones=79999999999&mes=Hi") -> None:
    assert "ERROR" not in text(await call(fake, "/sys/send.php", query))


@pytest.mark.parametrize(
    ("fmt", "shapes"),
    [
        (
            0,
            [
                "Status = -1, check_time = 15.11.2023 01:13:20",
                "Status = 0, check_time = 15.11.2023 01:13:21",
                "Status = 1, check_time = 15.11.2023 01:13:22",
            ],
        ),
        (1, ["-1,1700000000", "0,1700000001", "1,1700000002"]),
        (
            2,
            [
                "<result><status>-1</status><last_date>15.11.2023 01:13:20</last_date>"
                "<last_timestamp>1700000000</last_timestamp></result>",
                "<result><status>0</status><last_date>15.11.2023 01:13:21</last_date>"
                "<last_timestamp>1700000001</last_timestamp></result>",
                "<result><status>1</status><last_date>15.11.2023 01:13:22</last_date>"
                "<last_timestamp>1700000002</last_timestamp></result>",
            ],
        ),
        (
            3,
            [
                '{"status":-1,"last_date":"15.11.2023 01:13:20","last_timestamp":1700000000}',
                '{"status":0,"last_date":"15.11.2023 01:13:21","last_timestamp":1700000001}',
                '{"status":1,"last_date":"15.11.2023 01:13:22","last_timestamp":1700000002}',
            ],
        ),
    ],
)
async def test_status_progresses_in_test_mode(fmt: int, shapes: list[str]) -> None:
    fake, clock = make_fake()
    await _sent(fake)
    for shape in shapes:
        response = await call(fake, "/sys/status.php", b"phone=79999999999&id=1&fmt=%d" % fmt)
        assert text(response) == shape
        clock.advance(1)


async def test_status_of_unknown_message_and_failure_with_err() -> None:
    fake, _ = make_fake(test_mode=False)
    unknown = await call(fake, "/sys/status.php", b"phone=79999999999&id=5&fmt=3")
    assert orjson.loads(text(unknown))["status"] == -3
    await _sent(fake)
    fake.set_status(1, "+7 999 999 99 99", 20, error=6)
    assert text(await call(fake, "/sys/status.php", b"phone=79999999999&id=1&fmt=1")) == (
        "20,1700000000,6"
    )
    assert text(await call(fake, "/sys/status.php", b"phone=79999999999&id=1&fmt=0")) == (
        "Status = 20, check_time = 15.11.2023 01:13:20, err = 6"
    )
    with pytest.raises(LookupError):
        fake.set_status(2, "79999999999", 1)


async def test_status_of_several_messages_is_an_array() -> None:
    fake, clock = make_fake()
    await _sent(fake, b"phones=79999999999,78888888888&mes=Hi")
    clock.advance(5)
    several = await call(fake, "/sys/status.php", b"phone=79999999999,78888888888,7&id=1,1,9&fmt=3")
    rows = orjson.loads(text(several))
    assert [(r["id"], r["phone"], r["status"], r["err"]) for r in rows] == [
        (1, "79999999999", 1, 0),
        (1, "78888888888", 1, 0),
        (9, "7", -3, 0),
    ]
    trailing = await call(fake, "/sys/status.php", b"phone=79999999999,&id=1,&fmt=1")
    assert text(trailing) == "1,79999999999,1,1700000002,0"
    xml = await call(fake, "/sys/status.php", b"phone=79999999999,&id=1,&fmt=2")
    assert text(xml).startswith("<list><result><id>1</id><phone>79999999999</phone><status>1<")
    mismatch = await call(fake, "/sys/status.php", b"phone=79999999999&id=1,2&fmt=1")
    assert text(mismatch) == "0,-1"


async def test_status_full_information() -> None:
    fake, clock = make_fake()
    await _sent(fake, b"phones=79999999999&mes=Hi,%20there&sender=ivan")
    clock.advance(2)
    one = await call(fake, "/sys/status.php", b"phone=79999999999&id=1&all=1&fmt=1")
    assert text(one) == (
        "1,1700000002,0,1700000000,79999999999,1.50,ivan,\u0414\u043e\u0441\u0442\u0430\u0432"
        "\u043b\u0435\u043d\u043e,Hi, there"
    )
    two = orjson.loads(
        text(await call(fake, "/sys/status.php", b"phone=79999999999&id=1&all=2&fmt=3"))
    )
    assert two == {
        "status": 1,
        "last_date": "15.11.2023 01:13:22",
        "last_timestamp": 1700000002,
        "err": 0,
        "send_date": "15.11.2023 01:13:20",
        "send_timestamp": 1700000000,
        "phone": "79999999999",
        "cost": "1.50",
        "sender_id": "ivan",
        "status_name": "Доставлено",
        "country": "Россия",
        "operator": "МТС",
        "region": "Москва",
        "message": "Hi, there",
    }


async def test_status_delete() -> None:
    fake, _ = make_fake()
    await _sent(fake)
    deleted = await call(fake, "/sys/status.php", b"phone=79999999999&id=1&del=1&fmt=3")
    assert orjson.loads(text(deleted)) == {"result": "OK"}
    after = await call(fake, "/sys/status.php", b"phone=79999999999&id=1&fmt=1")
    assert text(after).startswith("-3,")
    again = await call(fake, "/sys/status.php", b"phone=79999999999&id=1&del=1&fmt=1")
    assert text(again) == "0,-5"


# ------------------------------------------------------------------ balance.php


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (b"fmt=0", "100.00"),
        (b"fmt=1&cur=1", "100.00,RUR"),
        (b"fmt=2", "<result><balance>100.00</balance></result>"),
        (b"fmt=2&cur=1", "<result><balance>100.00</balance><currency>RUR</currency></result>"),
        (b"fmt=3", '{"balance":"100.00"}'),
        (b"fmt=3&cur=1", '{"balance":"100.00","currency":"RUR"}'),
    ],
)
async def test_balance(query: bytes, expected: str) -> None:
    fake, _ = make_fake()
    assert text(await call(fake, "/sys/balance.php", query)) == expected


async def test_balance_rate_limit() -> None:
    fake, clock = make_fake()
    for _ in range(10):
        assert text(await call(fake, "/sys/balance.php", b"fmt=1")) == "100.00"
    assert text(await call(fake, "/sys/balance.php", b"fmt=1")) == "0,-9"
    clock.advance(60)
    assert text(await call(fake, "/sys/balance.php", b"fmt=1")) == "100.00"


# ------------------------------------------------------------------ templates, op, ping


async def test_templates_lifecycle() -> None:
    fake, _ = make_fake()
    path = "/sys/templates.php"
    assert text(await call(fake, path, b"add=1&name=Greet&msg=Hi,%20you&format=sms&fmt=0")) == (
        "ID - 1"
    )
    assert text(await call(fake, path, b"add=1&name=Other&msg=Yo&fl[1]=1&fmt=3")) == '{"id":2}'
    assert text(await call(fake, path, b"get=1&fmt=1")) == "1,Greet,sms,,0,Hi, you\n2,Other,,,1,Yo"
    assert text(await call(fake, path, b"chg=1&id=2&sender=ivan&fmt=2")) == "<result>OK</result>"
    listing = orjson.loads(text(await call(fake, path, b"get=1&fmt=3")))
    assert listing[1] == {
        "id": 2,
        "name": "Other",
        "format": "",
        "sender": "ivan",
        "flag": 1,
        "message": "Yo",
    }
    assert text(await call(fake, path, b"del=1&id=1&fmt=1")) == "OK"
    assert text(await call(fake, path, b"del=1&id=1&fmt=1")) == "0,-3"
    assert text(await call(fake, path, b"add=1&name=X&fmt=1")) == "0,-1"
    assert list(fake.account("alex").templates) == [2]


async def test_templates_rate_limit() -> None:
    fake, _ = make_fake()
    for _ in range(3):
        assert text(await call(fake, "/sys/templates.php", b"get=1&fmt=1")) != "0,-9"
    assert text(await call(fake, "/sys/templates.php", b"get=1&fmt=1")) == "0,-9"


async def test_op_templates() -> None:
    fake, _ = make_fake()
    path = "/sys/op_templates.php"
    added = await call(fake, path, b"add=1&sender=ivan&msg=Code%20%25s&mts_srv=1&bee_trn=1&fmt=0")
    assert text(added) == "mts_srv = 1, id = 1\nbee_trn = 1, id = 2"
    unknown = await call(fake, path, b"add=1&sender=Bank&msg=Code&mts_srv=1&fmt=1")
    assert text(unknown) == "mts_srv,-1,0"
    fake.account("alex").op_templates[0].status = 2  # the operator accepted it
    got = orjson.loads(text(await call(fake, path, b"get=1&sender=ivan&msg=Code%20%25s&fmt=3")))
    assert got[0] == {"mts_srv": 2, "id": 1}
    assert {"bee_trn": 0, "id": 2} in got and {"mega_adv": -1, "id": 0} in got
    assert text(await call(fake, path, b"add=1&sender=ivan&msg=X&fmt=1")) == "0,-1"


async def test_op_templates_rate_limit() -> None:
    fake, _ = make_fake()
    query = b"get=1&sender=ivan&msg=X&fmt=1"
    for _ in range(10):
        assert text(await call(fake, "/sys/op_templates.php", query)) != "0,-9"
    assert text(await call(fake, "/sys/op_templates.php", query)) == "0,-9"


async def test_ping() -> None:
    fake, clock = make_fake()
    fake.account("alex").add_task_group(42, "web")
    query = b"id=42&name=web1&host=10.0.0.1&info=down&fmt=3"
    assert text(await call(fake, "/sys/ping.php", query)) == '{"result":"OK"}'
    [event] = fake.ping_events
    assert (event.group_id, event.name, event.host, event.info, event.recovered) == (
        42,
        "web1",
        "10.0.0.1",
        "down",
        False,
    )
    for _ in range(5):  # fmt is part of the identity: five more with fmt=1 pass
        assert text(await call(fake, "/sys/ping.php", query.replace(b"fmt=3", b"fmt=1"))) == "OK"
    assert text(await call(fake, "/sys/ping.php", query.replace(b"fmt=3", b"fmt=1"))) == "0,-9"
    clock.advance(60)
    assert text(await call(fake, "/sys/ping.php", b"id=7&fmt=1")) == "0,-3"
    assert text(await call(fake, "/sys/ping.php", b"id=x&fmt=1")) == "0,-1"


async def test_find_helpers() -> None:
    fake, _ = make_fake()
    await _sent(fake, b"phones=79999999999,78888888888&mes=Hi")
    await _sent(fake, b"phones=79999999999&mes=Hello&hlr=1")
    assert [e.id for e in fake.find(phone="+7 (999) 999-99-99")] == [1, 2]
    assert [e.id for e in fake.find(phone="78888888888")] == [1]
    assert [e.id for e in fake.find(kind=MessageKind.HLR)] == [2]
    assert fake.find(id=2, login="bob") == []


async def test_cancelled_request_frees_its_slot() -> None:
    fake, _ = make_fake()
    fake.latency = 30.0
    fake.abandoned = "stop"  # "finish" keeps it: tests/testing/test_abandoned.py
    async with anyio.create_task_group() as tg:
        tg.start_soon(call, fake, "/sys/balance.php", b"fmt=1")
        while fake.in_flight("alex") == 0:
            await anyio.lowlevel.checkpoint()
        tg.cancel_scope.cancel()
    assert fake.in_flight("alex") == 0
    assert fake.peak_in_flight("alex") == 1


def test_handle_in_a_server_thread_while_another_thread_reads() -> None:
    fake, _ = make_fake(balance=Decimal(1000))
    done = threading.Event()

    async def many() -> None:
        for n in range(1, 201):
            query = AUTH + b"phones=7999000%04d&mes=Hi&fmt=1" % n
            await fake.handle(FakeRequest(method="GET", path="/sys/send.php", query=query))

    def serve() -> None:
        anyio.run(many)
        done.set()

    thread = threading.Thread(target=serve)
    thread.start()
    sizes = []
    while not done.is_set():
        sizes.append(len(fake.ledger))
        fake.find(phone="79990000001")
    thread.join()
    assert sizes == sorted(sizes)
    assert len(fake.ledger) == 200
    assert fake.account("alex").balance == Decimal(700)
