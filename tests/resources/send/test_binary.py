"""Binary SMS payloads: the ``mes`` hex, UDH elements, the WAP-push SI encoder."""

from __future__ import annotations

import pytest

from smsc_async import ValidationError
from smsc_async._resources.send.binary import (
    BINARY_SMS_BYTES,
    encode_binary,
    udh_concat,
    udh_ports,
    wap_push_si,
)

EMS = "050A0307056048656C6C6F2C20576F726C6421"
WAP_PUSH = "0605040B8423F0DC0601AE02056A0045C60C037761702E72752F0001037761702E7275000101"


def test_spec_ems_example_is_byte_exact() -> None:
    # "Hello, World!" with "World" in italics and underlined (text formatting IE 0x0A).
    assert encode_binary(b"Hello, World!", bytes.fromhex("0A03070560"), None, None) == EMS


def test_spec_binary_wap_push_example_is_byte_exact() -> None:
    si = wap_push_si("http://wap.ru/", "wap.ru")
    assert encode_binary(si, udh_ports(2948, 9200), None, None) == WAP_PUSH


def test_no_header_starts_with_a_zero_byte_and_hex_is_upper_case() -> None:
    assert encode_binary(b"\xab\xcd", None, None, None) == "00ABCD"
    assert encode_binary(bytearray(b"\x01"), b"", None, None) == "0001"
    assert encode_binary(memoryview(b"\xff"), None, None, None) == "00FF"


def test_pid_and_dcs_tail_has_the_exact_spaces() -> None:
    assert encode_binary(b"\x01", None, 0, 245) == "0001\n~~~\npid: 0, dcs: 245"
    assert encode_binary(b"\x01", None, 255, 0).endswith("\n~~~\npid: 255, dcs: 0")


@pytest.mark.parametrize(
    ("pid", "dcs", "field"),
    [(0, None, "dcs"), (None, 4, "pid"), (256, 4, "pid"), (0, -1, "dcs"), (True, 4, "pid")],
)
def test_pid_and_dcs_rules(pid: object, dcs: object, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        encode_binary(b"\x01", None, pid, dcs)
    assert caught.value.field == field


def test_size_limit_counts_the_length_byte_and_header() -> None:
    assert len(encode_binary(bytes(139), None, None, None)) == 2 * BINARY_SMS_BYTES
    with pytest.raises(ValidationError, match="140 bytes"):
        encode_binary(bytes(140), None, None, None)
    udh = udh_ports(2948, 9200)  # 6 bytes + the length byte
    assert len(encode_binary(bytes(133), udh, None, None)) == 280
    with pytest.raises(ValidationError) as caught:
        encode_binary(bytes(134), udh, None, None)
    assert caught.value.field == "data"


@pytest.mark.parametrize(
    ("data", "udh", "field"),
    [
        ("00AB", None, "data"),  # hex text instead of bytes
        (b"", None, "data"),
        (b"", b"", "data"),
        ([1, 2], None, "data"),
        (b"x", "0A03070560", "udh"),
        (b"x", bytes.fromhex("050A03070560"), "udh"),  # given with its length byte
        (b"x", b"\x00", "udh"),  # an identifier without a length
        (b"x", b"\x00\x03\x01\x02", "udh"),  # a length longer than what follows
    ],
)
def test_invalid_payloads(data: object, udh: object, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        encode_binary(data, udh, None, None)
    assert caught.value.field == field


def test_header_only_message_is_allowed() -> None:
    assert encode_binary(b"", udh_concat(7, 2, 1), None, None) == "050003070201"


def test_udh_elements_combine() -> None:
    assert udh_ports(0x0B84, 0x23F0) == bytes.fromhex("05040B8423F0")
    assert udh_concat(0xAB, 3, 2) == bytes.fromhex("0003AB0302")
    joined = encode_binary(b"\x99", udh_concat(1, 2, 2) + udh_ports(1, 2), None, None)
    assert joined == "0B" + "0003010202" + "050400010002" + "99"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: udh_ports(65536, 0), "destination"),
        (lambda: udh_ports(0, -1), "source"),
        (lambda: udh_concat(256, 1, 1), "reference"),
        (lambda: udh_concat(0, 0, 1), "total"),
        (lambda: udh_concat(0, 2, 3), "sequence"),
        (lambda: udh_concat(0, 2, 0), "sequence"),
    ],
)
def test_udh_element_ranges(call: object, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("http://wap.ru/", "0C03" + b"wap.ru/".hex()),
        ("https://example.com", "0E03" + b"example.com".hex()),
        ("http://www.example.com", "0D03" + b"example.com".hex()),
        ("HTTPS://WWW.x.io/a", "0F03" + b"x.io/a".hex()),
    ],
)
def test_si_href_uses_the_longest_prefix_token(url: str, href: str) -> None:
    si = wap_push_si(url, "Go", transaction_id=1).hex().upper()
    assert si.startswith("010601AE02056A0045C6" + href.upper() + "00" + "01")
    assert si.endswith(b"Go".hex().upper() + "000101")


def test_si_text_is_utf8() -> None:
    assert wap_push_si("http://a.ru", "Жж").endswith("Жж".encode() + b"\x00\x01\x01")


@pytest.mark.parametrize(
    ("url", "text", "tid", "field"),
    [
        ("ftp://wap.ru", "x", 0, "url"),
        ("wap.ru", "x", 0, "url"),
        ("http://wap.ru/a b", "x", 0, "url"),
        ("http://wap.ru/\x00", "x", 0, "url"),
        ("http://wap.ru/\ud800", "x", 0, "url"),
        ("http://wap.ru", " ", 0, "text"),
        ("http://wap.ru", "a\x00b", 0, "text"),
        ("http://wap.ru", "a\nb", 0, "text"),
        ("http://wap.ru", "x", 256, "transaction_id"),
    ],
)
def test_si_rules(url: str, text: str, tid: int, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        wap_push_si(url, text, transaction_id=tid)
    assert caught.value.field == field
