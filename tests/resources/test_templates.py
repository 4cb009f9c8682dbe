"""Templates and operator templates: request encoding, decoders in all four formats, and the
``client.templates`` / ``client.operator_templates`` areas against the emulator."""

from __future__ import annotations

import pytest
from ask import ask_emulator

from smsc_async import (
    AsyncClient,
    DuplicateRequestError,
    InvalidParametersError,
    NotFoundError,
    ProtocolError,
    SaveFailedError,
    ValidationError,
)
from smsc_async._resources.operator_templates import op_template_params, parse_op_templates
from smsc_async._resources.templates import parse_template_id, parse_templates, template_fields
from smsc_async._types.templates import (
    OperatorTemplateAddStatus,
    OperatorTemplateState,
    OperatorTemplateStatus,
    OperatorType,
    Template,
    TemplateFormat,
)
from smsc_async.testing import FakeClock, FakeSMSC, Fault, FaultPlan
from smsc_async.testing.pytest_plugin import TEST_LOGIN, TEST_PASSWORD

pytestmark = pytest.mark.anyio

LOGIN, PASSWORD = TEST_LOGIN, TEST_PASSWORD
Add, State = OperatorTemplateAddStatus, OperatorTemplateState


@pytest.fixture
def smsc_fake(clock: FakeClock) -> FakeSMSC:
    fake = FakeSMSC(clock=clock)
    fake.add_account(LOGIN, PASSWORD, senders=("SMSC", "ivan"))
    return fake


# ------------------------------------------------------------------ encoding


