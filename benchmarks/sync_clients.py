"""The two synchronous contenders: the official-style client and ``requests`` in 14 threads.

The official-style client behaves as SMSC's own ``smsc_api.py`` (the Python script on
smsc.ru's API page) does — written here from that behaviour, not copied: every call builds
``login=…&psw=…&fmt=1&charset=utf-8&cost=3&phones=…&mes=…``, sends it as a GET with the
credentials in the URL (POST only past 2000 characters), through ``urllib.request.urlopen``,
which opens a new connection per call and asks the server to close it; calls are made one
at a time; the answer is split on commas. Credentials in a URL end up in proxy and server
logs — one of the reasons this SDK exists — but it is what the script does, so it is what is
measured.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote
from urllib.request import urlopen

import orjson

from .server import LOGIN, PASSWORD
from .workload import CONCURRENCY, PATH, TEXT, answer_ok, form_body, phone

__all__ = ["official_style", "requests_threads"]

Send = Callable[[int], bool]


def official_style(url: str) -> tuple[Send, Callable[[], None]]:
    """``send(i)`` as the official script's ``send_sms(phone, text)``; one call at a time."""
    base = f"{url}{PATH}"
    auth = f"login={quote(LOGIN)}&psw={quote(PASSWORD)}&fmt=1&charset=utf-8"

    def send(i: int) -> bool:
        arg = f"{auth}&cost=3&phones={quote(phone(i))}&mes={quote(TEXT)}"
        try:
            if len(arg) > 2000:
                with urlopen(base, arg.encode()) as data:
                    text = data.read().decode()
            else:
                with urlopen(f"{base}?{arg}") as data:
                    text = data.read().decode()
        except OSError:
            text = ","
        fields = text.split(",")
        return len(fields) >= 4 and not fields[1].startswith("-")

    return send, lambda: None


def requests_threads(url: str) -> tuple[Send, Callable[[], None]]:
    """``send(i)`` with one ``requests.Session`` (keep-alive) per thread."""
    import requests

    target = f"{url}{PATH}"
    local = threading.local()
    sessions: list[requests.Session] = []
    headers = {"Content-Type": "application/x-www-form-urlencoded"}

    def send(i: int) -> bool:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
            sessions.append(session)
        response = session.post(target, data=form_body(i), headers=headers, timeout=30)
        return response.status_code == 200 and answer_ok(orjson.loads(response.content))

    def close() -> None:
        for session in sessions:
            session.close()

    return send, close


def drive_sync(send: Send, indices: Iterator[int], threads: int) -> int:
    """Send every index of ``indices`` with ``threads`` threads; return the failures."""
    failures = [0] * threads

    def worker(slot: int) -> None:
        for i in indices:  # next() on a shared iterator is atomic under the GIL
            if not send(i):
                failures[slot] += 1

    if threads == 1:
        worker(0)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            for future in [pool.submit(worker, slot) for slot in range(threads)]:
                future.result()
    return sum(failures)


SYNC_THREADS = {"official": 1, "requests": CONCURRENCY}
