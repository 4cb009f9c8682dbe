"""``send.php`` input: the message kind, the messages of a request (``mes`` or ``list``
lines), and their recipients."""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs

from ..._rules.recipients import normalize_bot_recipient, normalize_email, normalize_phone
from ..._state.account import Account
from ..._state.codes import MessageKind
from ..._state.settings import NlRecords
from ..._wire.answer import ApiFault

__all__ = [
    "Draft",
    "Recipients",
    "expand_recipients",
    "flag_kind",
    "parse_drafts",
]

_PARAM_ERROR = "parameters error"

#: Flags choosing the kind, first match wins (``bot`` is handled apart: it carries a name).
_FLAG_KINDS: tuple[tuple[str, MessageKind], ...] = (
    ("call", MessageKind.CALL),
    ("mail", MessageKind.MAIL),
    ("viber", MessageKind.VIBER),
    ("whatsapp", MessageKind.WHATSAPP),
    ("soc", MessageKind.SOC),
    ("tg", MessageKind.TG),
    ("mms", MessageKind.MMS),
    ("hlr", MessageKind.HLR),
    ("ping", MessageKind.PING),
    ("push", MessageKind.PUSH),
    ("bin", MessageKind.BIN),
    ("flash", MessageKind.FLASH),
)

#: Text prefixes choosing the kind when no flag does.
_PREFIX_KINDS: tuple[tuple[str, MessageKind], ...] = (
    ("__CALL__", MessageKind.CALL),
    ("__VIBER__", MessageKind.VIBER),
    ("__SOC__", MessageKind.SOC),
    ("__MAIL__", MessageKind.MAIL),
    ("__BOT__", MessageKind.BOT),
    ("__PING__", MessageKind.PING),
    ("__HLR__", MessageKind.HLR),
)

COMMENT_MARK = "\n~~~\n"


def flag_kind(params: Mapping[str, str]) -> MessageKind | None:
    """The kind a flag parameter selects, or ``None`` (plain SMS unless a prefix says more)."""
    for name, kind in _FLAG_KINDS:
        if params.get(name, "0").strip() not in ("", "0"):
            return kind
    bot = params.get("bot", "").strip()
    if bot:
        if not bot.startswith("@") or len(bot) < 2:
            raise ApiFault(1, _PARAM_ERROR)
        return MessageKind.BOT
    return None


@attrs.frozen(kw_only=True)
class Draft:
    """One message of a request, before validation: a ``list`` line or ``phones``+``mes``."""

    phones: str
    text: str
    comment: str | None
    kind: MessageKind
    sender: str | None
    tz: int | None
    raw_length: int


def _split_prefix(text: str, flagged: MessageKind | None) -> tuple[str, MessageKind | None]:
    for prefix, kind in _PREFIX_KINDS:
        if text.startswith(prefix):
            rest = text[len(prefix) :].removeprefix(":").removeprefix(" ")
            return rest, flagged or kind
    return text, flagged


def make_draft(
    phones: str, mes: str, flagged: MessageKind | None, sender: str | None, tz: int | None
) -> Draft:
    """A draft from raw recipients and message text: prefix and comment separated."""
    text, comment = mes, None
    if COMMENT_MARK in mes:
        text, _, comment = mes.partition(COMMENT_MARK)
    text, kind = _split_prefix(text, flagged)
    return Draft(
        phones=phones,
        text=text,
        comment=comment,
        kind=kind or MessageKind.SMS,
        sender=sender,
        tz=tz,
        raw_length=len(mes),
    )


_LINE_HEAD = re.compile(r"^[\s\d+(),;\-Gg]+:")
_RECIPIENT_TOKEN = re.compile(
    r"\+?[\d\s()\-]*\d[\d\s()\-]*|[Gg]\d+|[^@\s,;:|]+@[^@\s,;:|]+|@\w+|#\d+"
)


