"""Checksums that tell a real card number, IBAN or Turkish national id from random digits."""

from __future__ import annotations

import re

__all__ = ["IBAN_LENGTHS", "iban_valid", "luhn_valid", "tckn_valid"]


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check (payment cards)."""
    if not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def tckn_valid(digits: str) -> bool:
    """Whether an 11-digit string is a valid Turkish national id (check digits 10 and 11)."""
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit() or digits[0] == "0":
        return False
    d = [int(c) for c in digits]
    tenth = (sum(d[0:9:2]) * 7 - sum(d[1:8:2])) % 10
    return d[9] == tenth and d[10] == sum(d[:10]) % 10


# ISO 13616 registry: country code -> IBAN length.
IBAN_LENGTHS = {
    country: int(length) for country, length in re.findall(r"([A-Z]{2})(\d\d)",
        "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 "
        "DK18 DO28 EE20 EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 "
        "IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 "
        "MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 "
        "SC31 SD18 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20")
}


def iban_valid(s: str) -> bool:
    """Whether ``s`` (spaces and dashes allowed, any case) is a valid IBAN (mod-97 check)."""
    iban = re.sub(r"[ -]", "", s).upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", iban):
        return False
    if len(iban) != IBAN_LENGTHS.get(iban[:2], len(iban)):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


