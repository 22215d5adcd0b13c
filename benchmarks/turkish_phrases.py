"""Phrase verdicts on Turkish ASR output: precision and recall of the shipped rubric's
phrase criteria on the labelled synthetic set (:mod:`benchmarks.turkish_set`).

Each call is transcribed through the real pipeline (``pipeline.process.process_file``,
Whisper ``base``, language ``tr``), turned into the scoring :class:`CallView` as the flows
do (:func:`scoring.view.view_of_analysis`: redacted text), and every phrase criterion of
``inbound_service_tr`` is decided as the scorer does (applicability, then the criterion).
The same is done on the reference transcripts (the text as scripted, timed as placed), so
matching errors and ASR errors can be told apart.

*Positive* means the criterion found what it looks for: a pass, or for ``match: none``
criteria (``yasakli_ifade_yok``) a forbidden phrase, which fails the call. A call labelled
``na`` (no hold, so no hold announcement is due) counts only when the verdict is not N/A.

Transcripts are cached beside the audio (keyed by the audio, the model and the sources of
the transcription code), so re-running after a matcher change costs seconds, and a change
to ``pipeline/transcribe.py`` is picked up by itself.

    python -m benchmarks --suite turkish-phrases [--show]
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchmarks import turkish_set
from pipeline.metrics import compute_metrics
from pipeline.pii import find_pii, redact_utterances
from pipeline.types import Role, Utterance
from scoring.types import CallView

__all__ = ["base_model", "report", "run"]

_ROOT = Path(__file__).resolve().parents[1]
# The code whose change changes what the ASR writes: a cached transcript is stale then.
_ASR_SOURCES = ("pipeline/transcribe.py", "pipeline/process.py", "pipeline/vad.py",
                "pipeline/bundled.py", "pipeline/language.py",
                "pipeline/audio.py", "pipeline/diarize.py", "pipeline/roles.py",
                "pipeline/pii.py", "scoring/view.py")


def base_model() -> str:
    """The multilingual ``base``: bundled (``pipeline.bundled``) when callqa ships it, else
    ``$CALLQA_ASR_MODEL`` or an assembled copy in ``/tmp/base``."""
    try:
        from pipeline.bundled import BASE
    except ImportError:
        path = os.environ.get("CALLQA_ASR_MODEL") or "/tmp/base"
        if not Path(path).is_dir():
            raise SystemExit(f"no multilingual base model: {path} is not a folder; set "
                             "CALLQA_ASR_MODEL to a CTranslate2 base model folder") from None
        return path
    return BASE


def _fingerprint(wav: Path, model: str) -> str:
    h = hashlib.sha1(wav.read_bytes())
    h.update(model.encode())
    for rel in _ASR_SOURCES:
        path = _ROOT / rel
        if path.exists():
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def asr_view(wav: Path, model: str, threads: int = 2) -> tuple[CallView, float]:
    """The call's scoring view from the real pipeline, and the seconds transcription took
    (0 when it came from the cache)."""
    cache = wav.parent / "asr" / f"{wav.stem}.{_fingerprint(wav, model)}.pkl"
    if cache.exists():
        view: CallView = pickle.loads(cache.read_bytes())
        return view, 0.0
    from pipeline.metadata import parse_metadata
    from pipeline.process import ProcessOptions, process_file
    from pipeline.transcribe import ModelOptions, TranscribeOptions
    from scoring.view import view_of_analysis

    metadata = parse_metadata(json.loads(Path(f"{wav}.json").read_text()), key=wav.name)
    options = ProcessOptions(model=ModelOptions(model=model, cpu_threads=threads),
                             transcribe=TranscribeOptions(language="tr"))
    started = time.perf_counter()
    analysis = process_file(wav, metadata, options)
    seconds = time.perf_counter() - started
    view = view_of_analysis(analysis, metadata, wav.name)
    cache.parent.mkdir(exist_ok=True)
    cache.write_bytes(pickle.dumps(view))
    return view, seconds


def reference_view(wav: Path) -> CallView:
    """The call as scripted: each turn one utterance, its words spread over its time."""
    ref = json.loads(wav.with_name(wav.stem + ".ref.json").read_text(encoding="utf-8"))
    utts = tuple(
        Utterance(speaker=f"ch{t['channel']}", role=Role(t["role"]), start=t["start"],
                  end=t["end"], text=t["text"], channel=t["channel"])
        for t in sorted(ref["turns"], key=lambda t: t["start"]))
    pii = tuple(find_pii(utts))
    return CallView(key=wav.name, language="tr", direction="inbound", queue="fatura",
                    duration=ref["duration"], utterances=utts,
                    metrics=compute_metrics(utts, ref["duration"]),
                    redacted=tuple(redact_utterances(utts, list(pii))), pii=pii)


def verdicts(view: CallView, rubric: Any) -> dict[str, str]:
    """Criterion id -> pass / fail / na for the set's phrase criteria, as the scorer decides."""
    from scoring.criteria import evaluate
    from scoring.scorer import applicability

    out = {}
    for _, criterion in rubric.criteria():
        if criterion.id in turkish_set.CRITERIA:
            if applicability(criterion, view) is not None:
                out[criterion.id] = "na"
            else:
                out[criterion.id] = str(evaluate(criterion, view).verdict)
    return out


