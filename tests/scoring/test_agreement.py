"""Percent agreement and Cohen's kappa against textbook values computed by hand."""

from __future__ import annotations

import pytest

from scoring.work.agreement import cohens_kappa, figures, percent_agreement


def _pairs(counts: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    return [pair for pair, n in counts.items() for _ in range(n)]


def test_the_wikipedia_example_gives_kappa_0_4() -> None:
    # 50 items: both yes 20, both no 15, yes/no 5, no/yes 10; po 0.7, pe 0.5
    pairs = _pairs({("pass", "pass"): 20, ("pass", "fail"): 5, ("fail", "pass"): 10,
                    ("fail", "fail"): 15})
    assert percent_agreement(pairs) == pytest.approx(70.0)
    assert cohens_kappa(pairs) == pytest.approx(0.4)


def test_unbalanced_marginals_lower_kappa() -> None:
    # both yes 45, both no 15, yes/no 15, no/yes 25; po 0.6, pe 0.6*0.7 + 0.4*0.3 = 0.54
    pairs = _pairs({("pass", "pass"): 45, ("pass", "fail"): 15, ("fail", "pass"): 25,
                    ("fail", "fail"): 15})
    assert percent_agreement(pairs) == pytest.approx(60.0)
    assert cohens_kappa(pairs) == pytest.approx(0.06 / 0.46)


def test_three_labels() -> None:
    # po 3/4; first pass 1/2 fail 1/4 na 1/4, second pass 1/4 fail 1/2 na 1/4;
    # pe = 1/8 + 1/8 + 1/16 = 5/16; kappa = (3/4 - 5/16) / (11/16) = 7/11
    pairs = [("pass", "pass"), ("pass", "fail"), ("fail", "fail"), ("na", "na")]
    assert percent_agreement(pairs) == pytest.approx(75.0)
    assert cohens_kappa(pairs) == pytest.approx(7 / 11)
    assert figures(pairs).kappa == 0.636 and figures(pairs).n == 4


def test_worse_than_chance_is_negative_and_total_disagreement_is_minus_one() -> None:
    assert cohens_kappa([("pass", "fail"), ("fail", "pass")]) == pytest.approx(-1.0)
    assert percent_agreement([("pass", "fail"), ("fail", "pass")]) == 0.0


def test_kappa_is_undefined_when_chance_agreement_is_one() -> None:
    same = [("pass", "pass")] * 5
    assert percent_agreement(same) == 100.0
    assert cohens_kappa(same) is None
    assert figures(same).kappa is None


def test_no_pairs_give_no_figures() -> None:
    assert percent_agreement([]) is None and cohens_kappa([]) is None
    assert figures([]).n == 0 and figures([]).percent is None


def test_a_kappa_just_below_zero_reads_zero() -> None:
    # (pass,pass) (pass,pass) (fail,pass): po 2/3, pe 2/3 -> 0, never "-0"
    kappa = figures([("pass", "pass"), ("pass", "pass"), ("fail", "pass")]).kappa
    assert kappa == 0.0 and str(kappa) == "0.0"
