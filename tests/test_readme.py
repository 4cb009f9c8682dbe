"""The README's examples work as written (a new user copies them first)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


def block_containing(marker: str) -> str:
    (found,) = [block for block in BLOCKS if marker in block]
    return found


def test_readme_quick_start_names_the_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```console\n(.*?)```", quick, re.S)
    assert commands == ["python3 run.py demo\npython3 run.py test\n"]


def test_readme_plugin_example_passes_on_both_backends(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        'import pytest\npytest_plugins = ["smsc_async.testing.pytest_plugin"]\n\n'
        '@pytest.fixture(params=["asyncio", "trio"])\n'
        "def anyio_backend(request):\n    return request.param\n"
    )
    pytester.makepyfile(test_user=block_containing("def test_welcome_sms"))
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)


def test_readme_manual_emulator_example_runs() -> None:
    import anyio

    namespace: dict[str, object] = {}
    exec("import smsc_async\n" + block_containing("fake.transport()"), namespace)

    async def use() -> None:
        client = namespace["client"]
        async with client:  # type: ignore[attr-defined]
            result = await client.send("79991234567", "Hi")  # type: ignore[attr-defined]
        assert result.parts == 1

    anyio.run(use)
