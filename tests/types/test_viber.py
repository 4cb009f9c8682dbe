"""Viber buttons, file rules and message kinds (`smsc_async._types.viber`)."""

from __future__ import annotations

from typing import Any

import pytest

from smsc_async._errors import ValidationError
from smsc_async._types.attachment import Attachment
from smsc_async._types.viber import (
    VIBER_DOCUMENT_FORMATS,
    VIBER_IMAGE_FORMATS,
    VIBER_KINDS,
    VIBER_MAX_FILE_SIZE,
    VIBER_VIDEO_FORMATS,
    ViberButton,
    compose_viber,
)

SITE = ViberButton.link("https://smsc.ru", "site")
PNG = Attachment.from_bytes(b"\x89PNG", "pic.png")
MP4 = Attachment.from_bytes(b"....ftyp", "clip.mp4")
PDF = Attachment.from_bytes(b"%PDF-1.7", "terms.pdf")


# Buttons


def test_link_and_call_buttons_render_the_spec_macros() -> None:
    assert SITE.render() == "{button,https://smsc.ru,site}"
    assert ViberButton.call("+7 999 999-99-99", "Call us").render() == (
        "{button,tel:79999999999,Call us}"
    )
    assert ViberButton.link("http://smscentre.com", "Кнопка smsc").render() == (
        "{button,http://smscentre.com,Кнопка smsc}"
    )


