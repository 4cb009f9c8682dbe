"""The README's examples work as written (a new user copies them first)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
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


@pytest.mark.anyio
async def test_readme_tour_of_kinds_and_endpoints_runs_against_the_emulator(
    anyio_backend: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from decimal import Decimal

    from smsc_async import AsyncClient
    from smsc_async.testing import FakeSMSC

    fake = FakeSMSC()
    account = fake.add_account("demo", "pw", balance=Decimal("1000"), test_mode=False)
    assert account.login == "demo"
    namespace: dict[str, object] = {}
    exec(block_containing("async def tour("), namespace)
    tour = namespace["tour"]
    client = AsyncClient(
        login="demo",
        password="pw",
        base_url="http://smsc.test",
        allow_http=True,
        transport=fake.transport(),
    )
    async with client:
        await tour(client)  # type: ignore[operator]
    kinds = [entry.kind.value for entry in fake.ledger]
    assert kinds == [
        "flash", "hlr", "tg", "bot", "push", "bin", "mail", "call", "call", "viber", "sms",
    ]  # fmt: skip
    out = capsys.readouterr().out
    assert "greeting" in out
    assert "RUR" in out


@pytest.mark.anyio
async def test_readme_bulk_example_runs_against_the_emulator(
    anyio_backend: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from decimal import Decimal

    from smsc_async import AsyncClient
    from smsc_async.testing import FakeSMSC

    fake = FakeSMSC()
    fake.add_account("shop", "pw", balance=Decimal("1000"), price=Decimal("1.50"))
    namespace: dict[str, object] = {}
    exec(block_containing("async def spring_sale("), namespace)
    customers = [(f"7999{n:07d}", f"Customer {n}") for n in range(40)]
    customers.append(("not a phone", "Broken"))
    client = AsyncClient(
        login="shop",
        password="pw",
        base_url="http://smsc.test",
        allow_http=True,
        transport=fake.transport(),
    )
    async with client:
        await namespace["spring_sale"](client, customers)  # type: ignore[operator]
    out = capsys.readouterr().out
    assert "rejected 40 ValidationError" in out
    assert out.strip().endswith("40 1 0 0 60.00")
    assert len(fake.ledger) == 40
