"""Which proxy a request goes through, decided the way httpx2 decides it.

Used by the aiohttp transport, so that both network transports honour the same settings: an
explicit proxy carries every request; without one, ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY``
and ``NO_PROXY`` (read once, with `environment_proxies`) decide per URL. A proxy URL may hold
credentials; they travel as a ``Proxy-Authorization`` header (see `Route`).
"""

from __future__ import annotations

import base64
import urllib.request
from typing import Final, TypeAlias
from urllib.parse import unquote, urlsplit

__all__ = ["DIRECT", "Route", "environment_proxies", "route_to"]

Route: TypeAlias = "tuple[str | None, dict[str, str] | None, dict[str, str] | None]"
"""How a URL is reached: the proxy's address without credentials (None: directly), then the
credentials as a ``Proxy-Authorization`` header either for the proxy's ``CONNECT`` (an
``https://`` target: aiohttp's ``proxy_headers``) or on the request itself (an ``http://``
target, which is sent to the proxy as is). aiohttp's own ``proxy_auth`` would do this, but it
is deprecated."""

DIRECT: Final[Route] = (None, None, None)


def environment_proxies() -> dict[str, str]:
    """The proxy settings of the environment (``{"https": ..., "no": ...}``), as httpx2 reads
    them (`urllib.request.getproxies`, which on Windows and macOS also asks the system)."""
    return urllib.request.getproxies()


def route_to(url: str, proxy: str | None, environment: dict[str, str] | None) -> Route:
    """The route to ``url``: through ``proxy`` if given, else as ``environment`` says (None:
    the environment is not consulted)."""
    if proxy is None and environment is not None:
        proxy = _environment_proxy(url, environment)
    return DIRECT if proxy is None else _via(proxy, url)


def _via(proxy: str, url: str) -> Route:
    """The route to ``url`` through ``proxy``, its credentials (if any) moved to a header."""
    parts = urlsplit(proxy)
    if parts.username is None:
        return proxy, None, None
    user = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
    header = {"Proxy-Authorization": "Basic " + base64.b64encode(user.encode()).decode()}
    bare = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
    return (bare, header, None) if url.startswith("https:") else (bare, None, header)


def _environment_proxy(url: str, proxies: dict[str, str]) -> str | None:
    """The proxy the environment gives ``url``: ``NO_PROXY``, then the scheme's or ALL's."""
    parts = urlsplit(url)
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy or _bypassed((parts.hostname or "").lower(), proxies.get("no", "")):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def _bypassed(host: str, no_proxy: str) -> bool:
    """Whether ``NO_PROXY`` names ``host``, read as curl and httpx2 read it: ``*`` is every
    host, ``example.com`` that domain and its subdomains, ``.example.com`` its subdomains."""
    for entry in no_proxy.lower().split(","):
        name = entry.strip().strip("[]")
        if name == "*":
            return True
        if name.startswith("."):
            if host.endswith(name):
                return True
        elif name and (host == name or host.endswith("." + name)):
            return True
    return False
