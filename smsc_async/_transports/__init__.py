"""Transports: the interface the call path uses, and the httpx2 and aiohttp implementations.

Each module imports only those above it in this list, so there is no cycle:

* `base` — the interface: `Transport`, `HttpRequest`/`HttpResponse`, `Timeouts` and the two
  failures that say whether a request may have been sent.
* `shared` — what both network transports agree on: limits, keep-alive expiry, failure text.
* `proxy` — which proxy a URL goes through, as httpx2 decides it (for aiohttp).
* `watchdog` — one asyncio timer keeping the deadline of every aiohttp exchange in flight.
* `default` (httpx2) and `aiohttp` — the implementations; each alone imports its library.
* `choose` — turns what the user passed as ``transport=`` into a `Transport`.
"""
