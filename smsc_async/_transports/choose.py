"""From what the user passed as ``transport=`` to the `Transport` the client sends through.

It sits above both implementations, asking each in turn whether the object is one of its
library's (`wrap_httpx`, `wrap_session`), so neither transport knows of the other and the
httpx2 and aiohttp imports each stay in their own module. The aiohttp transport is imported
only when the object is none of httpx2's, so that ``import smsc_async`` does not load asyncio.
"""

from __future__ import annotations

from typing import TypeAlias

from .._errors import ConfigurationError
from .base import Transport
from .default import HttpxLike, HttpxTransport, wrap_httpx
from .shared import MAX_RESPONSE_BYTES

__all__ = ["TransportLike", "coerce_transport"]

TransportLike: TypeAlias = "Transport | HttpxLike"
"""What `coerce_transport` turns into a `Transport` (it also takes an ``aiohttp.ClientSession``,
left out here so that type-checking does not need aiohttp installed)."""


def coerce_transport(
    obj: object,
    *,
    max_connections: int,
    max_response_bytes: int | None = None,
    proxy: str | None = None,
) -> Transport:
    """Turn whatever the user passed as ``transport=`` into a `Transport`.

    * None: a new `HttpxTransport` with a pool of ``max_connections``.
    * an ``httpx2.AsyncClient``: sent through, left open on close (its own proxy settings).
    * an ``httpx2.AsyncBaseTransport`` (``MockTransport``, ``ASGITransport``, ...): wrapped in
      a client of our own, closed with it.
    * an ``aiohttp.ClientSession``: wrapped in `AiohttpTransport`, left open on close.
    * any object with the `Transport` methods: used as is, with its own settings.

    ``max_response_bytes`` (None: `MAX_RESPONSE_BYTES`) and ``proxy`` go to the transport
    built here.

    Raises:
        TypeError: anything else.
        ConfigurationError: a setting the transport cannot take (``proxy`` with an httpx2
            client or transport; either setting with a ready `Transport`), or a bad value.
    """
    limit = MAX_RESPONSE_BYTES if max_response_bytes is None else max_response_bytes
    if obj is None:
        return HttpxTransport(
            max_connections=max_connections, max_response_bytes=limit, proxy=proxy
        )
    # Library objects first: an httpx2.AsyncClient also has `request` and `aclose`.
    httpx = wrap_httpx(obj, max_connections=max_connections, max_response_bytes=limit, proxy=proxy)
    if httpx is not None:
        return httpx
    # Imported only now: the aiohttp transport loads asyncio, which a trio program need not.
    from .aiohttp import wrap_session

    session = wrap_session(obj, max_response_bytes=limit, proxy=proxy)
    if session is not None:
        return session
    if isinstance(obj, Transport):
        if max_response_bytes is not None or proxy is not None:
            raise ConfigurationError(
                "max_response_bytes and proxy apply to a transport the client builds; "
                "set them on the transport you pass instead"
            )
        return obj
    raise TypeError(
        "transport must be None, an httpx2.AsyncClient, an httpx2.AsyncBaseTransport, an "
        "aiohttp.ClientSession or an object with async request(request, timeouts) and "
        f"aclose() methods; got {type(obj).__name__}"
    )