def _positive(criterion: Any, verdict: str) -> bool:
    return verdict == ("fail" if criterion.match == "none" else "pass")


def _label_positive(label: str) -> bool:
    return label in ("pass", "said")


def _norm(text: str) -> str:
    """Lower case (Turkish İ/I), punctuation dropped, letters kept as written: for CER/WER."""
    text = text.replace("İ", "i").replace("I", "ı").lower()
    text = "".join(ch if ch.isalnum() or ch.isspace() else " "
                   for ch in unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def _agent_text(view: CallView) -> str:
    return " ".join(u.text for u in view.utterances if u.role is Role.AGENT)


def run(n: int = 40, threads: int = 2, hook: Any = print) -> dict[str, Any]:
    """Render (if needed) and transcribe (if not cached) the set, then decide every phrase
    criterion on the ASR and the reference transcripts."""
    from scoring.rubric import load_rubric

    model = base_model()
    rubric = load_rubric(turkish_set.RUBRIC)
    started = time.perf_counter()
    built = turkish_set.build(turkish_set.calls(n))
    render_s = time.perf_counter() - started
    rows: list[dict[str, Any]] = []
    asr_s, audio_s = 0.0, 0.0
    for k, (call, wav) in enumerate(built, 1):
        ref = reference_view(wav)
        asr, seconds = asr_view(wav, model, threads)
        asr_s += seconds
        audio_s += ref.duration if seconds else 0.0
        rows.append({"call": call, "ref_view": ref, "asr_view": asr,
                     "ref": verdicts(ref, rubric), "asr": verdicts(asr, rubric)})
        if seconds:
            hook(f"  transcribed {k}/{len(built)} {call.name} ({ref.duration:.0f} s audio "
                 f"in {seconds:.1f} s)")
    kinds = {c.id: c for _, c in rubric.criteria() if c.id in turkish_set.CRITERIA}
    return {"rows": rows, "criteria": kinds, "model": model, "render_s": render_s,
            "asr_s": asr_s, "asr_audio_s": audio_s,
            "audio_s": sum(r["ref_view"].duration for r in rows)}


def confusion(results: dict[str, Any], source: str) -> dict[str, dict[str, int]]:
    """Per criterion: tp, fp, fn, tn, and na_wrong (N/A disagreements) on ``source``."""
    table: dict[str, dict[str, int]] = {
        cid: {"tp": 0, "fp": 0, "fn": 0, "tn": 0, "na_wrong": 0}
        for cid in turkish_set.CRITERIA}
    for row in results["rows"]:
        for cid, label in row["call"].labels.items():
            got = row[source][cid]
            cell = table[cid]
            if (label == "na") != (got == "na"):
                cell["na_wrong"] += 1
                continue
            if label == "na":
                continue
            said = _label_positive(label)
            found = _positive(results["criteria"][cid], got)
            cell[{(True, True): "tp", (False, True): "fp", (True, False): "fn",
                  (False, False): "tn"}[(said, found)]] += 1
    return table


def _ratio(a: int, b: int) -> str:
    return f"{a / b:6.3f}" if b else "     -"


def _print_table(table: dict[str, dict[str, int]], title: str) -> None:
    print(f"\n{title}")
    print(f"{'criterion':24} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4} {'N/A≠':>5} "
          f"{'precision':>9} {'recall':>7}")
    total = {"tp": 0, "fp": 0, "fn": 0, "tn": 0, "na_wrong": 0}
    for cid, c in table.items():
        for k in total:
            total[k] += c[k]
        print(f"{cid:24} {c['tp']:4d} {c['fp']:4d} {c['fn']:4d} {c['tn']:4d} "
              f"{c['na_wrong']:5d} {_ratio(c['tp'], c['tp'] + c['fp']):>9} "
              f"{_ratio(c['tp'], c['tp'] + c['fn']):>7}")
    t = total
    print(f"{'total':24} {t['tp']:4d} {t['fp']:4d} {t['fn']:4d} {t['tn']:4d} "
          f"{t['na_wrong']:5d} {_ratio(t['tp'], t['tp'] + t['fp']):>9} "
          f"{_ratio(t['tp'], t['tp'] + t['fn']):>7}")


def error_rates(results: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Agent-side CER and WER (ASR vs script) per agent voice and per speed."""
    import jiwer

    groups: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for row in results["rows"]:
        call = row["call"]
        ref, hyp = _norm(_agent_text(row["ref_view"])), _norm(_agent_text(row["asr_view"]))
        for key in (f"voice {call.voice}", f"speed {call.speed}", "all"):
            groups[key][0].append(ref)
            groups[key][1].append(hyp)
    return {key: {"calls": len(refs), "cer": jiwer.cer(refs, hyps),
                  "wer": jiwer.wer(refs, hyps)} for key, (refs, hyps) in groups.items()}


def report(results: dict[str, Any], show: bool = False) -> None:
    rows = results["rows"]
    print(f"\n== Turkish phrase verdicts ({turkish_set.RUBRIC}; {len(rows)} calls, "
          f"{results['audio_s'] / 60:.1f} min of audio, ASR {results['model']})")
    if results["asr_s"]:
        print(f"rendered in {results['render_s']:.0f} s; transcribed "
              f"{results['asr_audio_s']:.0f} s of audio in {results['asr_s']:.0f} s "
              f"(RTF {results['asr_s'] / results['asr_audio_s']:.2f})")
    print("positive: the criterion found what it looks for (pass; for match: none, the "
          "forbidden phrase); N/A≠: N/A in the label or the verdict but not both")
    _print_table(confusion(results, "ref"), "on the reference transcripts (matching alone)")
    _print_table(confusion(results, "asr"), "on base's transcripts (ASR + matching)")
    print(f"\nagent speech, ASR vs script{'':14} {'calls':>5} {'CER':>6} {'WER':>6}")
    for key, r in sorted(error_rates(results).items()):
        print(f"  {key:38} {r['calls']:5d} {r['cer']:6.3f} {r['wer']:6.3f}")
    print("\nwrong verdicts on base's transcripts (label -> verdict):")
    for row in rows:
        call = row["call"]
        for cid, label in call.labels.items():
            got = row["asr"][cid]
            if _label_positive(label) != _positive(results["criteria"][cid], got) or (
                    (label == "na") != (got == "na")):
                print(f"  {call.name} {cid}: {label} -> {got}   "
                      f"[ref: {row['ref'][cid]}]")
        if show:
            for u in row["asr_view"].utterances:
                if u.role is Role.AGENT:
                    print(f"      asr agent {u.start:6.1f}: {u.text}")
