"""Attachments and the streamed multipart body (`smsc_async._types.attachment`)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import socket
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from emulated import emulated_client

from smsc_async import NotSentError, RetryPolicy
from smsc_async._call.multipart import MultipartBody
from smsc_async._errors import ValidationError
from smsc_async._transports.base import HttpRequest, RequestNotSent, Timeouts
from smsc_async._types.attachment import CHUNK_SIZE, Attachment, AttachmentError
from smsc_async._wire.form import form_fields
from smsc_async.testing import FakeSMSC, Fault, FaultPlan
from smsc_async.transports import AiohttpTransport, HttpxTransport

pytestmark = pytest.mark.anyio

BOUNDARY = "test-boundary"


async def collect(body: MultipartBody) -> bytes:
    return b"".join([chunk async for chunk in body.chunks()])


async def read_all(attachment: Attachment) -> bytes:
    return b"".join([chunk async for chunk in attachment.chunks()])


class Unseekable(io.RawIOBase):
    """A pipe-like binary stream: readable, not seekable."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


# Attachment construction


def test_from_path_measures_and_guesses(tmp_path: Path) -> None:
    path = tmp_path / "photo.JPG"
    path.write_bytes(b"x" * 1234)
    attachment = Attachment.from_path(path)
    assert (attachment.filename, attachment.size) == ("photo.JPG", 1234)
    assert (attachment.content_type, attachment.extension) == ("image/jpeg", "jpg")
    named = Attachment.from_path(str(path), "application/x-custom", filename="other.bin")
    assert (named.filename, named.content_type) == ("other.bin", "application/x-custom")


def test_from_bytes_and_unknown_type() -> None:
    attachment = Attachment.from_bytes(bytearray(b"abc"), "data.unknownext")
    assert (attachment.size, attachment.content_type) == (3, "application/octet-stream")
    assert Attachment.from_bytes(b"", "empty.txt").size == 0
    assert "abc" not in repr(attachment)


def test_from_file_measures_from_current_position() -> None:
    fileobj = io.BytesIO(b"0123456789")
    fileobj.seek(4)
    attachment = Attachment.from_file(fileobj, "tail.txt")
    assert attachment.size == 6
    assert fileobj.tell() == 4  # left where it was


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda p: Attachment.from_path(p / "missing.wav"), "path"),
        (lambda p: Attachment.from_path(p), "path"),  # a directory
        (lambda p: Attachment.from_bytes(b"x", 'a"b.txt'), "filename"),
        (lambda p: Attachment.from_bytes(b"x", "a\\b.txt"), "filename"),
        (lambda p: Attachment.from_bytes(b"x", "a\nb.txt"), "filename"),
        (lambda p: Attachment.from_bytes(b"x", "   "), "filename"),
        (lambda p: Attachment.from_bytes(b"x", "x" * 256), "filename"),
        (lambda p: Attachment.from_bytes(b"x", "a.txt", "not a type"), "content_type"),
        (lambda p: Attachment.from_bytes("text", "a.txt"), "data"),  # type: ignore[arg-type]
        (lambda p: Attachment.from_file(io.StringIO("x"), "a.txt"), "fileobj"),  # type: ignore[arg-type]
        (lambda p: Attachment.from_file(Unseekable(b"x"), "a.txt"), "size"),
        (lambda p: Attachment.from_file(io.BytesIO(b"xy"), "a.txt", size=1), "size"),
    ],
)
def test_bad_attachments_are_refused(tmp_path: Path, make: object, field: str) -> None:
    with pytest.raises(AttachmentError) as caught:
        make(tmp_path)  # type: ignore[operator]
    assert caught.value.field == field
    assert isinstance(caught.value, ValidationError)


def test_undecodable_path_name_needs_a_filename(tmp_path: Path) -> None:
    path = tmp_path / "ok.bin"
    path.write_bytes(b"x")
    odd = os.fsdecode(b"\xff\xfe.bin")
    with pytest.raises(AttachmentError):
        Attachment.from_bytes(b"x", odd)
    assert Attachment.from_path(path, filename="nice.bin").filename == "nice.bin"


# Reading


async def test_path_is_read_in_chunks(tmp_path: Path) -> None:
    data = os.urandom(CHUNK_SIZE * 2 + 17)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    chunks = [chunk async for chunk in Attachment.from_path(path).chunks()]
    assert [len(c) for c in chunks] == [CHUNK_SIZE, CHUNK_SIZE, 17]
    assert b"".join(chunks) == data


