"""Titles per language: a title (and a flag rule's description) is one string in the
rubric's language or a mapping of language to text; a bad mapping is refused with its line."""

from __future__ import annotations

import pytest

from pipeline.errors import RubricError
from scoring import builtin_rubrics, parse_rubric
from scoring.titles import rubric_titles

RUBRIC = """\
name: titles
version: "1"
language: tr
sections:
  - id: acilis
    title:
      tr: Açılış
      en: Opening
    criteria:
      - id: karsilama
        title:
          en: Greeting
          tr: Karşılama
        type: phrase
        points: 10
        phrases: [hoş geldiniz]
      - id: kapanis
        title: Nazik kapanış
        type: phrase
        points: 5
        phrases: [iyi günler]
flags:
  rules:
    - code: low_score
      type: score_below
      threshold: 70
      description: {tr: Düşük puan, en: Low score}
"""


def test_titles_in_each_language_with_the_rubric_language_first() -> None:
    r = parse_rubric(RUBRIC, "titles.yaml")
    section = r.sections[0]
    greeting, closing = section.criteria
    assert (section.title, section.title_in("en"), section.title_in("az")) == (
        "Açılış", "Opening", "Açılış")
    assert greeting.title == "Karşılama" and greeting.titles[0] == ("tr", "Karşılama")
    assert greeting.title_in("en") == "Greeting"
    assert closing.titles == (("tr", "Nazik kapanış"),)
    assert closing.title_in("en") == "Nazik kapanış"  # only one language given: that one
    low = next(f for f in r.flags if f.code == "low_score")
    assert low.description == "Düşük puan" and low.description_text() == {
        "tr": "Düşük puan", "en": "Low score"}


@pytest.mark.parametrize(("old", "new", "line", "says"), [
    ("          en: Greeting\n", "          de: Begrüßung\n", 12, "unknown language 'de'"),
    ("      en: Opening\n", "      english: Opening\n", 8, "unknown language 'english'"),
    ("          en: Greeting\n", "          en: ''\n", 12, "'title' in 'en' must be a non-empty"),
    ("          en: Greeting\n", "          en: [Greeting]\n", 12, "must be a non-empty string"),
    ("description: {tr: Düşük puan, en: Low score}", "description: {}", 27, "empty mapping"),
])
def test_a_bad_title_mapping_is_refused_with_its_line(old: str, new: str, line: int,
                                                      says: str) -> None:
    assert old in RUBRIC
    with pytest.raises(RubricError) as err:
        parse_rubric(RUBRIC.replace(old, new), "titles.yaml")
    assert str(err.value).startswith(f"titles.yaml:{line}:"), str(err.value)
    assert says in str(err.value)


def test_every_shipped_title_is_given_in_turkish_and_english() -> None:
    for rubric in builtin_rubrics():
        if rubric.language not in ("tr", "en"):
            continue
        for section in rubric.sections:
            for named in (section, *section.criteria):
                given = dict(named.titles)
                assert set(given) >= {"tr", "en"}, (rubric.name, named)
                assert named.titles[0][0] == rubric.language
                assert given["tr"] != given["en"] or given["tr"] in ("IBAN",)


def test_a_stored_rubric_is_parsed_once_and_an_unreadable_one_gives_no_titles() -> None:
    first = rubric_titles("h1", RUBRIC)
    assert rubric_titles("h1", RUBRIC) is first
    assert first.criterion("karsilama", "en") == "Greeting"
    assert first.criterion("gone", "tr") == "gone"  # a criterion the rubric no longer has
    assert first.section("acilis", "en") == "Opening"
    broken = rubric_titles("h2", "name: [")
    assert broken.criterion("karsilama", "tr") == "karsilama"
    assert broken.section("acilis", "tr", "Stored title") == "Stored title"
