"""Bulk sending: many messages packed into ``list`` requests at the concurrency ceiling.

`BulkSending.send_many` (``client.send_many``) turns a stream of `Message` values (an
iterable or an async iterable, read lazily) into ``list`` requests of up to ``max_lines``
messages, with every one of the client's ``max_concurrency`` slots busy, and reports one
outcome per message (see `smsc_async._bulk.outcomes`). The policies, each explained where it
is implemented:

* **Checks first** (`smsc_async._bulk.pack`): every message is checked on its own before it
  is packed; a bad one is rejected with its `ValidationError` and never sent. A batch never
  holds the same recipient twice, and ``G<n>`` groups are refused, so every server report
  row and every ``status.php`` answer belongs to exactly one message.
* **Per-message results** (`smsc_async._bulk.attribute`): requests ask for ``op=1``, whose
  per-recipient rows give each message its cost and show which recipients the server
  dropped. The request's one ``cnt`` is shared out by each message's SMS parts, summing
  exactly.
* **Few failing requests** (`smsc_async._bulk.attribute`, `smsc_async._bulk.requests`): an
  error that may be one line's (1, 6, 7, 8) is narrowed down by halves until the line at
  fault is alone; only it is rejected. An error that concerns every request (2, 3, 4, 5), or
  that proves to concern the whole request (both halves and two lines alone fail alike
  before any request was accepted), stops the job. The first request goes alone, so a job
  SMSC refuses as a whole fails a handful of times, not once per slot, and
  ``max_failed_requests`` caps the error answers a job may cause (SMSC blocks an IP after
  frequent erroneous requests).
* **Stops fast** on those errors, on a server that cannot be reached, and on error 9 that
  persists after retries: nothing new is sent, requests already in flight finish
  (cancelling them would turn known results into unknown ones), and every message not sent
  is reported not sent.
* **Never twice**: a send is never repeated after an ambiguous failure. Each request gets a
  unique id (``<job prefix>-<n>``, so no two requests are ever identical for SMSC's
  one-minute rule), its messages become unknown, and `BulkJob.reconcile` /
  `BulkSending.reconcile` ask ``status.php`` which of them the server has
  (`smsc_async._bulk.reconcile`). An error answer is not taken to mean "nothing was sent"
  where SMSC does not say so (an error with an id to a multi-line request, error 9):
  ``status.php`` is asked before any of its messages goes again. Only messages proved
  unsent are sent again.
* **Anti-flood**: a message that would be the 51st to one recipient with less than 60 s
  between messages is rejected before sending (``flood_limit``).
* **Resumable, exactly once**: `BulkJob.checkpoint` (also in every progress event) says how
  far the input is settled and which requests are open; a job given ``checkpoint=`` skips
  what was settled, reconciles the open requests before sending their messages again, and
  sends the unsent ones. The caller must give the same messages in the same order. The
  checkpoint counts an outcome only once the application has taken it (from the iterator,
  or through ``run()``'s ``DELIVERED`` progress events, which carry it), never when a
  worker merely learns it: across any crash and resume each outcome reaches the
  application once (`smsc_async._bulk.state`).
* **Interruptible**: cancelled (or its block left by an exception), a job's summary is
  final: requests that may have left are unknown (`BulkJob.unknown`), messages that never
  left are not sent, nothing is in flight; the checkpoint keeps whatever the application
  was not given.
* **Flat memory**: the input is read only as fast as requests go out (one batch waits at
  most), outcomes stream out (1024 buffered for a slow reader), and nothing is kept per
  message but the unknown outcomes (for reconciliation), the outcomes not yet taken, and
  the anti-flood count of the last 10 000 recipients. Outcomes arrive as requests
  complete, not in input order.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterable, Iterable, Mapping, Sized
from typing import TYPE_CHECKING, Any

from .._call.retry import RetryPolicy
from .._errors import ValidationError
from .._resources.base import Area, Call
from .._resources.send.messages import send_once
from .._resources.send.request import encode_list_options
from .._resources.status import StatusArea
from .._types.message import Message
from .._types.results import SendResult
from .._wire.checks import check_int
from .checkpoint import Checkpoint
from .engine import Engine, ProgressCallback
from .job import BulkJob
from .outcomes import Outcome, UnknownOutcome
from .pack import FloodGuard, Packer
from .reconcile import DEFAULT_GRACE, reconcile_outcomes

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._resources.send.request import SendOptions

__all__ = ["BulkSending"]

#: Options a bulk send sets itself.
_OWN_OPTIONS = {
    "id": "is chosen by send_many: a unique id per request",
    "op": "is always on in send_many: it gives each message its cost",
    "err": "is not needed: send_many asks for the full per-recipient report",
    "comment": "is per message in send_many: use Message.comment",
}


def _check_limits(max_lines: int, max_body_bytes: int, flood_limit: int | None) -> None:
    check_int("max_lines", max_lines, 1, 10_000)
    check_int("max_body_bytes", max_body_bytes, 1024, 64 << 20)
    if flood_limit is not None:
        check_int("flood_limit", flood_limit, 1, 1_000_000)


def _encode_bulk_options(options: Mapping[str, object]) -> tuple[dict[str, str], bool, bool]:
    """The shared fields, and whether they ask for ``nl`` and a wall-clock ``time``."""
    for name, rule in _OWN_OPTIONS.items():
        if options.get(name) is not None:
            raise ValidationError(name, rule)
    return encode_list_options(options)


def _checkpoint(value: object) -> Checkpoint | None:
    """A `Checkpoint`, or the dict `Checkpoint.to_dict` made (e.g. read back from JSON)."""
    if value is None or isinstance(value, Checkpoint):
        return value
    if isinstance(value, Mapping):
        try:
            return Checkpoint.from_dict(value)
        except ValueError as exc:
            raise ValidationError("checkpoint", str(exc)) from None
    raise ValidationError("checkpoint", "must be a Checkpoint or its to_dict() form")


class BulkSending(Area):
    """``client.send_many`` and ``client.reconcile``; see the module docstring.

    Built on the client's call path, its status area (to reconcile), its concurrency (the
    number of workers) and its retry policy (for error 9).
    """

    __slots__ = ("_concurrency", "_retry", "_status")

    def __init__(
        self, call: Call, *, status: StatusArea, concurrency: int, retry: RetryPolicy
    ) -> None:
        super().__init__(call)
        self._status = status
        self._concurrency = concurrency
        self._retry = retry

    def send_many(
        self,
        messages: Iterable[Message] | AsyncIterable[Message],
        *,
        checkpoint: Checkpoint | Mapping[str, Any] | None = None,
        on_progress: ProgressCallback | None = None,
        max_lines: int = 500,
        max_body_bytes: int = 256_000,
        flood_limit: int | None = 50,
        reconcile_grace: float = DEFAULT_GRACE,
        max_failed_requests: int = 20,
        **options: Unpack[SendOptions],
    ) -> BulkJob:
        """Send many messages, packed into ``list`` requests, and account for each one.

        Nothing happens until the job runs: ``summary = await client.send_many(...).run()``,
        or ``async with client.send_many(...) as job: async for outcome in job: ...``.
        Every message gets exactly one outcome (sent, rejected, not sent, unknown); a
        request whose fate is unknown is never repeated; the job stops on errors about
        the whole account or request; and the checkpoint counts only outcomes you took.

        Args:
            messages: `Message` values, an iterable or an async iterable, read lazily.
                A sized iterable (a list) is spread over all ``max_concurrency`` slots.
            checkpoint: resume an interrupted job: a `Checkpoint` or its ``to_dict()`` form
                (e.g. read back from JSON). Give the same messages in the same order.
            on_progress: called with a `BulkProgress` before each request leaves, after
                each request settles, and at the end; may be async. Events come one at a
                time, in order, and the request waits for its ``SENDING`` event, so
                persisting ``progress.checkpoint`` there is a write-ahead log.
            max_lines: the most messages per request.
            max_body_bytes: the most bytes of the encoded ``list`` field per request.
            flood_limit: messages to one recipient less than 60 s apart before further ones
                are rejected (SMSC's anti-flood rule); ``None`` leaves it to the server.
            reconcile_grace: how old a request of ``checkpoint`` must be before
                ``status.php`` saying "not found" is believed (see `reconcile`).
            max_failed_requests: error answers to the job's ``send.php`` requests after
                which it stops with that error (SMSC blocks an IP after frequent erroneous
                requests). Narrowing one bad line down in a 500-line request takes about
                ten; an error the whole request shares takes one to five.
            **options: shared `SendOptions` (``sender``, ``time``, ``translit``…); not
                ``id``, ``op``, ``err`` or ``comment``.

        Returns:
            The job (not started).

        Raises:
            ValidationError: a bad option or limit, before anything is sent.
        """
        _check_limits(max_lines, max_body_bytes, flood_limit)
        check_int("max_failed_requests", max_failed_requests, 1, 1_000_000)
        if not isinstance(reconcile_grace, (int, float)) or reconcile_grace < 0:
            raise ValidationError("reconcile_grace", "must be a number of seconds >= 0")
        checkpoint = _checkpoint(checkpoint)
        if isinstance(messages, (Message, str)) or not isinstance(
            messages, (Iterable, AsyncIterable)
        ):
            raise ValidationError("messages", "must be an iterable or async iterable of Message")
        params, nl, zoned = _encode_bulk_options(options)
        concurrency = self._concurrency
        if isinstance(messages, Sized) and len(messages):
            # Enough requests for every slot, when the size is known.
            max_lines = min(max_lines, math.ceil(len(messages) / concurrency))
        packer = Packer(
            nl=nl,
            zoned=zoned,
            max_lines=max_lines,
            max_body_bytes=max_body_bytes,
            flood=FloodGuard(flood_limit) if flood_limit is not None else None,
        )

        call = self._call

        async def send(fields: dict[str, str], request_id: str) -> SendResult:
            return await send_once(call, fields, {"id": request_id, "op": True})

        engine = Engine(
            messages=messages,
            packer=packer,
            params=params,
            send=send,
            lookup=self._status,
            concurrency=concurrency,
            retry=self._retry,
            resume=checkpoint,
            on_progress=on_progress,
            grace=float(reconcile_grace),
            max_failed=max_failed_requests,
        )
        return BulkJob(engine)

    async def reconcile(
        self, outcomes: Iterable[UnknownOutcome], *, grace: float = DEFAULT_GRACE
    ) -> list[Outcome]:
        """Ask ``status.php`` what became of messages whose outcome is unknown.

        A message the server has for any of its recipients is sent; one it has for none
        ("not found", status −3) is not sent and may be sent again; one whose status could
        not be read stays unknown. "Not found" is only believed once the request is
        ``grace`` seconds old (the call waits until then), so a server still processing a
        request the client gave up on cannot make a message go twice.

        Args:
            outcomes: unknown outcomes (e.g. `BulkJob.unknown`, or kept from a job).
            grace: seconds after a request before "not found" is believed.

        Returns:
            One outcome per input, in order.
        """
        return await reconcile_outcomes(self._status, list(outcomes), grace=grace)