def test_template_fields() -> None:
    assert template_fields(
        {
            "name": "Greet",
            "message": "Hi,\nyou",
            "format": TemplateFormat.VIBER,
            "sender": "ivan",
            "auto_signature": False,
        }
    ) == {"name": "Greet", "msg": "Hi,\nyou", "format": "viber", "sender": "ivan", "fl[1]": "0"}
    # Clearing: an empty sender and the unset format are sent; None means "not given".
    assert template_fields({"sender": "", "format": TemplateFormat.UNSET, "name": None}) == {
        "sender": "",
        "format": "",
    }


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "two\nlines"}, "name"),
        ({"name": "  "}, "name"),
        ({"message": 5}, "message"),
        ({"format": "sms2"}, "format"),
        ({"sender": "a-very-long-sender-name"}, "sender"),
        ({"auto_signature": 1}, "auto_signature"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_template_fields(fields: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        template_fields(fields)
    assert caught.value.field == field


def test_op_template_params() -> None:
    params = op_template_params("ivan", "Code %s", [OperatorType.MTS_SERVICE, "soc"])
    assert params == {"sender": "ivan", "msg": "Code %s", "mts_srv": "1", "soc": "1"}
    for operators in ([], ["mts"], "mts_srv"):
        with pytest.raises(ValidationError, match="operators"):
            op_template_params("ivan", "Code", operators)


# ------------------------------------------------------------------ decoders, hand-written


@pytest.mark.parametrize(
    ("fmt", "text"),
    [(0, "ID - 17"), (1, "17"), (2, "<template><id>17</id></template>"), (3, '{"id": 17}')],
)
def test_template_id_in_every_format(fmt: int, text: str) -> None:
    assert parse_template_id(text, fmt=fmt) == 17


LISTS = [
    (
        0,
        "id = 1, name = Hi, all, format = sms, sender = ivan, flag = 1, message = a, b\nc\n"
        "id = 2, name = X, format = , sender = , flag = 0, message = ",
    ),
    (1, "1,Hi, all,sms,ivan,1,a, b\nc\n2,X,,,0,"),
    (
        2,
        "<list><template><id>1</id><name>Hi, all</name><format>sms</format>"
        "<sender>ivan</sender><flag>1</flag><message>a, b\nc</message></template>"
        "<template><id>2</id><name>X</name><format></format><sender></sender><flag>0</flag>"
        "<message></message></template></list>",
    ),
    (
        3,
        '[{"id": 1, "name": "Hi, all", "format": "sms", "sender": "ivan", "flag": 1,'
        ' "message": "a, b\\nc"}, {"id": "2", "name": "X", "format": "", "sender": "",'
        ' "flag": "0", "message": ""}]',
    ),
]


@pytest.mark.parametrize(("fmt", "text"), LISTS)
def test_template_list_in_every_format(fmt: int, text: str) -> None:
    assert parse_templates(text, fmt=fmt) == [
        Template(
            id=1,
            name="Hi, all",
            message="a, b\nc",
            format=TemplateFormat.SMS,
            sender="ivan",
            flag=1,
        ),
        Template(id=2, name="X", message=""),
    ]
    assert parse_templates(text, fmt=fmt)[0].auto_signature


def test_template_list_edge_cases() -> None:
    assert parse_templates("", fmt=1) == [] == parse_templates("<list/>", fmt=2)
    # "Nothing found" is an empty list, not an error.
    assert parse_templates('{"error": "record not found", "error_code": 3}', fmt=3) == []
    [odd] = parse_templates('[{"id": 3, "name": "n", "message": "m", "format": "rcs"}]', fmt=3)
    assert (odd.format, odd.flag, odd.sender) == ("rcs", 0, None)
    with pytest.raises(SaveFailedError):
        parse_templates("ERROR = 5 (save error)", fmt=0)
    with pytest.raises(ProtocolError) as caught:
        parse_templates("garbage", fmt=1)
    assert caught.value.endpoint == "templates"


OP_ANSWERS = [
    (0, "mts_srv = 2, id = 4\nbee_trn = -1, id = 0\nt2_new = 9, id = 7"),
    (1, "mts_srv,2,4\nbee_trn,-1,0\nt2_new,9,7"),
    (
        2,
        "<result><template><name>mts_srv</name><status>2</status><id>4</id></template>"
        "<template><name>bee_trn</name><status>-1</status><id>0</id></template>"
        "<template><name>t2_new</name><status>9</status><id>7</id></template></result>",
    ),
    # Both JSON key shapes: the operator as the key, and a literal "name" key.
    (
        3,
        '[{"mts_srv": 2, "id": 4}, {"name": "bee_trn", "status": -1, "id": 0},'
        ' {"t2_new": 9, "id": 7}]',
    ),
]


@pytest.mark.parametrize(("fmt", "text"), OP_ANSWERS)
def test_op_template_statuses_in_every_format(fmt: int, text: str) -> None:
    expected: list[OperatorTemplateStatus[OperatorTemplateState]] = [
        OperatorTemplateStatus(operator=OperatorType.MTS_SERVICE, status=State.ACCEPTED, id=4),
        OperatorTemplateStatus(
            operator=OperatorType.BEELINE_TRANSACTIONAL, status=State.NOT_FOUND, id=None
        ),
        OperatorTemplateStatus(operator="t2_new", status=9, id=7),
    ]
    assert parse_op_templates(text, fmt=fmt, statuses=State) == expected
    # The same numbers mean something else in an "add" answer.
    added = parse_op_templates(text, fmt=fmt, statuses=Add)
    assert [r.status for r in added] == [2, Add.SENDER_NOT_ACCEPTED, 9]
    assert State.REJECTED.description == "rejected by the operator"
    assert Add.CANNOT_SAVE.description == "the template cannot be saved"


def test_op_template_errors() -> None:
    with pytest.raises(DuplicateRequestError) as caught:
        parse_op_templates("0,-9", fmt=1, statuses=State)
    assert caught.value.endpoint == "op_templates"
    with pytest.raises(ProtocolError, match="no single operator"):
        parse_op_templates('[{"mts_srv": 1, "bee_trn": 1, "id": 3}]', fmt=3, statuses=Add)


# ------------------------------------------------------------------ decoders, emulator answers


async def test_emulator_template_answers_decode_alike_in_every_format(
    smsc_fake: FakeSMSC, clock: FakeClock
) -> None:
    path = "/sys/templates.php"
    ids = []
    for fmt, query in enumerate(
        [
            "name=A,%20b&msg=x,%20y%0Az&format=sms",
            "name=B&msg=Hi&fl[1]=1&sender=ivan",
            "name=C&msg=5,000%0A6,000&format=viber",
            "name=D&msg=%20pad%20",
        ]
    ):
        ids.append(
            parse_template_id(
                await ask_emulator(smsc_fake, path, f"add=1&{query}&fmt={fmt}"), fmt=fmt
            )
        )
    assert ids == [1, 2, 3, 4]
    lists = []
    for fmt in range(4):
        lists.append(
            parse_templates(await ask_emulator(smsc_fake, path, f"get=1&fmt={fmt}"), fmt=fmt)
        )
    assert lists[0] == lists[1] == lists[2] == lists[3]
    assert [(t.name, t.message, t.auto_signature) for t in lists[3]] == [
        ("A, b", "x, y\nz", False),
        ("B", "Hi", True),
        ("C", "5,000\n6,000", False),
        ("D", " pad ", False),
    ]


async def test_emulator_op_template_answers_decode_alike_in_every_format(
    smsc_fake: FakeSMSC,
) -> None:
    path = "/sys/op_templates.php"
    query = "sender=ivan&msg=Code%20%25s"
    added = []
    for fmt in range(4):
        text = await ask_emulator(smsc_fake, path, f"add=1&{query}&mts_srv=1&soc=1&fmt={fmt}")
        added.append(parse_op_templates(text, fmt=fmt, statuses=Add))
    assert added[0] == added[1] == added[2] == added[3]
    assert [(r.operator, r.status, r.id) for r in added[0]] == [
        (OperatorType.MTS_SERVICE, Add.ADDED, 1),
        (OperatorType.SOC, Add.ADDED, 2),
    ]
    got = [
        parse_op_templates(
            await ask_emulator(smsc_fake, path, f"get=1&{query}&fmt={f}"), fmt=f, statuses=State
        )
        for f in range(4)
    ]
    assert got[0] == got[1] == got[2] == got[3]
    assert len(got[0]) == len(OperatorType)


# ------------------------------------------------------------------ the client


async def test_template_lifecycle(smsc_client: AsyncClient, smsc_fake: FakeSMSC) -> None:
    created = await smsc_client.templates.create(
        "Greeting, long", "Hello, {name}\nBye", format=TemplateFormat.SMS, auto_signature=True
    )
    assert created == Template(
        id=1, name="Greeting, long", message="Hello, {name}\nBye", format=TemplateFormat.SMS, flag=1
    )
    plain = await smsc_client.templates.create("Plain", "Text")
    assert (plain.id, plain.format, plain.auto_signature) == (2, TemplateFormat.UNSET, False)
    assert await smsc_client.templates.list() == [created, plain]
    await smsc_client.templates.update(1, sender="ivan", auto_signature=False)
    await smsc_client.templates.update(2, format=TemplateFormat.MAIL, message="Longer")
    first, second = await smsc_client.templates.list()
    assert (first.sender, first.auto_signature, first.message) == ("ivan", False, created.message)
    assert (second.format, second.message) == (TemplateFormat.MAIL, "Longer")
    await smsc_client.templates.delete(1)
    assert [t.id for t in await smsc_client.templates.list()] == [2]
    assert list(smsc_fake.account(LOGIN).templates) == [2]


async def test_template_errors_mean_what_they_mean_on_templates(
    smsc_client: AsyncClient, smsc_faults: FaultPlan
) -> None:
    with pytest.raises(NotFoundError) as missing:
        await smsc_client.templates.delete(99)
    assert (missing.value.code, missing.value.endpoint) == (3, "templates")
    with pytest.raises(NotFoundError):
        await smsc_client.templates.update(99, name="x")
    smsc_faults.once(Fault.error(5, "save error"), endpoint="templates")
    with pytest.raises(SaveFailedError) as failed:
        await smsc_client.templates.create("A", "B")
    assert failed.value.code == 5
    with pytest.raises(ValidationError, match="at least one field"):
        await smsc_client.templates.update(1)
    with pytest.raises(ValidationError):
        await smsc_client.templates.delete(0)


async def test_templates_rate_rule(smsc_client: AsyncClient, clock: FakeClock) -> None:
    for _ in range(3):
        assert await smsc_client.templates.list() == []
    with pytest.raises(DuplicateRequestError) as caught:
        await smsc_client.templates.list()
    assert caught.value.endpoint == "templates"
    clock.advance(60)
    assert await smsc_client.templates.list() == []


async def test_operator_templates(smsc_client: AsyncClient, smsc_fake: FakeSMSC) -> None:
    added = await smsc_client.operator_templates.create(
        "ivan", "Code %s", [OperatorType.MTS_SERVICE, OperatorType.BEELINE_TRANSACTIONAL]
    )
    assert [(r.operator, r.status, r.id) for r in added] == [
        (OperatorType.MTS_SERVICE, Add.ADDED, 1),
        (OperatorType.BEELINE_TRANSACTIONAL, Add.ADDED, 2),
    ]
    smsc_fake.account(LOGIN).op_templates[0].status = 3  # the operator rejected it
    statuses = {
        r.operator: r for r in await smsc_client.operator_templates.statuses("ivan", "Code %s")
    }
    assert statuses[OperatorType.MTS_SERVICE].status is State.REJECTED
    assert statuses[OperatorType.BEELINE_TRANSACTIONAL].status is State.AWAITING_REGISTRATION
    assert (statuses[OperatorType.SOC].status, statuses[OperatorType.SOC].id) == (
        State.NOT_FOUND,
        None,
    )
    unknown = await smsc_client.operator_templates.create("SMSC2", "Code", [OperatorType.SOC])
    assert [r.status for r in unknown] == [Add.SENDER_NOT_ACCEPTED]


async def test_operator_templates_rate_rule_and_errors(smsc_client: AsyncClient) -> None:
    for _ in range(10):
        await smsc_client.operator_templates.statuses("ivan", "X")
    with pytest.raises(DuplicateRequestError):
        await smsc_client.operator_templates.statuses("ivan", "X")
    with pytest.raises(ValidationError):
        await smsc_client.operator_templates.create("ivan", "X", [])
    with pytest.raises(InvalidParametersError):
        await smsc_client.request("op_templates", add=1, sender="ivan", msg="X")
