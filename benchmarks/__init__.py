"""Benchmarks of smsc_async against raw httpx2, raw aiohttp, a floor client and the official
style of client; run with ``python3 run.py bench`` (see README.md here)."""
