"""Typed reading of a YAML document that knows the line of every value.

:func:`read_yaml` composes the document with PyYAML (``yaml.compose``: nodes carry their
``start_mark``), records the line of every key path (``("sections", 0, "criteria", 2,
"points")``) and notes duplicate keys, which PyYAML would otherwise silently overwrite
(:class:`Fields` refuses them, naming the criterion; :meth:`Doc.check_duplicates` any
left).
:class:`Fields` wraps one mapping of the document: it refuses unknown keys (with a
"did you mean" suggestion) and reads each field with its type and range checked; every
failure is a :class:`~pipeline.errors.RubricError` with the file, the line and the
criterion id.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any, NoReturn

import yaml

from pipeline.errors import RubricError
from scoring.rubric_types import TITLE_LANGUAGES

__all__ = ["Doc", "Fields", "KeyPath", "named_file", "read_yaml"]

KeyPath = tuple[str | int, ...]
_MISSING: Any = object()


class Doc:
    """The file being read: its name and the line (1-based) of every key path."""

    def __init__(self, source: str, lines: dict[KeyPath, int]) -> None:
        self.source = source
        self.lines = lines
        self.duplicates: dict[KeyPath, int] = {}  # a key given twice in one mapping: line

    def check_duplicates(self) -> None:
        """Refuse the first duplicate key not already reported by a :class:`Fields`."""
        for path, line in self.duplicates.items():
            raise RubricError(f"duplicate key {path[-1]!r}", path=self.source, line=line)

    def line(self, path: KeyPath) -> int:
        """The line of ``path``, or of its closest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def fail(self, message: str, path: KeyPath, criterion: str | None = None,
             hint: str = "") -> NoReturn:
        raise RubricError(message, path=self.source, line=self.line(path),
                          criterion=criterion, hint=hint)


def named_file(path_or_name: str | Path, folder: Path) -> Path | None:
    """A YAML file by path, or one shipped in ``folder`` by bare name (``"x"`` is
    ``folder/x.yaml``); None when neither exists (rubrics and taxonomies alike)."""
    path = Path(path_or_name)
    if path.is_file():
        return path
    shipped = folder / f"{path_or_name}.yaml"
    if isinstance(path_or_name, str) and "/" not in path_or_name and shipped.is_file():
        return shipped
    return None


