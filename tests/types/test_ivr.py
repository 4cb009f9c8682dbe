"""The voice-menu builder (`smsc_async._types.ivr`) against the spec's IVR example and rules."""

from __future__ import annotations

from typing import Any

import pytest

from smsc_async._errors import ValidationError
from smsc_async._types.ivr import (
    IvrCommand,
    IvrForward,
    IvrItem,
    IvrMenu,
    IvrRecord,
    IvrSms,
)

# The message of the spec's IVR example (smsc-send-api.ru.txt, "Использование голосового
# меню"), character for character.
PROMPT = (
    "Нажмите 1 для первого пункта, 2 для второго пункта, 3 для отправки заявки на обратный "
    "звонок, 5 для связи с оператором, решетка для перехода в начало, 0 для повтора, для "
    "возврата в предыдущее меню нажмите звёздочку."
)
SPEC_EXAMPLE = f"""Здравствуйте!

{{menu: {PROMPT}
*: back
#: start
0: repeat
1: пункт 1, нажмите 1 для подпункта 1, 2 для подпункта 2, 3 для подпункта 3
11: подпункт 1.1
12: подпункт 1.2
13: подпункт 1.3
2: пункт 2, нажмите 1 для подпункта 2.1
21: подпункт 2.1
3: sms:79999999999,Sender,текст
3: end
4: sms:$phone,Sender,Ваш номер: $phone
4: end
5: url
5: call:79999999999,79999999998 wait=10 ok:end err:6
6: call:79999999997 wait=60 ok:end err:callerr record
7: Сейчас начнется запись до 10 секунд
7: record: 10
7: Конец записи
err: неверный номер, нажмите 0 для повтора
callerr: Извините, не удалось дозвониться до оператора, выберите другой пункт или повторите \
попытку позже}}

Всего вам доброго!"""


def spec_items() -> list[IvrItem]:
    return [
        IvrItem("*", IvrCommand.BACK),
        IvrItem("#", IvrCommand.START),
        IvrItem("0", IvrCommand.REPEAT),
        IvrItem("1", "пункт 1, нажмите 1 для подпункта 1, 2 для подпункта 2, 3 для подпункта 3"),
        IvrItem("11", "подпункт 1.1"),
        IvrItem("12", "подпункт 1.2"),
        IvrItem("13", "подпункт 1.3"),
        IvrItem("2", "пункт 2, нажмите 1 для подпункта 2.1"),
        IvrItem("21", "подпункт 2.1"),
        IvrItem("3", [IvrSms(phone="79999999999", sender="Sender", text="текст"), IvrCommand.END]),
        IvrItem("4", [IvrSms(sender="Sender", text="Ваш номер: $phone"), IvrCommand.END]),
        IvrItem(
            "5",
            [
                IvrCommand.NOTIFY,
                IvrForward(
                    phones=["79999999999", "79999999998"], wait=10, end_menu=True, on_failure="6"
                ),
            ],
        ),
        IvrItem(
            "6",
            IvrForward(
                phones="79999999997", wait=60, end_menu=True, on_failure="callerr", record=True
            ),
        ),
        IvrItem("7", ["Сейчас начнется запись до 10 секунд", IvrRecord(10), "Конец записи"]),
        IvrItem("err", "неверный номер, нажмите 0 для повтора"),
        IvrItem(
            "callerr",
            "Извините, не удалось дозвониться до оператора, выберите другой пункт или "
            "повторите попытку позже",
        ),
    ]


def test_builds_the_spec_example_exactly() -> None:
    menu = IvrMenu(
        greeting="Здравствуйте!", prompt=PROMPT, items=spec_items(), farewell="Всего вам доброго!"
    )
    assert menu.render() == SPEC_EXAMPLE
    assert str(menu) == SPEC_EXAMPLE


def test_without_farewell_the_menu_ends_the_text() -> None:
    menu = IvrMenu(greeting="<file 1>", prompt="Press 1", items=[IvrItem("1", IvrCommand.END)])
    assert menu.render() == "<file 1>\n\n{menu: Press 1\n1: end}"