def _starts_record(line: str, reading: NlRecords) -> bool:
    head, colon, _ = line.partition(":")
    if reading is NlRecords.PHONE_CHARS:
        return bool(_LINE_HEAD.match(line)) or "|" in head
    if not colon:
        return False
    tokens = re.split(r"[,;]", head.rpartition("|")[2])
    return all(_RECIPIENT_TOKEN.fullmatch(token.strip()) for token in tokens)


def _list_lines(raw: str, multiline: bool, reading: NlRecords) -> list[str]:
    lines = [line for line in raw.replace("\r\n", "\n").split("\n")]
    if not multiline:
        return [line.replace("\\n", "\n") for line in lines if line.strip()]
    # nl=1: a line that does not start with recipients (or a sender prefix) continues the
    # previous message, so messages may hold real newlines.
    joined: list[str] = []
    for line in lines:
        starts = _starts_record(line, reading)
        if joined and not starts:
            joined[-1] += "\n" + line
        elif line.strip():
            joined.append(line)
    return joined


def _parse_line(line: str, flagged: MessageKind | None) -> Draft:
    head, colon, mes = line.partition(":")
    if not colon:
        raise ApiFault(1, _PARAM_ERROR)
    sender: str | None = None
    tz: int | None = None
    if "|" in head:
        prefix, _, head = head.partition("|")
        sender_text, comma, tz_text = prefix.partition(",")
        sender = sender_text.strip() or None
        if comma:
            try:
                tz = int(tz_text.strip())
            except ValueError:
                raise ApiFault(1, _PARAM_ERROR) from None
    return make_draft(head, mes, flagged, sender, tz)


def parse_drafts(
    params: Mapping[str, str],
    flagged: MessageKind | None,
    nl_records: NlRecords = NlRecords.PHONE_CHARS,
) -> list[Draft]:
    """The messages of a send request: one per ``list`` line, or one from ``phones``+``mes``.

    ``list`` wins when both are given. Missing ``phones`` (or ``list``) is error 1; whether
    ``mes`` may be empty depends on the kind and is checked later. ``nl_records`` says which
    lines start a message in ``nl=1`` mode.
    """
    sender = params.get("sender") or None
    if params.get("list", "").strip():
        multiline = params.get("nl", "0").strip() == "1"
        lines = _list_lines(params["list"], multiline, nl_records)
        drafts = [_parse_line(line, flagged) for line in lines]
        return [d if d.sender else attrs.evolve(d, sender=sender) for d in drafts]
    phones = params.get("phones", "")
    if not phones.strip():
        raise ApiFault(1, _PARAM_ERROR)
    return [make_draft(phones, params.get("mes", ""), flagged, sender, None)]


@attrs.frozen(kw_only=True)
class Recipients:
    """A draft's recipients: accepted (normalised, de-duplicated) and invalid (as written)."""

    accepted: tuple[str, ...]
    invalid: tuple[str, ...]


_GROUP = re.compile(r"^[Gg](\d+)$")


def expand_recipients(draft: Draft, account: Account) -> Recipients:
    """Split ``phones`` on ``,``/``;``, expand ``G<n>`` groups, validate for the kind."""
    if draft.kind is MessageKind.MAIL:
        normalize = normalize_email
    elif draft.kind is MessageKind.BOT:
        normalize = normalize_bot_recipient
    else:
        normalize = normalize_phone
    tokens: list[str] = []
    for token in re.split(r"[,;]", draft.phones):
        token = token.strip()
        group = _GROUP.match(token)
        if group and draft.kind is not MessageKind.MAIL:
            tokens.extend(account.groups.get(int(group[1]), ()))
        elif token:
            tokens.append(token)
    accepted: dict[str, None] = {}
    invalid: list[str] = []
    for token in tokens:
        value = normalize(token)
        if value is None:
            invalid.append(token)
        else:
            accepted[value] = None
    return Recipients(accepted=tuple(accepted), invalid=tuple(invalid))