def test_button_text_is_limited_to_30_characters() -> None:
    assert ViberButton.link("https://a.ru", "я" * 30).text == "я" * 30
    with pytest.raises(ValidationError) as caught:
        ViberButton.link("https://a.ru", "я" * 31)
    assert (caught.value.field, caught.value.rule) == (
        "button.text",
        "must be at most 30 characters",
    )


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: ViberButton.link("https://a.ru", ""), "button.text"),
        (lambda: ViberButton.link("https://a.ru", "a,b"), "button.text"),
        (lambda: ViberButton.link("https://a.ru", "a}b"), "button.text"),
        (lambda: ViberButton.link("https://a.ru", "two\nlines"), "button.text"),
        (lambda: ViberButton.link("ftp://a.ru", "ok"), "button.target"),
        (lambda: ViberButton.link("https://a.ru/?q=1,2", "ok"), "button.target"),
        (lambda: ViberButton.link("https://a.ru/ x", "ok"), "button.target"),
        (lambda: ViberButton.link("/relative", "ok"), "button.target"),
        (lambda: ViberButton.call("12", "ok"), "button.target"),
        (lambda: ViberButton.call("phone", "ok"), "button.target"),
        (lambda: ViberButton("tel:+7999", "ok"), "button.target"),
    ],
)
def test_button_rules(build: Any, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build()
    assert caught.value.field == field


# Kinds


KIND_CASES: list[tuple[str, dict[str, Any], str, tuple[Attachment, ...], str | None]] = [
    ("text", {"message": "Hello"}, "Hello", (), None),
    ("picture", {"picture": PNG}, "<file 1>", (PNG,), None),
    ("text+button", {"message": "Test", "button": SITE}, "Test {button,https://smsc.ru,site}",
     (), None),
    ("text+button+picture", {"message": "Test", "button": SITE, "picture": PNG},
     "Test {button,https://smsc.ru,site} <file 1>", (PNG,), None),
    ("document", {"document": PDF}, "<file 1>", (PDF,), None),
    ("picture+video", {"picture": PNG, "video": MP4}, "<file 1> <file 2>", (PNG, MP4), None),
    ("text+picture+video", {"message": "Hi", "picture": PNG, "video": MP4},
     "Hi <file 1> <file 2>", (PNG, MP4), None),
    ("text+picture+video+button",
     {"message": "Видео и кнопка", "picture": PNG, "video": MP4, "button": SITE},
     "Видео и кнопка {button,https://smsc.ru,site} <file 1> <file 2>", (PNG, MP4), None),
    ("SMSC template", {"picture": "http://smsc.ru/im/smsc_logo_tiny.gif", "message": "Picture"},
     "Picture <file http://smsc.ru/im/smsc_logo_tiny.gif>", (), None),
    ("video by URL", {"picture": PNG, "video": "https://cdn.example/v.mp4"}, "<file 1>", (PNG,),
     "https://cdn.example/v.mp4"),
    ("document by URL", {"document": "https://example.com/terms.pdf"},
     "<file https://example.com/terms.pdf>", (), None),
]  # fmt: skip


@pytest.mark.parametrize(("label", "parts", "text", "files", "fileurl"), KIND_CASES)
def test_every_kind_is_composed(
    label: str,
    parts: dict[str, Any],
    text: str,
    files: tuple[Attachment, ...],
    fileurl: str | None,
) -> None:
    message = parts.pop("message", None)
    composed = compose_viber(message, **parts)
    assert (composed.text, composed.files, composed.fileurl) == (text, files, fileurl)


def test_the_eight_kinds_of_the_spec_and_its_test_template() -> None:
    covered = {frozenset(label.split("+")) for label, *_ in KIND_CASES if " " not in label}
    assert len(covered) == 8
    assert set(VIBER_KINDS) == covered | {frozenset({"text", "picture"})}


@pytest.mark.parametrize(
    ("parts", "got"),
    [
        ({}, "nothing"),
        ({"button": SITE}, "button"),
        ({"video": MP4}, "video"),
        ({"message": "Hi", "document": PDF}, "text+document"),
        ({"picture": PNG, "document": PDF}, "picture+document"),
        ({"message": "Hi", "video": MP4}, "text+video"),
    ],
)
def test_other_combinations_are_refused(parts: dict[str, Any], got: str) -> None:
    message = parts.pop("message", None)
    with pytest.raises(ValidationError) as caught:
        compose_viber(message, **parts)
    assert caught.value.field == "kind"
    assert caught.value.rule.startswith(f"{got} is not a Viber message; one of: text; picture;")


# Files


@pytest.mark.parametrize(
    ("slot", "formats"),
    [
        ("picture", VIBER_IMAGE_FORMATS),
        ("video", VIBER_VIDEO_FORMATS),
        ("document", VIBER_DOCUMENT_FORMATS),
    ],
)
def test_each_slot_takes_its_formats_only(slot: str, formats: frozenset[str]) -> None:
    others = {"picture": {"video": MP4}, "video": {"picture": PNG}, "document": {}}[slot]
    for extension in formats:
        upper = Attachment.from_bytes(b"x", f"f.{extension.upper()}")
        composed = compose_viber(None, **{slot: upper, **others})  # type: ignore[arg-type]
        assert upper in composed.files
    for wrong in ("exe", "webp", "png" if slot != "picture" else "mp4", ""):
        file = Attachment.from_bytes(b"x", f"f.{wrong}" if wrong else "noextension")
        with pytest.raises(ValidationError) as caught:
            compose_viber(None, **{slot: file, **others})  # type: ignore[arg-type]
        assert caught.value.field == slot
        assert "formats" in caught.value.rule


def test_files_up_to_one_megabyte() -> None:
    assert VIBER_MAX_FILE_SIZE == 1_048_576
    exact = Attachment.from_bytes(bytes(VIBER_MAX_FILE_SIZE), "max.jpg")
    assert compose_viber(None, picture=exact).files == (exact,)
    over = Attachment.from_bytes(bytes(VIBER_MAX_FILE_SIZE + 1), "over.jpg")
    with pytest.raises(ValidationError) as caught:
        compose_viber(None, picture=over)
    assert caught.value.field == "picture"
    assert caught.value.rule == "must be at most 1 MB (1048576 bytes)"


@pytest.mark.parametrize(
    ("message", "parts", "field"),
    [
        ("Test {button,https://a.ru,x}", {}, "message"),
        ("Picture <file http://a.ru/a.gif>", {}, "message"),
        ("Picture < FILE 1>", {}, "message"),
        (42, {}, "message"),
        ("Hi", {"button": "{button,https://a.ru,x}"}, "button"),
        (None, {"picture": "file:///etc/passwd"}, "picture"),
        (None, {"picture": "https://a.ru/a>b.png"}, "picture"),
        (None, {"picture": PNG, "video": "https://a.ru/v 1.mp4"}, "video"),
    ],
)
def test_bad_parts_are_refused(message: Any, parts: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        compose_viber(message, **parts)
    assert caught.value.field == field
