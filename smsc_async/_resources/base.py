"""What every API area is built on: the call path's one signature, and the area base class.

An area (``client.status``, ``client.templates``, the send methods …) is a small object that
holds nothing but the client's call path, seen through `Call`: it validates its arguments,
maps them to one endpoint's form fields, calls, and maps the answer text to a typed result.
It never sees the transport, the limiter or the credentials. `Verb` offers an area's method
on the client itself (``client.send_flash`` is the send kinds area's ``send_flash``), so each
signature is written once, where the method is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar, overload

if TYPE_CHECKING:
    from .._types.attachment import Attachment

__all__ = ["Area", "Call", "Verb"]

P = ParamSpec("P")
R = TypeVar("R")
A = TypeVar("A")


class Call(Protocol):
    """The call path: POST ``params`` to ``/sys/<endpoint>.php``, return the answer's text.

    ``idempotent`` says whether a repeat is harmless: only then is a request that may have
    reached the server retried. ``message_id`` names the message in errors and logs;
    ``files`` makes the body ``multipart/form-data``. Raises only `SmscError` subclasses.
    """

    async def __call__(
        self,
        endpoint: str,
        params: dict[str, str],
        *,
        idempotent: bool,
        message_id: int | str | None = None,
        files: Sequence[Attachment] = (),
    ) -> str: ...


class Area:
    """An API area: a group of calls around the client's call path."""

    __slots__ = ("_call",)

    def __init__(self, call: Call) -> None:
        self._call = call


class Verb(Generic[A, P, R]):
    """A method of an area offered on the client: ``client.<name>`` is ``client.<area>.<name>``.

    On the class it is the area's function itself (for ``help()`` and documentation tools);
    on a client, that client's area's bound method, with the same signature and docstring.
    """

    __slots__ = ("_area", "_method", "_name")

    def __init__(self, area: str, method: Callable[Concatenate[A, P], R]) -> None:
        self._area = area
        self._name = method.__name__
        self._method = method

    @overload
    def __get__(self, obj: None, owner: type) -> Callable[Concatenate[A, P], R]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> Callable[P, R]: ...
    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self._method
        return getattr(getattr(obj, self._area), self._name)
