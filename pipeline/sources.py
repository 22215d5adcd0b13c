"""Where a model comes from: a hub id (``org/name``, or a bare size name) or a local path."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["looks_like_path"]


def looks_like_path(source: str | Path) -> bool:
    """True when ``source`` names a local directory rather than a hub id: it starts like a
    path (``/``, ``.``, ``~``, ``C:``), is absolute, or has more than one ``/``."""
    if isinstance(source, Path):
        return True
    s = str(source)
    return (
        s.startswith((".", "/", "~", "\\"))
        or os.path.isabs(s)
        or s.count("/") > 1
        or (len(s) > 1 and s[1] == ":")  # C:\models\x
    )
