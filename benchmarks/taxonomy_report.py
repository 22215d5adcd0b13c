"""What ``python -m benchmarks --suite taxonomy`` prints of a run of
:func:`benchmarks.taxonomy_accuracy.run`: per reason and per category, precision and recall
of the primary reason and of "any reason", overall accuracy, and ASR seconds beside
categorise seconds (80 columns)."""

from __future__ import annotations

import textwrap
from typing import Any

from benchmarks.taxonomy_accuracy import NONE

__all__ = ["report"]


def _pr(tp: int, predicted: int, labelled: int) -> tuple[str, str]:
    p = f"{tp / predicted:5.2f}" if predicted else "    -"
    r = f"{tp / labelled:5.2f}" if labelled else "    -"
    return p, r


def _line(code: str, shown: str, lang: str, rows: list[dict[str, Any]]) -> str:
    """One row: ``code``'s primary and any-reason precision and recall on ``rows``."""
    labelled = [r for r in rows if r["call"].label == code]
    pred = [r for r in rows if r["primary"] == code]
    tp = sum(r["call"].label == code for r in pred)
    p, r = _pr(tp, len(pred), len(labelled))
    if code == NONE:
        any_pred = [x for x in rows if not x["reasons"]]
    else:
        any_pred = [x for x in rows if code in x["reasons"]]
    any_tp = sum(x["call"].label == code for x in any_pred)
    ap, ar = _pr(any_tp, len(any_pred), len(labelled))
    return (f"{shown[:27]:27} {lang:3} {len(labelled):3d} {len(pred):4d} {tp:3d} {p} {r} "
            f"{len(any_pred):4d} {any_tp:3d} {ap} {ar}")


def _accuracy(rows: list[dict[str, Any]], key: str = "primary") -> str:
    if not rows:
        return "    -"
    return f"{sum(r[key] == r['call'].label for r in rows) / len(rows):5.1%}"


def _category(code: str) -> str:
    return code.split(".", 1)[0]


def _categories(rows: list[dict[str, Any]], codes: list[str]) -> None:
    """Per category (the primary reason's category against the label's), both languages."""
    cats = [*dict.fromkeys(_category(c) for c in codes), NONE]
    print(f"{'category (primary)':27} {'lng':3} {'n':>3} {'pred':>4} {'tp':>3} {'P':>5} "
          f"{'R':>5}")
    for cat in cats:
        for lang in ("tr", "en", "all"):
            part = [r for r in rows if lang == "all" or r["call"].lang == lang]
            labelled = sum(_category(r["call"].label) == cat for r in part)
            pred = [r for r in part if _category(r["primary"]) == cat]
            tp = sum(_category(r["call"].label) == cat for r in pred)
            p, rc = _pr(tp, len(pred), labelled)
            print(f"{cat if lang == 'tr' else '':27} {lang:3} {labelled:3d} {len(pred):4d} "
                  f"{tp:3d} {p} {rc}")


def report(results: dict[str, Any], show: bool = True) -> None:
    rows = results["rows"]
    langs = ("tr", "en")
    print(f"\n== contact reasons ({results['taxonomy']}, {results['hash']}), "
          f"{results.get('set', 'development')} set: {len(rows)} synthetic calls")
    print("ASR: process_file, base (tr) / tiny.en (en); categorise with DefaultModels")
    print("n: labelled; pred: found; tp: both. P precision, R recall; any: in reasons")
    print(f"{'reason':27} {'lng':3} {'n':>3} {'pred':>4} {'tp':>3} {'P':>5} {'R':>5} "
          f"{'any':>4} {'tp':>3} {'P':>5} {'R':>5}")
    print("-" * 79)
    for code in [*results["codes"], NONE]:
        for lang in langs:
            print(_line(code, code if lang == "tr" else "", lang,
                        [r for r in rows if r["call"].lang == lang]))
        print(_line(code, "", "all", rows))
    print("-" * 79)
    _categories(rows, results["codes"])
    print("-" * 79)
    for lang in (*langs, "all"):
        part = [r for r in rows if lang == "all" or r["call"].lang == lang]
        nones = [r for r in part if r["call"].label == NONE]
        hits = sum((r["call"].label in r["reasons"]) if r["call"].label != NONE
                   else not r["reasons"] for r in part)
        print(f"{lang:3} {len(part):2d} calls: primary accuracy {_accuracy(part)} (script text "
              f"{_accuracy(part, 'ref_primary')}), label in reasons {hits / len(part):5.1%}")
        print(f"{'':13}reasons per call {sum(len(r['reasons']) for r in part) / len(part):4.1f}"
              f", none-calls given a reason {sum(bool(r['reasons']) for r in nones)}/"
              f"{len(nones)}")
    print(f"\n{'time':8} {'calls':>5} {'audio s':>8} {'ASR s':>8} {'categ. s':>9} "
          f"{'categ./ASR':>10} {'ms/call':>8}")
    for lang in (*langs, "all"):
        part = [r for r in rows if lang == "all" or r["call"].lang == lang]
        asr = sum(r["asr_s"] for r in part)
        cat = sum(r["cat_s"] for r in part)
        print(f"{lang:8} {len(part):5d} {sum(r['audio_s'] for r in part):8.1f} {asr:8.1f} "
              f"{cat:9.2f} {cat / asr if asr else 0:10.2%} {1000 * cat / len(part):8.0f}")
    cached = sum(r["cached"] for r in rows)
    print(f"ASR s of the {cached} cached transcripts: from their first run; embedder load "
          f"{results['load_s']:.1f} s\n(not counted); audio rendered in "
          f"{results['render_s']:.0f} s")
    if show:
        print("\nprimary wrong (call -> primary; on the script text; all reasons; the "
              "customer\nas heard):")
        for r in rows:
            if r["primary"] != r["call"].label:
                print(f"  {r['name'][:40]:40} -> {r['primary']}")
                print(f"      script text: {r['ref_primary']}")
                print(textwrap.fill(f"reasons: {', '.join(r['reasons']) or '-'}", 79,
                                    initial_indent=" " * 6, subsequent_indent=" " * 15))
                print(f"      heard: {r['heard'][:66]}")