async def test_seekable_file_object_is_rewound_for_every_read() -> None:
    fileobj = io.BytesIO(b"head|payload")
    fileobj.seek(5)
    attachment = Attachment.from_file(fileobj, "p.bin")
    assert await read_all(attachment) == b"payload"
    assert await read_all(attachment) == b"payload"


async def test_unseekable_file_object_is_read_once_then_refuses() -> None:
    attachment = Attachment.from_file(Unseekable(b"stream"), "s.bin", size=6)
    assert await read_all(attachment) == b"stream"
    with pytest.raises(RequestNotSent, match="cannot be sent a second time"):
        await read_all(attachment)


@pytest.mark.parametrize(("new", "rule"), [(b"short", "shrank"), (b"x" * 20, "grew")])
async def test_file_changed_after_measuring_is_an_error(
    tmp_path: Path, new: bytes, rule: str
) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"0123456789")
    attachment = Attachment.from_path(path)
    path.write_bytes(new)
    with pytest.raises(AttachmentError, match=rule) as caught:
        await read_all(attachment)
    assert caught.value.field == "file"


async def test_file_deleted_after_measuring_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "gone.txt"
    path.write_bytes(b"abc")
    attachment = Attachment.from_path(path)
    path.unlink()
    body = MultipartBody([], [attachment])
    with pytest.raises(AttachmentError, match="cannot be read") as caught:
        await collect(body)
    assert caught.value.field == "file0"


async def test_file_object_growing_is_an_error() -> None:
    fileobj = io.BytesIO(b"abc")
    attachment = Attachment.from_file(fileobj, "a.txt")
    fileobj.seek(0, os.SEEK_END)
    fileobj.write(b"more")
    with pytest.raises(AttachmentError, match="grew"):
        await read_all(attachment)


# The multipart body


async def test_body_wire_form_is_exact() -> None:
    files = [
        Attachment.from_bytes(b"\x00\x01bin", "a.png"),
        Attachment.from_bytes("текст".encode(), "заметка.txt", "text/plain; charset=utf-8"),
    ]
    body = MultipartBody([("login", "alice"), ("mes", "Привет\r\nмир")], files, boundary=BOUNDARY)
    expected = (
        b"--test-boundary\r\n"
        b'Content-Disposition: form-data; name="login"\r\n\r\n'
        b"alice\r\n"
        b"--test-boundary\r\n"
        b'Content-Disposition: form-data; name="mes"\r\n\r\n' + "Привет\r\nмир".encode() + b"\r\n"
        b"--test-boundary\r\n"
        b'Content-Disposition: form-data; name="file0"; filename="a.png"\r\n'
        b"Content-Type: image/png\r\n\r\n"
        b"\x00\x01bin\r\n"
        b"--test-boundary\r\n"
        b'Content-Disposition: form-data; name="file1"; filename="'
        + "заметка.txt".encode()
        + b'"\r\n'
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + "текст".encode() + b"\r\n"
        b"--test-boundary--\r\n"
    )
    assert await collect(body) == expected
    assert body.length == len(expected)
    assert body.content_type == "multipart/form-data; boundary=test-boundary"
    assert body.files == tuple(files)


async def test_body_can_be_produced_again_and_hides_fields(tmp_path: Path) -> None:
    path = tmp_path / "v.wav"
    path.write_bytes(os.urandom(3000))
    body = MultipartBody([("psw", "S3cret")], [Attachment.from_path(path)])
    first = await collect(body)
    assert await collect(body) == first
    assert len(first) == body.length
    assert "S3cret" not in repr(body)
    assert body.content_type.startswith("multipart/form-data; boundary=smsc-")


def test_random_boundaries_differ_and_avoid_field_values() -> None:
    one, two = MultipartBody([("a", "b")]), MultipartBody([("a", "b")])
    assert one.content_type != two.content_type


def test_field_names_must_be_plain() -> None:
    with pytest.raises(ValueError, match="field names"):
        MultipartBody([('na"me', "v")])


def test_form_fields_reads_the_client_form_back() -> None:
    from smsc_async._wire.form import form_body

    params = {"login": "al ice", "psw": "p+w&d=%", "charset": "utf-8", "fmt": "3"}
    assert form_fields(form_body(params) + b"&") == list(params.items())
    assert form_fields(b"") == []


# Streaming over a socket without holding the file in memory


