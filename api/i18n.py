"""Which language a person reads: the user's stored choice, else their browser's.

The web UI and the text the API renders for people (criterion explanations, flag
reasons, errors) come in Turkish and English. A user's ``language`` column holds their
choice; when it is empty the request's ``Accept-Language`` decides, and English is the
fallback for anything else.

    lang = reader_language(user.language, request.headers.get("accept-language"))
"""

from __future__ import annotations

from scoring.work.accounts import UI_LANGUAGES

DEFAULT_LANGUAGE = "en"


def browser_language(accept_language: str | None) -> str | None:
    """The first of :data:`UI_LANGUAGES` the browser asks for, by its q-values."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in UI_LANGUAGES and q > 0:
            ranked.append((-q, i, primary))
    return min(ranked)[2] if ranked else None


def reader_language(stored: str | None, accept_language: str | None) -> str:
    """The language to show a person: their stored choice, their browser's, else English."""
    if stored in UI_LANGUAGES:
        return stored
    return browser_language(accept_language) or DEFAULT_LANGUAGE
