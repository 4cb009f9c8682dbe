"""The one workload every contender runs: one SMS per request, each to its own number.

Every contender sends the same bytes the SDK sends: a POST of ``login``, ``psw``,
``charset=utf-8``, ``fmt=3``, ``phones``, ``mes`` and ``cost=3`` to ``/sys/send.php``, and reads
the JSON answer (``orjson.loads`` and a look for ``error``: the least any caller does). The
official-style client differs on purpose (GET, credentials in the URL, ``fmt=1``), as SMSC's
own script does. Request ``i`` goes to number ``79`` + ``i`` in nine digits, so no two
requests of a run are identical (SMSC refuses an identical send within a minute) and no
number receives more than a few messages (its anti-flood rule).
"""

from __future__ import annotations

from urllib.parse import quote

from .server import LOGIN, PASSWORD

__all__ = ["CONCURRENCY", "PATH", "TEXT", "answer_ok", "form_body", "phone"]

#: SMSC refuses the 15th concurrent request of a login; every concurrent contender uses 14.
CONCURRENCY = 14
PATH = "/sys/send.php"
TEXT = "Your code is 4821. It expires in 10 minutes."
_PREFIX = f"login={quote(LOGIN, safe='')}&psw={quote(PASSWORD, safe='')}&charset=utf-8&fmt=3"
_SUFFIX = f"&mes={quote(TEXT, safe='')}&cost=3"


def phone(i: int) -> str:
    """The recipient of request ``i``."""
    return f"79{i:09d}"


def form_body(i: int) -> bytes:
    """The form body of request ``i``, byte for byte what `smsc_async.AsyncClient.send` posts."""
    return f"{_PREFIX}&phones={phone(i)}{_SUFFIX}".encode()


def answer_ok(answer: object) -> bool:
    """Whether a decoded fmt=3 answer is a success (SMSC answers errors with HTTP 200)."""
    return isinstance(answer, dict) and "error" not in answer