class HashingSink:
    """A one-request-per-connection HTTP server that hashes bodies instead of keeping them."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self.digests: list[str] = []
        self.headers: list[dict[str, str]] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                self._one(conn)

    def _one(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        lines = []
        while (line := reader.readline()) not in (b"\r\n", b""):
            lines.append(line.decode("latin-1").strip())
        headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
        self.headers.append(headers)
        remaining = int(headers.get("content-length", "0"))
        digest = hashlib.sha256()
        while remaining:
            chunk = reader.read(min(remaining, 1 << 16))
            if not chunk:
                break
            digest.update(chunk)
            remaining -= len(chunk)
        self.digests.append(digest.hexdigest())
        answer = b'{"ok":1}'
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(answer), answer)
        )

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        self._sock.close()
        self._thread.join(5)


@pytest.fixture
def sink() -> Iterator[HashingSink]:
    server = HashingSink()
    yield server
    server.close()


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "video.mp4"
    block = os.urandom(1 << 20)
    with path.open("wb") as out:
        for _ in range(20):
            out.write(block)
    return path


@pytest.mark.parametrize("kind", ["httpx", "aiohttp"])
async def test_twenty_megabytes_stream_without_being_held(
    sink: HashingSink, big_file: Path, kind: str, anyio_backend: str
) -> None:
    if kind == "aiohttp" and anyio_backend == "trio":
        pytest.skip("aiohttp runs on asyncio only")
    body = MultipartBody([("login", "alice")], [Attachment.from_path(big_file)])
    expected = hashlib.sha256()
    async for chunk in body.chunks():
        expected.update(chunk)
    transport = HttpxTransport() if kind == "httpx" else AiohttpTransport()
    request = HttpRequest(url=sink.url + "/sys/send.php", stream=body,
                          content_type=body.content_type)  # fmt: skip
    tracemalloc.start()
    try:
        response = await transport.request(request, Timeouts(read=30, write=30))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        await transport.aclose()
    assert response.status == 200
    assert sink.digests == [expected.hexdigest()]
    assert sink.headers[0]["content-length"] == str(body.length) > str(20 << 20)
    assert "transfer-encoding" not in sink.headers[0]
    assert peak < 5 << 20, f"peak {peak} bytes while streaming {body.length}"


# Retries through the client


NO_BACKOFF = RetryPolicy(backoff=0.0)


async def test_body_is_produced_again_after_request_not_sent(smsc_fake: FakeSMSC) -> None:
    plan = FaultPlan()
    plan.once(Fault.refuse(), endpoint="send")
    fileobj = io.BytesIO(b"RIFF-wave-data")
    async with emulated_client("inprocess", smsc_fake, faults=plan, retry=NO_BACKOFF) as client:
        result = await client.call("79990001122", "Hi <file 1>",
                                   files=[Attachment.from_file(fileobj, "v.wav")])  # fmt: skip
    assert len(plan.fired) == 1
    (entry,) = smsc_fake.ledger
    assert entry.id == result.id
    assert [(f.filename, f.data) for f in entry.files] == [("v.wav", b"RIFF-wave-data")]


async def test_unseekable_file_object_is_not_retried(smsc_fake: FakeSMSC) -> None:
    plan = FaultPlan()
    plan.once(Fault.refuse(), endpoint="send")
    attachment = Attachment.from_file(Unseekable(b"RIFF"), "v.wav", size=4)
    async with emulated_client("inprocess", smsc_fake, faults=plan, retry=NO_BACKOFF) as client:
        with pytest.raises(NotSentError) as caught:
            await client.call("79990001122", "Hi", files=[attachment])
    assert "cannot be sent a second time" in str(caught.value)
    assert smsc_fake.ledger == []


async def test_attachment_failing_mid_send_reaches_the_caller(
    smsc_fake: FakeSMSC, tmp_path: Path
) -> None:
    path = tmp_path / "v.mp3"
    path.write_bytes(b"ID3-data")
    attachment = Attachment.from_path(path)
    await anyio.Path(path).unlink()
    async with emulated_client("inprocess", smsc_fake, retry=NO_BACKOFF) as client:
        with pytest.raises(AttachmentError):
            await client.call("79990001122", "Hi", files=[attachment])
        assert client.limiter.borrowed_tokens == 0
    assert smsc_fake.ledger == []


async def test_one_file_object_is_not_read_by_two_sends_at_once() -> None:
    # One file object has one position: a second concurrent reader would interleave reads.
    attachment = Attachment.from_file(io.BytesIO(b"x" * (3 * 65536)), "big.bin")
    first = attachment.chunks("file0")
    assert await first.__anext__() == b"x" * 65536
    second = attachment.chunks("file0")
    with pytest.raises(AttachmentError, match="another call"):
        await second.__anext__()
    await first.aclose()
    # Once the first send is over, the attachment can be sent again (rewound).
    assert b"".join([chunk async for chunk in attachment.chunks()]) == b"x" * (3 * 65536)
