"""Bulk SMS from a FastAPI app with smsc_async.

    SMSC_LOGIN=... SMSC_PASSWORD=... uvicorn examples.fastapi_app:app

* One `AsyncClient` lives as long as the app (the lifespan) and is shared by every request:
  one connection pool, and one limiter that keeps the whole app under SMSC's 14 concurrent
  requests.
* ``POST /bulk`` checks the mailing, starts a job in a task group the lifespan owns, and
  answers ``202`` with the job's id at once.
* ``GET /bulk/{id}`` reports progress for a UI or a progress bar; ``GET /bulk/{id}/result``
  waits for the end; ``POST /bulk/{id}/stop`` stops it (the rest is reported not sent).
* On shutdown, running jobs are stopped and their requests in flight finish first.

A production app would persist ``progress.checkpoint`` together with ``progress.outcomes``
(in ``on_progress``, one transaction) to resume jobs after a restart without losing or
repeating an outcome; see ``examples/trio_bulk.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio
from anyio.abc import TaskGroup
from fastapi import FastAPI, HTTPException, Request
from pydantic import BaseModel, Field

from smsc_async import AsyncClient, Message

if TYPE_CHECKING:
    from smsc_async import BulkJob


class MessageIn(BaseModel):
    """One message of a mailing."""

    phones: list[str] = Field(min_length=1)
    text: str
    sender: str | None = None


class MailingIn(BaseModel):
    """A mailing: its messages, and the default sender name."""

    messages: list[MessageIn] = Field(min_length=1)
    sender: str | None = None


class Jobs:
    """The app's running and finished jobs, and the task group that runs them."""

    def __init__(self, client: AsyncClient, tasks: TaskGroup) -> None:
        self.client = client
        self.tasks = tasks
        self.jobs: dict[str, BulkJob] = {}
        self.done: dict[str, anyio.Event] = {}

    def start(self, mailing: MailingIn) -> str:
        """Start sending ``mailing``; return the job's id."""
        messages = [
            Message(m.phones, m.text, sender=m.sender or mailing.sender) for m in mailing.messages
        ]
        job = self.client.send_many(messages)
        job_id = uuid.uuid4().hex
        self.jobs[job_id], self.done[job_id] = job, anyio.Event()

        async def run() -> None:
            try:
                await job.run()
            finally:
                self.done[job_id].set()

        self.tasks.start_soon(run)
        return job_id

    def get(self, job_id: str) -> BulkJob:
        """The job ``job_id``, or a 404."""
        try:
            return self.jobs[job_id]
        except KeyError:
            raise HTTPException(404, "no such job") from None

    def stop_all(self) -> None:
        """Stop every job (requests in flight finish; the rest is reported not sent)."""
        for job in self.jobs.values():
            job.stop()


def create_app(make_client: Callable[[], AsyncClient] = AsyncClient) -> FastAPI:
    """The app; ``make_client`` builds its client (by default from the environment)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with make_client() as client, anyio.create_task_group() as tasks:
            app.state.jobs = Jobs(client, tasks)
            yield
            app.state.jobs.stop_all()

    app = FastAPI(title="Bulk SMS", lifespan=lifespan)

    def jobs(request: Request) -> Jobs:
        found: Jobs = request.app.state.jobs
        return found

    @app.post("/bulk", status_code=202)
    async def start(mailing: MailingIn, request: Request) -> dict[str, str]:
        # Each message is checked by the job: a bad one is rejected alone, never sent.
        return {"job": jobs(request).start(mailing)}

    @app.get("/bulk/{job_id}")
    async def progress(job_id: str, request: Request) -> dict[str, Any]:
        return {"job": job_id, **jobs(request).get(job_id).summary().to_dict()}

    @app.get("/bulk/{job_id}/result")
    async def result(job_id: str, request: Request) -> dict[str, Any]:
        registry = jobs(request)
        job = registry.get(job_id)
        await registry.done[job_id].wait()
        return {"job": job_id, **job.summary().to_dict()}

    @app.post("/bulk/{job_id}/stop", status_code=202)
    async def stop(job_id: str, request: Request) -> dict[str, str]:
        jobs(request).get(job_id).stop()
        return {"job": job_id}

    return app


# The client is built in the lifespan, so importing this module needs no credentials.
app = create_app()