@pytest.mark.parametrize(
    ("command", "text"),
    [
        (IvrForward(phones="+7 (999) 000-11-22"), "call:79990001122"),
        (IvrForward(phones=["111", "222"], wait=0), "call:111,222 wait=0"),
        (
            IvrForward(phones="1,2,3,4,5,6,7,8,9".replace(",", "00,") + "00", wait=120),
            "call:100,200,300,400,500,600,700,800,900 wait=120",
        ),
        (IvrForward(phones="123", record=True), "call:123 record"),
        (
            IvrSms(sender="Shop", text="Номер $phone, заказ 7"),
            "sms:$phone,Shop,Номер $phone, заказ 7",
        ),
        (IvrRecord(), "record: 30"),
        (IvrRecord(1800), "record: 1800"),
    ],
)
def test_commands_render(command: IvrForward | IvrSms | IvrRecord, text: str) -> None:
    assert command.render() == text


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: IvrForward(phones=[]), "forward.phones"),
        (lambda: IvrForward(phones=[str(100 + n) for n in range(10)]), "forward.phones"),
        (lambda: IvrForward(phones="12"), "forward.phones"),
        (lambda: IvrForward(phones="123", wait=121), "forward.wait"),
        (lambda: IvrForward(phones="123", wait=-1), "forward.wait"),
        (lambda: IvrForward(phones="123", on_failure="a-b"), "forward.on_failure"),
        (lambda: IvrForward(phones="123", on_failure="end"), "forward.on_failure"),
        (lambda: IvrSms(sender="Shop,Inc", text="x"), "sms.sender"),
        (lambda: IvrSms(sender="TwelveChars!", text="x"), "sms.sender"),
        (lambda: IvrSms(sender="Shop", text="two\nlines"), "sms.text"),
        (lambda: IvrSms(sender="Shop", text="x}"), "sms.text"),
        (lambda: IvrSms(phone="$caller", sender="Shop", text="x"), "sms.phone"),
        (lambda: IvrRecord(0), "record.seconds"),
        (lambda: IvrRecord(1801), "record.seconds"),
        (lambda: IvrItem("10", "x"), "item.key"),
        (lambda: IvrItem("01", "x"), "item.key"),
        (lambda: IvrItem("a b", "x"), "item.key"),
        (lambda: IvrItem("end", "x"), "item.key"),
        (lambda: IvrItem("1", []), "item.actions"),
    ],
)
def test_parts_check_their_rules(build: Any, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build()
    assert caught.value.field == field


def menu_of(*items: IvrItem, **fields: Any) -> IvrMenu:
    return IvrMenu(**{"greeting": "Hi", "prompt": "Press", "items": items, **fields})


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: menu_of(IvrItem("1", "two\nlines")), "menu[1]"),
        (lambda: menu_of(IvrItem("1", "a { b")), "menu[1]"),
        (lambda: menu_of(IvrItem("1", "end")), "menu[1]"),
        (lambda: menu_of(IvrItem("1", " Back ")), "menu[1]"),
        (lambda: menu_of(IvrItem("1", "call:79990001122")), "menu[1]"),
        (lambda: menu_of(IvrItem("1", "record: 5")), "menu[1]"),
        (lambda: menu_of(IvrItem("1", [7])), "menu[1]"),  # type: ignore[list-item]
        (lambda: menu_of(IvrItem("1", 7)), "item.actions"),  # type: ignore[arg-type]
        (lambda: menu_of(IvrItem("1", "a"), IvrItem("1", "b")), "menu[1]"),
        (lambda: menu_of(IvrItem("12", "orphan")), "menu[12]"),
        (lambda: menu_of(IvrItem("5", IvrForward(phones="123", on_failure="nowhere"))), "menu[5]"),
        (lambda: menu_of(), "items"),
        (lambda: menu_of(IvrItem("1", "x"), prompt="two\nlines"), "prompt"),
        (lambda: menu_of(IvrItem("1", "x"), greeting=" "), "greeting"),
        (lambda: menu_of(IvrItem("1", "x"), farewell="{menu: again}"), "farewell"),
    ],
)
def test_menu_checks_its_rules(build: Any, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build()
    assert caught.value.field == field


def test_texts_that_merely_start_like_commands_are_fine() -> None:
    menu = menu_of(IvrItem("1", ["Endless summer", "Backup: ready", "url shortener"]))
    assert "1: Endless summer\n1: Backup: ready\n1: url shortener}" in menu.render()


def test_whole_message_is_limited_to_1000_characters() -> None:
    base = menu_of(IvrItem("1", "x"))
    room = 1000 - len(base.render())
    exact = menu_of(IvrItem("1", "x" * (1 + room)))
    assert len(exact.render()) == 1000
    with pytest.raises(ValidationError) as caught:
        menu_of(IvrItem("1", "x" * (2 + room)))
    assert caught.value.field == "menu"
    assert "1000" in caught.value.rule and "1001" in caught.value.rule
