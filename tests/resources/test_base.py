"""What the API areas stand on: the client offers each area's verbs as its own methods."""

from __future__ import annotations

import inspect

import pytest

from smsc_async import AsyncClient
from smsc_async._resources.base import Area, Verb
from smsc_async._resources.send.kinds import MessageKinds
from smsc_async._resources.send.messages import Messages

pytestmark = pytest.mark.anyio


def test_a_verb_on_the_class_is_the_areas_function() -> None:
    # help(AsyncClient) and documentation tools see the method, its signature and docstring.
    assert AsyncClient.send is Messages.send
    assert AsyncClient.send_flash is MessageKinds.send_flash
    assert inspect.iscoroutinefunction(AsyncClient.send_flash)
    assert "phones" in inspect.signature(AsyncClient.send).parameters


async def test_a_verb_on_a_client_is_its_own_areas_bound_method(smsc_client: AsyncClient) -> None:
    method = smsc_client.send_flash
    assert method.__self__ is smsc_client._kinds  # type: ignore[attr-defined]
    assert method.__doc__ == MessageKinds.send_flash.__doc__
    assert list(inspect.signature(method).parameters)[:2] == ["phones", "message"]


async def test_each_client_has_its_own_areas(smsc_client: AsyncClient) -> None:
    other = AsyncClient(login="other", password="secret")
    try:
        assert other.send.__self__ is not smsc_client.send.__self__  # type: ignore[attr-defined]
        assert other.status is not smsc_client.status
    finally:
        await other.aclose()


async def test_an_area_calls_through_the_call_it_was_given() -> None:
    seen: list[tuple[str, dict[str, str], bool]] = []

    async def call(endpoint: str, params: dict[str, str], *, idempotent: bool, **_: object) -> str:
        seen.append((endpoint, params, idempotent))
        return '{"id": 5, "cnt": 1, "cost": "2.5", "balance": "97.5"}'

    class Holder:
        def __init__(self) -> None:
            self._messages = Messages(call)

        send = Verb("_messages", Messages.send)

    result = await Holder().send("79991112233", "hi")
    assert (result.id, result.cost) == (5, 2.5)
    assert seen == [("send", {"phones": "79991112233", "mes": "hi", "cost": "3"}, False)]
    assert isinstance(Holder()._messages, Area)
