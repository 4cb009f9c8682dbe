"""Binary SMS payloads (``bin=2``): the ``mes`` value, UDH information elements, WAP-push SI.

Wire form (the ``bin`` parameter): the user data header first, its first byte its length (a
message without a header starts with the byte ``00``), then the data, all as upper-case hex;
``pid`` and ``dcs`` follow as ``\\n~~~\\npid: <v1>, dcs: <v2>`` with exactly these spaces.

Decisions:

* Only ``bin=2`` (hex) is sent. ``bin=1`` wants the raw bytes percent-encoded, but every
  request says ``charset=utf-8``, so the server would read those bytes as UTF-8 text; bytes
  that are not valid UTF-8 could not survive the trip. Hex is plain ASCII and byte-exact.
* One call sends one SMS: header-length byte + header + data must fit in 140 bytes. The API
  text says nothing about splitting binary messages, and a concatenated binary message needs
  a concatenation element in every part's header, which only the caller can build (with
  `udh_concat`); a server-side split would be billed and delivered in a way the SDK cannot
  promise. The ``00`` byte of a header-less message is counted too (the emulator bills it),
  which keeps the estimate on the safe side.
* ``udh`` is given as its information elements *without* the length byte, which the SDK
  writes; the elements are checked to be well formed (identifier, length, data), which also
  catches a header passed with its length byte by mistake.
* ``pid`` and ``dcs`` go together: the tail has no form for only one of them.
"""

from __future__ import annotations

from ..._errors import ValidationError
from ..._wire.checks import check_int, check_text, check_url

__all__ = ["BINARY_SMS_BYTES", "encode_binary", "udh_concat", "udh_ports", "wap_push_si"]

BINARY_SMS_BYTES = 140
"""The bytes of user data one SMS carries (header-length byte and header included)."""


def _check_bytes(field: str, value: object) -> bytes:
    if isinstance(value, str):
        raise ValidationError(field, "must be bytes, not str (use bytes.fromhex for hex text)")
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise ValidationError(field, "must be bytes")
    return bytes(value)


def _check_udh(value: object) -> bytes:
    udh = _check_bytes("udh", value)
    position = 0
    while position < len(udh):
        if position + 2 > len(udh) or position + 2 + udh[position + 1] > len(udh):
            raise ValidationError(
                "udh",
                "must be whole information elements (identifier, length, data), "
                "without the header-length byte, which the SDK adds",
            )
        position += 2 + udh[position + 1]
    return udh


def encode_binary(data: object, udh: object, pid: object, dcs: object) -> str:
    """The ``mes`` value of a binary SMS: hex of length byte + UDH + data, and the pid/dcs tail.

    Args:
        data: the user data after the header.
        udh: the header's information elements without the length byte, or ``None``.
        pid: TP-PID, 0..255, with ``dcs``; or ``None`` for the server's default.
        dcs: TP-DCS, 0..255, with ``pid``; or ``None`` for the server's default.

    Raises:
        ValidationError: field ``data``, ``udh``, ``pid`` or ``dcs``.
    """
    payload = _check_bytes("data", data)
    header = b"" if udh is None else _check_udh(udh)
    if not payload and not header:
        raise ValidationError("data", "must not be empty when there is no udh")
    size = 1 + len(header) + len(payload)
    if size > BINARY_SMS_BYTES:
        raise ValidationError(
            "data",
            f"with the header must fit one SMS: at most {BINARY_SMS_BYTES} bytes "
            "including the header-length byte (split it yourself with udh_concat)",
        )
    mes = (bytes([len(header)]) + header + payload).hex().upper()
    if pid is None and dcs is None:
        return mes
    if pid is None or dcs is None:
        raise ValidationError("pid" if pid is None else "dcs", "must be given with the other")
    pid_value, dcs_value = check_int("pid", pid, 0, 255), check_int("dcs", dcs, 0, 255)
    return f"{mes}\n~~~\npid: {pid_value}, dcs: {dcs_value}"


def udh_ports(destination: int, source: int) -> bytes:
    """A 16-bit application port addressing element (IEI ``05``), e.g. WAP push 2948 ← 9200.

    Raises:
        ValidationError: field ``destination`` or ``source`` outside 0..65535.
    """
    dest = check_int("destination", destination, 0, 0xFFFF)
    src = check_int("source", source, 0, 0xFFFF)
    return b"\x05\x04" + dest.to_bytes(2, "big") + src.to_bytes(2, "big")


def udh_concat(reference: int, total: int, sequence: int) -> bytes:
    """An 8-bit concatenation element (IEI ``00``): part ``sequence`` of ``total``.

    Send every part with the same ``reference`` and its own ``sequence`` (from 1) to let the
    phone join them; combine with other elements by ``+``.

    Raises:
        ValidationError: field ``reference`` (0..255), ``total`` (1..255) or ``sequence``
            (1..total).
    """
    ref = check_int("reference", reference, 0, 255)
    count = check_int("total", total, 1, 255)
    part = check_int("sequence", sequence, 1, count)
    return bytes([0x00, 0x03, ref, count, part])


# WBXML tokens of a Service Indication (WAP-167): the href attribute start tokens with the
# URL prefix each stands for, longest first so the best one is taken; the plain href token
# (0x0B, the whole URL inline) is the fallback.
_HREF_STARTS = (
    ("https://www.", 0x0F),
    ("http://www.", 0x0D),
    ("https://", 0x0E),
    ("http://", 0x0C),
    ("", 0x0B),
)
_WSP_PUSH_SIC = bytes([0x06, 0x01, 0xAE])  # PDU type Push, headers length 1, vnd.wap.sic
_WBXML_SI = bytes([0x02, 0x05, 0x6A, 0x00])  # WBXML 1.2, SI 1.0, UTF-8, no string table
_SI, _INDICATION, _END, _INLINE = 0x45, 0xC6, 0x01, 0x03


def _inline(text: str) -> bytes:
    # Callers have checked the text: no NUL (the terminator), no lone surrogate.
    return bytes([_INLINE]) + text.encode("utf-8") + b"\x00"


def wap_push_si(url: str, text: str, *, transaction_id: int = 0xDC) -> bytes:
    """A binary WAP-push Service Indication (WSP push PDU + WBXML) for `send_binary`.

    Send it with ``udh=udh_ports(2948, 9200)`` (the WAP push port). SMSC's own example is
    ``wap_push_si("http://wap.ru/", "wap.ru")``. The URL's scheme (and ``www.``) is written
    as a single token, the rest inline. For a text WAP-push, which SMSC encodes itself, use
    `AsyncClient.send_wap_push` instead.

    Args:
        url: an absolute http(s) URL.
        text: the text the phone shows, non-blank.
        transaction_id: the WSP transaction id, 0..255 (SMSC's example uses 0xDC).

    Raises:
        ValidationError: field ``url``, ``text`` or ``transaction_id``.
    """
    check_text("url", url, 2048, single_line=True)  # also refuses lone surrogates
    check_url("url", url)  # the SDK's one absolute-URL rule
    check_text("text", text, BINARY_SMS_BYTES, single_line=True)
    tid = check_int("transaction_id", transaction_id, 0, 255)
    start, token = next((s, t) for s, t in _HREF_STARTS if url.lower().startswith(s))
    href = bytes([token]) + _inline(url[len(start) :])
    return (
        bytes([tid])
        + _WSP_PUSH_SIC
        + _WBXML_SI
        + bytes([_SI, _INDICATION])
        + href
        + bytes([_END])
        + _inline(text)
        + bytes([_END, _END])
    )
