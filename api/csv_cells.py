"""CSV cells a spreadsheet will not run: text from recordings' metadata (an agent's or a
team's name, a queue) could start with ``=``, ``+``, ``-``, ``@`` or a tab/CR and become a
formula in Excel or LibreOffice (OWASP "CSV injection"). Such text gets a leading ``'``;
numbers stay numbers, so a negative sentiment is still -0.4."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """``value`` as a CSV writer should get it: None empty, dangerous text quoted."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
