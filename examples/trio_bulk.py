"""A bulk mailing from a Trio program: progress, a checkpoint file, and reconciliation.

    python examples/trio_bulk.py [COUNT]     # against the in-process SMSC emulator

What it shows:

* ``send_many`` reads the messages lazily (a generator here: millions would fit as well);
* every progress event is written to the checkpoint file, atomically, *before* the request
  it announces leaves; an event that hands over outcomes (``DELIVERED``) brings them with
  it, and the rejected ones are written into the same file, so a run killed at any point
  resumes from the file without sending anything twice, and without losing or repeating a
  rejection (run it again with the same file: it skips what was settled);
* ambiguous outcomes (a lost answer) are settled through ``status.php`` at the end.

To send for real, build the client from your credentials instead of the emulator.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import trio

from smsc_async import AsyncClient, Message, OutcomeKind
from smsc_async.testing import FakeSMSC

if TYPE_CHECKING:
    from smsc_async import BulkProgress, BulkSummary


def mailing(count: int) -> Iterator[Message]:
    """The messages, always in the same order (a resumed run must see the same sequence)."""
    for n in range(count):
        yield Message(f"+7900{n:07d}", f"Hello, customer {n}!", comment=f"customer {n}")


async def send_all(client: AsyncClient, count: int, checkpoint_file: Path) -> BulkSummary:
    """Send the mailing, resuming from ``checkpoint_file`` when it exists."""
    path = trio.Path(checkpoint_file)
    saved = json.loads(await path.read_text()) if await path.exists() else None
    rejected: list[int] = saved.get("rejected", []) if saved else []

    async def persist(progress: BulkProgress) -> None:
        for outcome in progress.outcomes:  # those this event's checkpoint counts first
            if outcome.kind is OutcomeKind.REJECTED:
                rejected.append(outcome.index)
                print(f"\nmessage {outcome.index} rejected: {outcome.error}")
        state = {**progress.checkpoint.to_dict(), "rejected": rejected}
        partial = path.with_suffix(".tmp")
        await partial.write_text(json.dumps(state))
        await partial.replace(path)  # atomic: a crash leaves the old or the new file
        summary = progress.summary
        print(f"\r{summary.settled} settled, {summary.sent} sent", end="", flush=True)

    # A generator has no length, so requests take up to max_lines messages each (500 by
    # default); 100 spreads this small demo over more of the 14 concurrent requests.
    job = client.send_many(mailing(count), checkpoint=saved, on_progress=persist, max_lines=100)
    await job.run()  # every outcome reaches persist(), in DELIVERED events
    if job.unknown:
        for outcome in await job.reconcile():
            print(f"\nmessage {outcome.index}: {outcome.kind.value} (from status.php)")
    print()
    return job.summary()


def main(argv: list[str] | None = None, checkpoint_file: Path | None = None) -> int:
    """Run the mailing against a fresh emulator and print the summary."""
    args = sys.argv[1:] if argv is None else argv
    count = int(args[0]) if args else 2000
    checkpoint_file = checkpoint_file or Path("trio_bulk.checkpoint.json")
    fake = FakeSMSC()
    fake.add_account("demo", "demo-password", balance=Decimal(count) * 2)

    async def run() -> BulkSummary:
        async with AsyncClient(
            login="demo",
            password="demo-password",
            base_url="http://smsc.local",
            allow_http=True,
            transport=fake.transport(),
        ) as client:
            return await send_all(client, count, checkpoint_file)

    summary = trio.run(run)
    print(
        f"sent {summary.sent}, rejected {summary.rejected}, not sent {summary.not_sent}, "
        f"unknown {summary.unknown}; {summary.parts} SMS for {summary.cost} "
        f"in {summary.requests} requests; the emulator recorded {len(fake.ledger)} messages"
    )
    return 0 if summary.unknown == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
