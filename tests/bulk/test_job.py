"""`BulkJob`'s face: what a caller sees of a job, and nothing of the engine behind it."""

from __future__ import annotations

import inspect

import pytest

from smsc_async import AsyncClient, BulkJob, BulkSummary, Checkpoint, Message

pytestmark = pytest.mark.anyio

PUBLIC = ["checkpoint", "reconcile", "run", "stop", "summary", "unknown"]


def test_a_job_shows_only_its_own_methods() -> None:
    assert sorted(n for n in dir(BulkJob) if not n.startswith("_")) == PUBLIC
    assert BulkJob.__bases__ == (object,)
    for name in ("__aenter__", "__aexit__", "__aiter__", "__anext__"):
        assert callable(getattr(BulkJob, name))
    assert inspect.signature(BulkJob.reconcile).parameters["grace"].kind is (
        inspect.Parameter.KEYWORD_ONLY
    )


async def test_a_job_made_by_send_many_runs_to_a_summary(smsc_client: AsyncClient) -> None:
    job = smsc_client.send_many([Message(phones="79991112233", text="hi")])
    assert isinstance(job, BulkJob)
    assert sorted(n for n in dir(job) if not n.startswith("_")) == PUBLIC
    summary = await job.run()
    assert isinstance(summary, BulkSummary)
    assert (summary.read, summary.sent) == (1, 1)
    assert isinstance(job.checkpoint(), Checkpoint)
    assert "BulkJob(read=1, sent=1" in repr(job)
