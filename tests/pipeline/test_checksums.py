"""Checksums that tell real card numbers, IBANs and Turkish ids from random digits, and the
generators the PII tests use to make valid ones."""

from __future__ import annotations

import random

import pytest

from pipeline.checksums import iban_valid, luhn_valid, tckn_valid

VISA = "4111111111111111"  # the well-known Visa test card
TR_IBAN = "TR330006100519786457841326"  # a published valid TR IBAN example
TCKN = "10000000146"  # the well-known valid test TCKN


# --- generators (checked against the hard-coded examples below) ---------------------------

def luhn_complete(prefix: str) -> str:
    """``prefix`` plus the Luhn check digit."""
    for d in "0123456789":
        if _luhn_sum(prefix + d) % 10 == 0:
            return prefix + d
    raise AssertionError("unreachable")


def _luhn_sum(number: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total


def tckn_complete(first9: str) -> str:
    d = [int(c) for c in first9]
    tenth = (sum(d[0::2]) * 7 - sum(d[1::2])) % 10
    return first9 + str(tenth) + str((sum(d) + tenth) % 10)


def test_generators_reproduce_known_valid_numbers() -> None:
    assert luhn_complete(VISA[:-1]) == VISA
    assert luhn_complete("550000555555555") == "5500005555555559"
    assert tckn_complete(TCKN[:9]) == TCKN


# --- checksums ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        (VISA, True),
        ("5500005555555559", True),  # Mastercard test number
        ("378282246310005", True),  # Amex test number, 15 digits
        ("4111111111111112", False),
        ("1234567812345678", False),
        ("4111 1111 1111 1111", False),  # digits only
        ("", False),
    ],
)
def test_luhn_valid(digits: str, valid: bool) -> None:
    assert luhn_valid(digits) is valid


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        (TCKN, True),
        ("10000000147", False),  # 11th digit wrong
        ("10000000156", False),  # 10th digit wrong
        ("00000000000", False),  # first digit 0
        ("1000000014", False),  # 10 digits
        ("100000001466", False),
    ],
)
def test_tckn_valid(digits: str, valid: bool) -> None:
    assert tckn_valid(digits) is valid


def test_tckn_valid_generated() -> None:
    rng = random.Random(7)
    for _ in range(200):
        number = tckn_complete(str(rng.randint(100_000_000, 999_999_999)))
        assert tckn_valid(number)
        broken = number[:10] + str((int(number[10]) + 1) % 10)
        assert not tckn_valid(broken)


@pytest.mark.parametrize(
    ("iban", "valid"),
    [
        (TR_IBAN, True),
        ("TR33 0006 1005 1978 6457 8413 26", True),
        ("tr33 0006 1005 1978 6457 8413 26", True),  # case-insensitive
        ("GB82WEST12345698765432", True),
        ("DE89 3704 0044 0532 0130 00", True),
        ("TR330006100519786457841327", False),  # one digit changed
        ("TR330006100519786457841336", False),
        ("TR3300061005197864578413", False),  # too short for TR
        ("DE8937040044053201300", False),
        ("", False),
    ],
)
def test_iban_valid(iban: str, valid: bool) -> None:
    assert iban_valid(iban) is valid
