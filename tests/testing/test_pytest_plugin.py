"""The pytest plugin, as a user would enable it, run by pytester on asyncio and trio."""

from __future__ import annotations

import pytest

import smsc_async

pytest_plugins = ["pytester"]

USER_CONFTEST = """
import pytest

pytest_plugins = ["smsc_async.testing.pytest_plugin"]


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request):
    return request.param
"""

USER_FIXTURE_TESTS = """
from decimal import Decimal

import httpx2
import orjson

from smsc_async.testing._faults.kinds import Fault
from smsc_async.testing.pytest_plugin import TEST_API_KEY, TEST_LOGIN, TEST_PASSWORD


def _balance(url, login=TEST_LOGIN, password=TEST_PASSWORD):
    form = {"login": login, "psw": password, "fmt": "3"}
    return httpx2.post(f"{url}/sys/balance.php", data=form, timeout=5.0)


def test_account_is_the_fakes(smsc_fake, smsc_fake_account):
    assert (smsc_fake_account.login, smsc_fake_account.password) == (TEST_LOGIN, TEST_PASSWORD)
    assert smsc_fake_account.api_key == TEST_API_KEY
    assert list(smsc_fake.ledger) == []


def test_server_serves_the_fake(smsc_server, smsc_fake_account):
    smsc_fake_account.balance = Decimal("7.25")
    answer = _balance(smsc_server)
    assert Decimal(orjson.loads(answer.content)["balance"]) == Decimal("7.25")
    assert _balance(smsc_server, password="wrong").json()["error_code"] == 2


def test_server_obeys_the_fault_plan(smsc_server, smsc_faults):
    smsc_faults.once(Fault.status(503))
    assert _balance(smsc_server).status_code == 503
    assert _balance(smsc_server).status_code == 200
"""

USER_CLIENT_TESTS = """
import pytest

from smsc_async import OutcomeUnknownError
from smsc_async.testing._faults.kinds import Fault

pytestmark = pytest.mark.anyio


async def test_client_sends_through_the_fake(smsc_client, smsc_fake):
    result = await smsc_client.send("+79991234567", "hello from the plugin")
    (entry,) = smsc_fake.ledger
    assert entry.id == result.id and entry.text == "hello from the plugin"


async def test_each_test_gets_a_fresh_fake(smsc_client, smsc_fake):
    assert list(smsc_fake.ledger) == []
    await smsc_client.send("+79991234567", "again")
    assert len(smsc_fake.ledger) == 1


@pytest.mark.parametrize(("fault", "sent"), [(Fault.reset_before(), 0), (Fault.reset_after(), 1)])
async def test_client_obeys_the_fault_plan(smsc_client, smsc_fake, smsc_faults, fault, sent):
    smsc_faults.once(fault)
    with pytest.raises(OutcomeUnknownError):
        await smsc_client.send("+79991234567", "maybe sent")
    assert len(smsc_fake.ledger) == sent
"""

STRICT = ("-W", "error", "-p", "no:cacheprovider")


def test_fixtures_for_fake_account_server_and_faults(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(USER_CONFTEST)
    pytester.makepyfile(test_user=USER_FIXTURE_TESTS)
    result = pytester.runpytest(*STRICT)
    result.assert_outcomes(passed=3)


def test_client_fixture_on_both_backends(pytester: pytest.Pytester) -> None:
    if not hasattr(smsc_async, "AsyncClient"):
        pytest.skip("smsc_async.AsyncClient is not exported yet")
    pytester.makeconftest(USER_CONFTEST)
    pytester.makepyfile(test_user=USER_CLIENT_TESTS)
    result = pytester.runpytest(*STRICT, "-v")
    result.assert_outcomes(passed=8)
    result.stdout.fnmatch_lines(["*test_client_sends_through_the_fake?trio? PASSED*"])


def test_plugin_is_opt_in(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user="def test_needs_fake(smsc_fake):\n    pass\n")
    result = pytester.runpytest(*STRICT)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'smsc_fake' not found*"])
