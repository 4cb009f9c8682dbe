"""MMS, e-mail, voice calls and Viber sends: wire form, checks, limits,
and round trips through the emulator (whose file rules are checked here too)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from emulated import emulated_client, skip_unsupported

from smsc_async import AsyncClient, CallParams, HttpRequest, HttpResponse, Timeouts, Voice
from smsc_async._call.multipart import MultipartBody
from smsc_async._errors import ValidationError
from smsc_async._resources.send.file_kinds import (
    CALL_MAX_FILE_SIZE,
    EMAIL_MAX_FILE_SIZE,
    check_file_markers,
    file_marker,
)
from smsc_async._types.attachment import Attachment
from smsc_async._types.ivr import IvrCommand, IvrItem, IvrMenu
from smsc_async._types.viber import ViberButton
from smsc_async.testing import FakeSMSC, MessageKind
from smsc_async.testing.pytest_plugin import TEST_LOGIN, TEST_PASSWORD

pytestmark = pytest.mark.anyio

ANSWER = b'{"id": 41, "cnt": 1, "cost": "2.50", "balance": "97.50"}'
CREDENTIALS = [("login", "shop"), ("psw", "pw"), ("charset", "utf-8"), ("fmt", "3")]
PNG = Attachment.from_bytes(b"\x89PNG-data", "pic.png")
WAV = Attachment.from_bytes(b"RIFF-wave", "hello.wav")
MP3 = Attachment.from_bytes(b"ID3-mp3", "bye.mp3")


class Recorder:
    """A transport that records requests (reading streamed bodies only when asked)."""

    def __init__(self, read: bool = True) -> None:
        self.read = read
        self.requests: list[HttpRequest] = []
        self.bodies: list[bytes] = []

    async def request(self, request: HttpRequest, timeouts: Timeouts) -> HttpResponse:
        self.requests.append(request)
        if self.read:
            stream = request.stream
            body = request.body if stream is None else b"".join([c async for c in stream.chunks()])
            self.bodies.append(body)
        return HttpResponse(status=200, content=ANSWER, content_type="application/json")

    async def aclose(self) -> None:
        pass


Part = tuple[str, str | None, str | None, bytes]


def parse_multipart(body: bytes, content_type: str) -> list[Part]:
    """Parts in order as (name, filename, content type, data), read independently of the SDK."""
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.partition("boundary=")[2].encode()
    assert body.endswith(b"--" + boundary + b"--\r\n")
    parts = []
    for raw in body.split(b"--" + boundary + b"\r\n")[1:]:
        head, _, data = raw.partition(b"\r\n\r\n")
        data = data.removesuffix(b"--" + boundary + b"--\r\n").removesuffix(b"\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n"))
        disposition = headers["Content-Disposition"]
        name = disposition.split('name="')[1].split('"')[0]
        filename = disposition.split('filename="')[1][:-1] if "filename=" in disposition else None
        parts.append((name, filename, headers.get("Content-Type"), data))
    return parts


def fields_of(parts: list[Part]) -> list[tuple[str, str]]:
    return [(name, data.decode()) for name, filename, _, data in parts if filename is None]


def files_of(parts: list[Part]) -> list[tuple[Any, ...]]:
    return [(name, fn, ct, data) for name, fn, ct, data in parts if fn is not None]


@pytest.fixture
async def recorded() -> AsyncIterator[tuple[AsyncClient, Recorder]]:
    recorder = Recorder()
    async with AsyncClient(login="shop", password="pw", transport=recorder) as client:
        yield client, recorder


# Wire form of each kind


async def test_mms_wire_form(recorded: tuple[AsyncClient, Recorder]) -> None:
    client, recorder = recorded
    result = await client.send_mms("79990001122", "Look <file 1>", subject="Hi", files=[PNG])
    assert (result.id, result.cost) == (41, Decimal("2.50"))
    (request,) = recorder.requests
    assert request.url == "https://smsc.ru/sys/send.php"
    assert request.stream is not None and request.body == b""
    parts = parse_multipart(recorder.bodies[0], request.content_type)
    assert fields_of(parts) == [
        *CREDENTIALS,
        ("phones", "79990001122"),
        ("mes", "Look <file 1>"),
        ("subj", "Hi"),
        ("mms", "1"),
        ("cost", "3"),
    ]
    assert files_of(parts) == [("file0", "pic.png", "image/png", b"\x89PNG-data")]
    assert len(recorder.bodies[0]) == request.length


async def test_email_wire_form(recorded: tuple[AsyncClient, Recorder]) -> None:
    client, recorder = recorded
    pdf = Attachment.from_bytes(b"%PDF", "счёт.pdf")
    await client.send_email(
        ["alex@mysite.com", "b@x.ru"],
        f"Hello, your bill: {file_marker(1)}",
        subject="Privet",
        sender="alex2@mysite2.com",
        files=[pdf, PNG],
        unsubscribe_link=False,
        id="bill-7",
    )
    parts = parse_multipart(recorder.bodies[0], recorder.requests[0].content_type)
    assert fields_of(parts) == [
        *CREDENTIALS,
        ("phones", "alex@mysite.com,b@x.ru"),
        ("mes", "Hello, your bill: <file 1>{no_unsub}"),
        ("id", "bill-7"),
        ("subj", "Privet"),
        ("sender", "alex2@mysite2.com"),
        ("mail", "1"),
        ("cost", "3"),
    ]
    assert files_of(parts) == [
        ("file0", "счёт.pdf", "application/pdf", b"%PDF"),
        ("file1", "pic.png", "image/png", b"\x89PNG-data"),
    ]


async def test_email_without_files_is_a_plain_form(recorded: tuple[AsyncClient, Recorder]) -> None:
    client, recorder = recorded
    await client.send_email("alex@mysite.com", "Hello", subject="Privet", sender="a@b.ru")
    (request,) = recorder.requests
    assert request.stream is None
    assert request.content_type == "application/x-www-form-urlencoded"
    assert b"&mes=Hello&subj=Privet&sender=a%40b.ru&mail=1&cost=3" in request.body


async def test_call_wire_form(recorded: tuple[AsyncClient, Recorder]) -> None:
    client, recorder = recorded
    await client.call(
        "79990001122",
        "first file <file 1> and second file <file 2>",
        files=[MP3, WAV],
        voice=Voice.MALE,
        voice_language="en",
        param=CallParams(wait=20, interval=10, attempts=3),
        sender="79991234567",
    )
    parts = parse_multipart(recorder.bodies[0], recorder.requests[0].content_type)
    assert fields_of(parts) == [
        *CREDENTIALS,
        ("phones", "79990001122"),
        ("mes", "first file <file 1> and second file <file 2>"),
        ("voice", "m,en"),
        ("param", "20,10,3"),
        ("sender", "79991234567"),
        ("call", "1"),
        ("cost", "3"),
    ]
    assert files_of(parts) == [
        ("file0", "bye.mp3", "audio/mpeg", b"ID3-mp3"),
        ("file1", "hello.wav", "audio/x-wav", b"RIFF-wave"),
    ]


async def test_call_with_fileurl_needs_no_text(recorded: tuple[AsyncClient, Recorder]) -> None:
    client, recorder = recorded
    await client.call("79999999999", fileurl="http://mysite.com/voice.wav")
    body = recorder.requests[0].body
    assert body.endswith(b"&phones=79999999999&fileurl=http%3A%2F%2Fmysite.com%2Fvoice.wav"
                         b"&call=1&cost=3")  # fmt: skip


async def test_call_with_a_voice_menu(recorded: tuple[AsyncClient, Recorder]) -> None:
    client, recorder = recorded
    menu = IvrMenu(greeting="Hi <file 1>", prompt="Press 1", items=[IvrItem("1", IvrCommand.END)])
    await client.call("79990001122", menu, files=[WAV])
    parts = parse_multipart(recorder.bodies[0], recorder.requests[0].content_type)
    assert ("mes", "Hi <file 1>\n\n{menu: Press 1\n1: end}") in fields_of(parts)


async def test_viber_wire_form(recorded: tuple[AsyncClient, Recorder]) -> None:
    client, recorder = recorded
    await client.send_viber(
        "79990001122",
        "Видео и кнопка",
        picture=PNG,
        video="https://cdn.example/v.mp4",
        button=ViberButton.link("http://smscentre.com", "Кнопка smsc"),
        sender="SMSC",
    )
    parts = parse_multipart(recorder.bodies[0], recorder.requests[0].content_type)
    assert fields_of(parts) == [
        *CREDENTIALS,
        ("phones", "79990001122"),
        ("mes", "Видео и кнопка {button,http://smscentre.com,Кнопка smsc} <file 1>"),
        ("sender", "SMSC"),
        ("fileurl", "https://cdn.example/v.mp4"),
        ("viber", "1"),
        ("cost", "3"),
    ]
    assert files_of(parts) == [("file0", "pic.png", "image/png", b"\x89PNG-data")]


# Checks before any request


BAD_CALLS: list[tuple[str, Any, str]] = [
    ("mms without subject or text", lambda c: c.send_mms("79990001122", files=[PNG]), "subject"),
    ("mms marker without file", lambda c: c.send_mms("79990001122", "<file 2>", files=[PNG]),
     "message"),
    ("mms files not a list", lambda c: c.send_mms("79990001122", "x", files=PNG), "files"),
    ("mms text not a string", lambda c: c.send_mms("79990001122", 42), "message"),
    ("mms voice option", lambda c: c.send_mms("79990001122", "x", voice=Voice.MALE), "voice"),
    ("mms subj option", lambda c: c.send_mms("79990001122", "x", subj="s"), "subj"),
    ("email to a phone", lambda c: c.send_email("79990001122", "x", subject="s", sender="a@b.ru"),
     "recipients"),
    ("email from a name", lambda c: c.send_email("a@b.ru", "x", subject="s", sender="Shop"),
     "sender"),
    ("email without subject", lambda c: c.send_email("a@b.ru", "x", subject="", sender="a@b.ru"),
     "subj"),
    ("email <file 0>", lambda c: c.send_email("a@b.ru", "<file 0>", subject="s",
                                              sender="a@b.ru", files=[PNG]), "message"),
    ("email <file 2> of one", lambda c: c.send_email("a@b.ru", "<file 2>", subject="s",
                                                     sender="a@b.ru", files=[PNG]), "message"),
    ("email {no_unsub} by hand", lambda c: c.send_email("a@b.ru", "x{no_unsub}", subject="s",
                                                        sender="a@b.ru"), "message"),
    ("email unsubscribe not bool", lambda c: c.send_email("a@b.ru", "x", subject="s",
                                                          sender="a@b.ru", unsubscribe_link=0),
     "unsubscribe_link"),
    ("email param option", lambda c: c.send_email("a@b.ru", "x", subject="s", sender="a@b.ru",
                                                  param=CallParams(wait=20, interval=10,
                                                                   attempts=3)), "param"),
    ("call with nothing", lambda c: c.call("79990001122"), "message"),
    ("call with ogg", lambda c: c.call("79990001122", files=[
        Attachment.from_bytes(b"OggS", "a.ogg")]), "files[0]"),
    ("call too long", lambda c: c.call("79990001122", "x" * 1001), "message"),
    ("call subj option", lambda c: c.call("79990001122", "x", subj="s"), "subj"),
    ("viber fileurl option", lambda c: c.send_viber("79990001122", "x",
                                                    fileurl="https://a.ru/a.png"), "fileurl"),
    ("viber button alone", lambda c: c.send_viber("79990001122",
                                                  button=ViberButton.link("https://a.ru", "a")),
     "kind"),
]  # fmt: skip


@pytest.mark.parametrize(("label", "call", "field"), BAD_CALLS, ids=[c[0] for c in BAD_CALLS])
async def test_bad_input_is_refused_before_any_request(
    recorded: tuple[AsyncClient, Recorder], label: str, call: Any, field: str
) -> None:
    client, recorder = recorded
    with pytest.raises(ValidationError) as caught:
        await call(client)
    assert caught.value.field == field
    assert recorder.requests == []


def test_markers() -> None:
    assert file_marker(3) == "<file 3>"
    with pytest.raises(ValidationError):
        file_marker(0)
    check_file_markers("message", "<file 1> <file /upload/files/sms/1/a.jpg width=2>", 1)
    check_file_markers("message", "<file https://a.ru/b.png> <file 1 width=200>", 1)
    with pytest.raises(ValidationError, match="has <file 2> but 1 file attached"):
        check_file_markers("message", "<file 1><file 2>", 1)
    with pytest.raises(ValidationError, match="empty"):
        check_file_markers("message", "<file  >", 1)


# Limits at the boundary (sparse files: the size is real, the disk blocks are not)


def sparse(path: Path, size: int) -> Attachment:
    with path.open("wb") as out:
        out.truncate(size)
    return Attachment.from_path(path)


@pytest.fixture
async def unread() -> AsyncIterator[tuple[AsyncClient, Recorder]]:
    recorder = Recorder(read=False)
    async with AsyncClient(login="shop", password="pw", transport=recorder) as client:
        yield client, recorder


async def test_email_file_count_limit(unread: tuple[AsyncClient, Recorder]) -> None:
    client, recorder = unread
    files = [Attachment.from_bytes(b"x", f"{n}.txt") for n in range(21)]
    await client.send_email("a@b.ru", "x", subject="s", sender="c@d.ru", files=files[:20])
    with pytest.raises(ValidationError, match="at most 20 files") as caught:
        await client.send_email("a@b.ru", "x", subject="s", sender="c@d.ru", files=files)
    assert caught.value.field == "files"
    assert len(recorder.requests) == 1


async def test_email_file_size_limit(unread: tuple[AsyncClient, Recorder], tmp_path: Path) -> None:
    client, recorder = unread
    exact = sparse(tmp_path / "exact.bin", EMAIL_MAX_FILE_SIZE)
    over = sparse(tmp_path / "over.bin", EMAIL_MAX_FILE_SIZE + 1)
    await client.send_email("a@b.ru", "x", subject="s", sender="c@d.ru", files=[exact])
    assert recorder.requests[0].length > EMAIL_MAX_FILE_SIZE
    with pytest.raises(ValidationError) as caught:
        await client.send_email("a@b.ru", "x", subject="s", sender="c@d.ru", files=[exact, over])
    assert (caught.value.field, caught.value.rule) == (
        "files[1]",
        "must be at most 10 MB (10485760 bytes)",
    )
    assert len(recorder.requests) == 1


async def test_call_file_limits(unread: tuple[AsyncClient, Recorder], tmp_path: Path) -> None:
    client, recorder = unread
    exact = sparse(tmp_path / "exact.wav", CALL_MAX_FILE_SIZE)
    over = sparse(tmp_path / "over.mp3", CALL_MAX_FILE_SIZE + 1)
    await client.call("79990001122", files=[exact, WAV, MP3, WAV])
    with pytest.raises(ValidationError, match="at most 4 files"):
        await client.call("79990001122", files=[exact, WAV, MP3, WAV, MP3])
    with pytest.raises(ValidationError, match="at most 5 MB") as caught:
        await client.call("79990001122", files=[over])
    assert caught.value.field == "files[0]"
    assert len(recorder.requests) == 1


# Round trips through the emulator


@pytest.fixture
def smsc_fake() -> FakeSMSC:
    fake = FakeSMSC()
    fake.add_account(
        TEST_LOGIN, TEST_PASSWORD, balance=Decimal("1000"), senders=("SMSC",), test_mode=False
    )
    return fake


def ledger_files(smsc_fake: FakeSMSC) -> list[tuple[str, str, bytes]]:
    (entry,) = smsc_fake.ledger
    return [(f.field, f.filename, f.data) for f in entry.files]


async def test_mms_round_trip(smsc_fake: FakeSMSC, smsc_client: AsyncClient) -> None:
    result = await smsc_client.send_mms(
        "79990001122", "Привет <file 1>", subject="Тема", files=[PNG]
    )
    (entry,) = smsc_fake.ledger
    assert (entry.id, entry.kind, entry.text) == (result.id, MessageKind.MMS, "Привет <file 1>")
    assert entry.params["subj"] == "Тема"
    assert ledger_files(smsc_fake) == [("file0", "pic.png", b"\x89PNG-data")]


async def test_email_round_trip(
    smsc_fake: FakeSMSC, smsc_client: AsyncClient, tmp_path: Path
) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(b"a;b\n1;2\n")
    report = Attachment.from_path(path)
    await smsc_client.send_email(
        "alex@mysite.com", "See <file 1>", subject="Report", sender="me@x.ru", files=[report]
    )
    (entry,) = smsc_fake.ledger
    assert (entry.kind, entry.text, entry.sender) == (MessageKind.MAIL, "See <file 1>", "me@x.ru")
    assert entry.recipients == ("alex@mysite.com",)
    assert ledger_files(smsc_fake) == [("file0", "report.csv", b"a;b\n1;2\n")]


async def test_call_round_trip(smsc_fake: FakeSMSC, smsc_client: AsyncClient) -> None:
    result = await smsc_client.call(
        "79990001122", "Hello <file 1>", files=[WAV], voice=Voice.FEMALE_2
    )
    (entry,) = smsc_fake.ledger
    assert (entry.kind, entry.text) == (MessageKind.CALL, "Hello <file 1>")
    assert entry.params["voice"] == "w2"
    assert result.parts == entry.parts > 30  # seconds: the text plus 30 for the file
    assert ledger_files(smsc_fake) == [("file0", "hello.wav", b"RIFF-wave")]


async def test_viber_round_trip(smsc_fake: FakeSMSC, smsc_client: AsyncClient) -> None:
    button = ViberButton.call("79990001122", "Позвонить")
    await smsc_client.send_viber("79990001122", "Звоните", picture=PNG, button=button)
    (entry,) = smsc_fake.ledger
    assert entry.kind is MessageKind.VIBER
    assert entry.text == "Звоните {button,tel:79990001122,Позвонить} <file 1>"
    assert ledger_files(smsc_fake) == [("file0", "pic.png", b"\x89PNG-data")]


# The emulator's own file rules, with requests the SDK itself would refuse to make


EMULATOR_CREDENTIALS = [("login", TEST_LOGIN), ("psw", TEST_PASSWORD), *CREDENTIALS[2:]]


async def raw_send(smsc_fake: FakeSMSC, fields: dict[str, str], files: list[Attachment]) -> Any:
    body = MultipartBody([*EMULATOR_CREDENTIALS, *fields.items()], files)
    request = HttpRequest(url="http://smsc.test/sys/send.php", stream=body,
                          content_type=body.content_type)  # fmt: skip
    response = await smsc_fake.transport().request(request, Timeouts())
    return orjson.loads(response.content)


async def test_emulator_refuses_too_many_or_too_large_mail_files(
    smsc_fake: FakeSMSC, tmp_path: Path
) -> None:
    mail = {"phones": "a@b.ru", "mes": "x", "subj": "s", "sender": "c@d.ru", "mail": "1"}
    many = [Attachment.from_bytes(b"x", f"{n}.txt") for n in range(21)]
    assert (await raw_send(smsc_fake, mail, many[:20]))["id"]
    assert (await raw_send(smsc_fake, {**mail, "mes": "y"}, many))["error_code"] == 1
    big = sparse(tmp_path / "big.bin", EMAIL_MAX_FILE_SIZE + 1)
    assert (await raw_send(smsc_fake, {**mail, "mes": "z"}, [big]))["error_code"] == 1
    assert len(smsc_fake.ledger) == 1


async def test_emulator_drops_excess_call_files(smsc_fake: FakeSMSC, tmp_path: Path) -> None:
    big = sparse(tmp_path / "big.wav", CALL_MAX_FILE_SIZE + 1)
    files = [big, *(Attachment.from_bytes(bytes([n]), f"{n}.mp3") for n in range(5))]
    answer = await raw_send(smsc_fake, {"phones": "79990001122", "call": "1"}, files)
    assert answer["cnt"] == 4 * 30
    assert [name for _, name, _ in ledger_files(smsc_fake)] == ["0.mp3", "1.mp3", "2.mp3", "3.mp3"]


@pytest.mark.parametrize(
    ("name", "size", "accepted"),
    [("a.png", 1 << 20, True), ("a.png", (1 << 20) + 1, False), ("a.exe", 10, False)],
)
async def test_emulator_viber_file_rules(
    smsc_fake: FakeSMSC, name: str, size: int, accepted: bool
) -> None:
    file = Attachment.from_bytes(bytes(size), name)
    answer = await raw_send(
        smsc_fake, {"phones": "79990001122", "mes": "<file 1>", "viber": "1"}, [file]
    )
    assert ("id" in answer) is accepted
    assert len(smsc_fake.ledger) == int(accepted)
    if not accepted:
        assert answer["error_code"] == 1


@pytest.mark.parametrize("kind", ["httpx", "aiohttp"])
async def test_email_with_files_over_a_real_socket(
    smsc_fake: FakeSMSC, tmp_path: Path, kind: str, anyio_backend: str
) -> None:
    skip_unsupported(kind, anyio_backend)
    data = bytes(range(256)) * 4096  # 1 MiB of every byte value
    path = tmp_path / "data.bin"
    path.write_bytes(data)
    async with emulated_client(kind, smsc_fake) as client:
        files = [PNG, Attachment.from_path(path)]
        await client.send_email(
            "a@b.ru", "Данные: <file 2>", subject="Тема", sender="c@d.ru", files=files
        )
    (entry,) = smsc_fake.ledger
    assert (entry.kind, entry.text) == (MessageKind.MAIL, "Данные: <file 2>")
    assert ledger_files(smsc_fake) == [
        ("file0", "pic.png", b"\x89PNG-data"),
        ("file1", "data.bin", data),
    ]
