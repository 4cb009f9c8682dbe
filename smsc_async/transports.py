"""The network transports `AsyncClient` can send through.

* `HttpxTransport` — the default, over httpx2 (asyncio and trio).
* `AiohttpTransport` — over aiohttp, asyncio only; needs the extra
  ``pip install smsc_async[aiohttp]`` and imports aiohttp only when constructed, so this module
  imports fine without it.

Both implement `smsc_async.Transport`; pass one (or an ``httpx2.AsyncClient``, an
``httpx2.AsyncBaseTransport`` such as ``MockTransport``, or an ``aiohttp.ClientSession``)
as the client's ``transport=``.
"""

from __future__ import annotations

from ._aiohttp import AiohttpTransport
from ._http import HttpxTransport

__all__ = ["AiohttpTransport", "HttpxTransport"]
