"""The network transports `AsyncClient` can send through.

* `HttpxTransport` — the default, over httpx2 (asyncio and trio).
* `AiohttpTransport` — over aiohttp, asyncio only; needs the extra
  ``pip install smsc_async[aiohttp]`` and imports aiohttp only when constructed, so this module
  imports fine without it.

Both implement `smsc_async.Transport`; pass one (or an ``httpx2.AsyncClient``, an
``httpx2.AsyncBaseTransport`` such as ``MockTransport``, or an ``aiohttp.ClientSession``)
as the client's ``transport=``. Both take the same settings and behave alike:

* ``proxy=``: every request through that proxy; without it, ``HTTP_PROXY``/``HTTPS_PROXY``/
  ``ALL_PROXY`` and ``NO_PROXY`` from the environment decide.
* ``max_response_bytes=`` (default `MAX_RESPONSE_BYTES`, 16 MiB): an answer larger than this
  once decompressed is not read further; the call raises `smsc_async.ProtocolError`.
* Every failure is `RequestNotSent` or `ExchangeFailed` (or that `ProtocolError`), chained to
  nothing, and no frame of theirs keeps the request body (with the credentials) in a local.
"""

from __future__ import annotations

from ._transports.aiohttp import AiohttpTransport
from ._transports.default import HttpxTransport
from ._transports.shared import MAX_RESPONSE_BYTES

__all__ = ["MAX_RESPONSE_BYTES", "AiohttpTransport", "HttpxTransport"]
