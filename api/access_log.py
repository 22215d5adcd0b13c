"""What the HTTP access log may keep: the method, the route and the status, not what a
person typed. Query values (search words, an erasure's reason, a customer's ref) become
``…`` and the customer ref in ``/customers/<ref>`` becomes ``[ref]``; the names of the
query parameters stay, so an operator still sees which filters a request used.

:func:`quiet_access_log` puts the filter on uvicorn's ``uvicorn.access`` logger; the app
factory calls it, so every ``callqa serve`` worker process has it.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, quote

_CUSTOMER = re.compile(r"(/customers/)[^/?]+")


def quiet_target(target: str) -> str:
    """``target`` (a path with its query string) with nothing a person typed in it."""
    path, _, query = target.partition("?")
    path = _CUSTOMER.sub(r"\1[ref]", path)
    if not query:
        return path
    names = [quote(name, safe="[]") for name, _ in parse_qsl(query, keep_blank_values=True)]
    return f"{path}?{'&'.join(f'{name}=…' for name in names)}" if names else path


class QuietAccessLog(logging.Filter):
    """Rewrites uvicorn's access record (client, method, target, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], quiet_target(args[2]), *args[3:])
        return True


def quiet_access_log() -> None:
    """Install :class:`QuietAccessLog` on ``uvicorn.access`` (once)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, QuietAccessLog) for f in logger.filters):
        logger.addFilter(QuietAccessLog())
