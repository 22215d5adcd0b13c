"""What a reader can still see of a number after redaction: the check of issue 12.

An item leaks when 4 consecutive digits of it can be read in the redacted text, written as
numerals or spoken as number words (English, Turkish, Azerbaijani), across the spaces,
commas and dashes ASR puts between groups and across utterances of one call.

    >>> leaks("4111111111111111", ["kart [CARD] 1111"])
    True
    >>> leaks("4111111111111111", ["kart [CARD] 111", "teşekkürler"])
    False
    >>> leaks("4111111111111111", ["kart [CARD]", "bir, bir bir bir"])
    True
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.pii_numbers import atoms, runs

__all__ = ["leaks", "visible_digits"]


def visible_digits(text: str) -> list[str]:
    """The digit strings a reader can read in ``text``: one per run of numerals and words."""
    return ["".join(item.digits for item in run) for run in runs(atoms(text), [])]


def leaks(digits: str, texts: Sequence[str], window: int = 4) -> bool:
    """Whether any ``window`` consecutive digits of ``digits`` are readable in ``texts``."""
    pieces = {digits[i:i + window] for i in range(len(digits) - window + 1)}
    return any(piece in run for text in texts for run in visible_digits(text) for piece in pieces)
