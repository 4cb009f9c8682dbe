"""Kind prefixes: written only on purpose (`prefixed`), refused by accident (`refuse_prefix`)."""

from __future__ import annotations

import pytest

from smsc_async import ValidationError
from smsc_async._wire.prefix import Prefix, PrefixedText, prefixed, refuse_prefix


@pytest.mark.parametrize(
    ("prefix", "text", "expected"),
    [
        (Prefix.CALL, "Privet", "__CALL__: Privet"),  # the spec's example
        (Prefix.VIBER, "Hi", "__VIBER__: Hi"),
        (Prefix.SOC, "Hi", "__SOC__: Hi"),
        (Prefix.MAIL, "Hi", "__MAIL__: Hi"),
        (Prefix.BOT, "Hi", "__BOT__: Hi"),
        (Prefix.PING, None, "__PING__"),
        (Prefix.HLR, None, "__HLR__"),
        ("__SOC__", "by value", "__SOC__: by value"),
    ],
)
def test_prefixed(prefix: Prefix, text: str | None, expected: str) -> None:
    result = prefixed(prefix, text)
    assert result == expected
    assert isinstance(result, PrefixedText)


@pytest.mark.parametrize(
    ("prefix", "text", "field"),
    [
        (Prefix.PING, "x", "text"),
        (Prefix.HLR, "", "text"),
        (Prefix.CALL, None, "text"),
        (Prefix.SOC, "  ", "text"),
        (Prefix.SOC, "__viber__: nested", "text"),
        ("__TG__", "x", "prefix"),
    ],
)
def test_prefixed_rules(prefix: Prefix, text: str | None, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        prefixed(prefix, text)
    assert caught.value.field == field


@pytest.mark.parametrize(
    "text",
    ["__VIBER__: hi", "__viber__: hi", "  __Call__: hi", "\n__PING__", "__HLR__", "__MAIL__x"],
)
def test_accidental_prefix_is_refused(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        refuse_prefix("message", text)
    assert caught.value.field == "message"
    assert "prefixed()" in caught.value.rule
    assert text.strip() not in str(caught.value)


@pytest.mark.parametrize(
    "text", ["Hello", "__init__ is a method", "a __VIBER__ in the middle", "_VIBER_: hi"]
)
def test_ordinary_texts_pass(text: str) -> None:
    assert refuse_prefix("message", text) == text
    assert refuse_prefix("message", text, explicit_ok=False) == text


def test_explicit_prefix_passes_only_where_allowed() -> None:
    text = prefixed(Prefix.VIBER, "hi")
    assert refuse_prefix("message", text) is text
    with pytest.raises(ValidationError, match="chooses the kind itself"):
        refuse_prefix("message", text, explicit_ok=False)
