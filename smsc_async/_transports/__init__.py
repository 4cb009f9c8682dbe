"""Transports: the interface the call path uses, and the httpx2 and aiohttp implementations."""