def read_yaml(text: str, source: str) -> tuple[Any, Doc]:
    """The document's data and its :class:`Doc`; YAML errors become RubricError with a line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        if root is None:
            raise RubricError("the file is empty", path=source, line=1)
        lines: dict[KeyPath, int] = {(): root.start_mark.line + 1}
        doc = Doc(source, lines)
        _index(root, (), doc)
        loader = yaml.SafeLoader("")
        try:
            data = loader.construct_document(root)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "syntax error"
        raise RubricError(f"invalid YAML: {problem}", path=source,
                          line=mark.line + 1 if mark else None,
                          hint="Check the indentation and quoting on this line or the one "
                               "before it.") from exc
    except yaml.YAMLError as exc:
        raise RubricError(f"invalid YAML: {exc}", path=source) from exc
    return data, doc


def _index(node: yaml.Node, path: KeyPath, doc: Doc) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key == "<<":  # a merge key: its keys get their parent's line
                _index(value_node, path, doc)
                continue
            if key in seen:
                doc.duplicates.setdefault((*path, key), key_node.start_mark.line + 1)
                continue
            seen.add(key)
            doc.lines[(*path, key)] = key_node.start_mark.line + 1
            _index(value_node, (*path, key), doc)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            doc.lines[(*path, i)] = item.start_mark.line + 1
            _index(item, (*path, i), doc)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Fields:
    """One mapping of the document, read field by field."""

    def __init__(self, doc: Doc, data: Any, path: KeyPath, what: str,
                 criterion: str | None = None, check_duplicates: bool = True) -> None:
        if not isinstance(data, dict):
            doc.fail(f"{what} must be a mapping of 'key: value' lines, got {_kind(data)}",
                     path, criterion)
        self.doc, self.data, self.path, self.what, self.criterion = (
            doc, data, path, what, criterion)
        for dup, line in doc.duplicates.items():
            if check_duplicates and dup[:-1] == path:
                raise RubricError(f"duplicate key {dup[-1]!r}", path=doc.source, line=line,
                                  criterion=criterion)

    def fail(self, message: str, key: str | int | None = None, hint: str = "") -> NoReturn:
        path = self.path if key is None else (*self.path, key)
        self.doc.fail(message, path, self.criterion, hint)

    def check_keys(self, allowed: Collection[str], elsewhere: dict[str, str] | None = None) -> None:
        """Refuse keys not in ``allowed``; ``elsewhere`` maps a key to where it belongs."""
        for key in self.data:
            if key in allowed:
                continue
            name = str(key)
            if elsewhere and name in elsewhere:
                self.fail(f"field {name!r} is not used in {self.what} "
                          f"(it belongs to {elsewhere[name]})", name)
            hint = "" if suggest(name, allowed) else f"Known fields: {', '.join(sorted(allowed))}."
            self.fail(f"unknown field {name!r}{suggest(name, allowed)}", name, hint)

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            self.fail(f"field {key!r} is required in {self.what}", None)
        return default

    def string(self, key: str, default: Any = _MISSING,
               choices: Collection[str] | None = None) -> Any:
        value = self.raw(key, default)
        if value is default and key not in self.data:
            return value
        if not isinstance(value, str):
            hint = f'Quote it: {key}: "{value}".' if isinstance(value, int | float) else ""
            self.fail(f"{key!r} must be a string, got {_kind(value)}", key, hint)
        if not value.strip():
            self.fail(f"{key!r} must not be empty", key)
        if choices is not None and value not in choices:
            self.fail(f"{key!r} must be one of {', '.join(choices)}; got {value!r}"
                      f"{suggest(value, choices)}", key)
        return value

    def text(self, key: str, default: Any = _MISSING, *, language: str = "",
             languages: Collection[str] = TITLE_LANGUAGES
             ) -> tuple[Any, tuple[tuple[str, str], ...]]:
        """A text a person reads (a title): one string in the rubric's ``language``, or a
        mapping of language code to string (``{tr: Açılış, en: Opening}``). Returns the
        text in ``language`` (else English, else the first given) and every language's,
        ``language``'s first."""
        value = self.raw(key, default)
        if key not in self.data:
            return value, ()
        if not isinstance(value, dict):
            text = self.string(key, default)
            return text, ((language, text),) if language else ()
        if not value:
            self.fail(f"{key!r} must not be an empty mapping: give the text per language, "
                      f"e.g. {key}: {{tr: Açılış, en: Opening}}", key)
        pairs: list[tuple[str, str]] = []
        for lang, text in value.items():
            where = (*self.path, key, str(lang))
            if not isinstance(lang, str) or lang not in languages:
                self.doc.fail(f"{key!r}: unknown language {str(lang)!r}"
                              f"{suggest(str(lang), languages)}", where, self.criterion,
                              hint=f"Give the {key} per language with the codes "
                                   f"{', '.join(languages)}.")
            if not isinstance(text, str) or not text.strip():
                self.doc.fail(f"{key!r} in {lang!r} must be a non-empty string, got "
                              f"{_kind(text)}", where, self.criterion)
            pairs.append((lang, text))
        given = dict(pairs)
        primary = given.get(language) or given.get("en") or pairs[0][1]
        return primary, tuple(sorted(pairs, key=lambda p: p[0] != language))

    def number(self, key: str, default: Any = _MISSING, *, gt: float | None = None,
               ge: float | None = None, le: float | None = None) -> Any:
        value = self.raw(key, default)
        if value is default and key not in self.data:
            return value
        if (isinstance(value, bool) or not isinstance(value, int | float)
                or not math.isfinite(value)):
            self.fail(f"{key!r} must be a number, got {_kind(value)}", key)
        if gt is not None and not value > gt:
            self.fail(f"{key!r} must be greater than {gt:g}, got {value:g}", key)
        if ge is not None and not value >= ge:
            self.fail(f"{key!r} must be at least {ge:g}, got {value:g}", key)
        if le is not None and not value <= le:
            self.fail(f"{key!r} must be at most {le:g}, got {value:g}", key)
        return float(value)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            self.fail(f"{key!r} must be true or false, got {_kind(value)}", key)
        return value

    def strings(self, key: str, default: Any = _MISSING, *, single: bool = True,
                choices: Collection[str] | None = None) -> Any:
        """A non-empty list of non-empty strings (or one string, when ``single``)."""
        value = self.raw(key, default)
        if value is default and key not in self.data:
            return value
        if single and isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.fail(f"{key!r} must be a list of strings, got {_kind(value)}", key)
        if not value:
            self.fail(f"{key!r} must not be an empty list", key)
        for i, item in enumerate(value):
            self.check_string_item(key, i, item, choices)
        return tuple(value)

    def check_string_item(self, key: str, i: int, item: Any,
                          choices: Collection[str] | None = None,
                          path: KeyPath | None = None) -> None:
        where = (*self.path, key, i) if path is None else path
        if not isinstance(item, str):
            hint = ("Quote it: YAML reads unquoted yes, no, on, off, true and false as "
                    "booleans." if isinstance(item, bool) else
                    f'Quote it: "{item}".' if isinstance(item, int | float) else "")
            self.doc.fail(f"{key!r} item {i + 1} must be a string, got {_kind(item)}", where,
                          self.criterion, hint)
        if not item.strip():
            self.doc.fail(f"{key!r} item {i + 1} is empty", where, self.criterion)
        if choices is not None and item not in choices:
            self.doc.fail(f"{key!r} item {i + 1} must be one of {', '.join(choices)}; got "
                          f"{item!r}{suggest(item, choices)}", where, self.criterion)

    def sub(self, key: str, what: str) -> Fields | None:
        if key not in self.data:
            return None
        return Fields(self.doc, self.data[key], (*self.path, key), what, self.criterion)
