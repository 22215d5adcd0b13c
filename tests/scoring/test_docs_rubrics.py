"""Docs contract: docs/rubrics.md shows every criterion type, every flag rule type and every
field of the schema, and every YAML example in it is a rubric that loads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scoring import load_rubric
from scoring.rubric_parse import FLAG_FIELDS, RUBRIC_FIELDS, SECTION_FIELDS
from scoring.rubric_parse_criteria import COMMON_FIELDS, TYPE_FIELDS, WHEN_FIELDS
from scoring.rubric_types import CRITERION_TYPES, FLAG_TYPES, METRICS

DOC = Path(__file__).resolve().parents[2] / "docs" / "rubrics.md"
TEXT = DOC.read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```yaml\n(.*?)^```", TEXT, flags=re.S | re.M)


def test_the_doc_has_yaml_examples() -> None:
    assert len(BLOCKS) >= len(CRITERION_TYPES) + 1


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_every_yaml_example_loads(tmp_path: Path, index: int) -> None:
    path = tmp_path / f"example_{index}.yaml"
    path.write_text(BLOCKS[index], encoding="utf-8")
    rubric = load_rubric(path)
    assert rubric.sections


def _loaded():  # type: ignore[no-untyped-def]
    from scoring import parse_rubric

    return [parse_rubric(block, f"docs/rubrics.md block {i}") for i, block in enumerate(BLOCKS)]


@pytest.mark.parametrize("ctype", CRITERION_TYPES)
def test_every_criterion_type_has_a_section_and_an_example(ctype: str) -> None:
    assert f"### `{ctype}`" in TEXT
    used = {c.type for r in _loaded() for _, c in r.criteria()}
    assert ctype in used, f"no YAML example in docs/rubrics.md uses type: {ctype}"


def test_every_flag_rule_type_has_an_example() -> None:
    rules = [r for block in BLOCKS if "flags:" in block
             for r in re.findall(r"^\s+type: (\w+)", block.split("flags:", 1)[1], flags=re.M)]
    assert set(FLAG_TYPES) <= set(rules)
    for ftype in FLAG_TYPES:
        assert f"| `{ftype}` |" in TEXT


def test_every_field_and_metric_is_documented() -> None:
    fields = {*RUBRIC_FIELDS, *SECTION_FIELDS, *COMMON_FIELDS, *WHEN_FIELDS,
              *(f for fs in TYPE_FIELDS.values() for f in fs),
              *(f for fs in FLAG_FIELDS.values() for f in fs), "defaults", "rules", "enabled"}
    missing = sorted(f for f in fields if f"`{f}`" not in TEXT)
    assert not missing, f"fields not documented in docs/rubrics.md: {missing}"
    undocumented = sorted(m for m in METRICS if f"`{m}`" not in TEXT)
    assert not undocumented, f"metrics not documented: {undocumented}"


def test_every_type_specific_field_appears_in_an_example() -> None:
    used = "\n".join(BLOCKS)
    for ctype, fields in TYPE_FIELDS.items():
        for f in fields:
            assert re.search(rf"\b{f}:", used), f"{ctype} field {f!r} has no example"
