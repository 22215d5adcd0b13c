"""Turkish end to end (issue 11): accuracy, verdicts, cost and memory of the default setup.

``python -m benchmarks --suite turkish`` prints, in one run on one machine:

1. CER and WER of each model on the shipped samples (Turkish with ``base``; English with
   ``tiny.en`` and ``base`` side by side), through the real pipeline with the language
   from the sidecar, and on a real English phone call (pyannote's sample), the one that
   decides English's model: espeak-ng's voices favour ``base``, real speech does not;
2. the labelled synthetic Turkish set (:mod:`benchmarks.turkish_set`): its CER/WER and the
   shipped Turkish rubric's phrase criteria's precision and recall, on the ASR output and
   on the scripted text (:mod:`benchmarks.turkish_phrases`);
3. pipeline / bare faster-whisper with ``base`` on a Turkish stereo call, and the real-time
   factor on 1 and 2 threads;
4. the resident memory of one worker process holding both models.
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.audio import SAMPLES

_TR_LOWER = str.maketrans({"İ": "i", "I": "ı"})


def normalise(text: str) -> str:
    """Lower case (Turkish İ/I), no punctuation, one space: what CER/WER compare."""
    text = text.translate(_TR_LOWER).lower().replace("'", " ").replace("’", " ")
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _reference_text(name: str) -> str:
    ref = json.loads((SAMPLES / f"{name}.ref.json").read_text())
    return " ".join(t["text"] for t in sorted(ref["turns"], key=lambda t: t["start"]))


def sample_accuracy(models: dict[str, tuple[str, ...]], threads: int = 2) -> list[dict[str, Any]]:
    """CER/WER and RTF per (sample, model), the sample's language given by its sidecar."""
    import dataclasses

    import jiwer

    from pipeline.metadata import parse_metadata
    from pipeline.process import ProcessOptions, process_file
    from pipeline.transcribe import ModelOptions

    rows, warm = [], set()
    for name, names in models.items():
        sidecar = json.loads((SAMPLES / f"{name}.ogg.json").read_text())
        metadata = parse_metadata(sidecar, key=name)
        for model in names:
            options = ProcessOptions(model=ModelOptions(model=model, cpu_threads=threads))
            options = dataclasses.replace(
                options, language=dataclasses.replace(options.language, models=()))
            if model not in warm:  # the model loaded before anything is timed
                process_file(SAMPLES / f"{name}.ogg", metadata, options)
                warm.add(model)
            started = time.perf_counter()
            analysis = process_file(SAMPLES / f"{name}.ogg", metadata, options)
            seconds = time.perf_counter() - started
            transcript = analysis.transcript
            ordered = sorted(transcript.utterances, key=lambda u: u.start)
            hyp = normalise(" ".join(u.text for u in ordered))
            ref = normalise(_reference_text(name))
            rows.append({"sample": name, "language": metadata.language, "model":
                         transcript.asr_model, "audio_s": transcript.duration,
                         "seconds": seconds, "cer": jiwer.cer(ref, hyp),
                         "wer": jiwer.wer(ref, hyp)})
    return rows


def real_call_accuracy(threads: int = 2) -> list[dict[str, Any]]:
    """WER of tiny.en and base on a real English phone call (pyannote's sample, 30 s):
    synthetic voices favour base; real speech is what decides English's model."""
    import importlib.util

    import jiwer

    from pipeline.audio import load_audio
    from pipeline.transcribe import ModelOptions, TranscribeOptions, get_transcriber

    spec = importlib.util.find_spec("pyannote.audio")
    if spec is None or spec.origin is None:
        return []
    sample = Path(spec.origin).parent / "sample"
    rows = [line.split(maxsplit=5) for line in (sample / "sample.stm").read_text().splitlines()
            if line.strip()]
    ref = normalise(" ".join(r[5] for r in sorted(rows, key=lambda r: float(r[3]))))
    audio = load_audio(sample / "sample.wav")[0]
    out = []
    for model in ("bundled:tiny.en", "bundled:base"):
        transcriber = get_transcriber(ModelOptions(model=model, cpu_threads=threads))
        transcriber.transcribe(audio[:80_000], TranscribeOptions(language="en"))  # warm
        started = time.perf_counter()
        result = transcriber.transcribe(audio, TranscribeOptions(language="en"))
        seconds = time.perf_counter() - started
        hyp = normalise(" ".join(w.text for w in result.words).replace("-", " "))
        out.append({"sample": "pyannote sample.wav (real)", "language": "en",
                    "model": transcriber.name, "audio_s": audio.size / 16_000,
                    "seconds": seconds, "cer": jiwer.cer(ref, hyp), "wer": jiwer.wer(ref, hyp)})
    return out


def worker_rss() -> dict[str, float]:
    """Peak RSS of a fresh process that loads tiny.en and base and transcribes with both
    (a worker's ASR side after its first calls), and with tiny.en alone."""
    script = """
import json, sys
from pathlib import Path
from pipeline.audio import load_audio
from pipeline.transcribe import ModelOptions, TranscribeOptions, get_transcriber
models = sys.argv[2:]
audio = load_audio(Path(sys.argv[1]))[0]
for m in models:
    get_transcriber(ModelOptions(model=m, cpu_threads=2)).transcribe(audio, TranscribeOptions(
        language=None if m.endswith(".en") else "tr"))
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent through fork + exec.
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps(int(hwm.split()[1]) / 1024))
"""
    out = {}
    for label, models in (("tiny.en alone", ["bundled:tiny.en"]),
                          ("tiny.en + base", ["bundled:tiny.en", "bundled:base"])):
        audio = str(SAMPLES / "tr_fatura_stereo.ogg")
        done = subprocess.run([sys.executable, "-c", script, audio, *models], capture_output=True,
                              text=True, check=True)
        out[label] = float(done.stdout.strip().splitlines()[-1])
    return out


def run(workdir: Path, minutes: float = 5.0, repeats: int = 1, set_size: int = 40,
        threads: int = 2) -> dict[str, Any]:
    from benchmarks import pipeline_overhead, turkish_phrases

    results: dict[str, Any] = {}
    results["samples"] = sample_accuracy({
        "tr_fatura_stereo": ("bundled:base",),
        "tr_sikayet_mono": ("bundled:base",),
        "en_billing_stereo": ("bundled:tiny.en", "bundled:base"),
        "en_sales_outbound_stereo": ("bundled:tiny.en", "bundled:base"),
        "en_complaint_mono": ("bundled:tiny.en", "bundled:base"),
    }, threads=threads) + real_call_accuracy(threads)
    results["phrases"] = turkish_phrases.run(n=set_size, threads=threads)
    results["overhead"] = [
        pipeline_overhead.run(workdir / f"t{n}", minutes, repeats, name="tr_fatura_stereo",
                              threads=n) for n in (1, 2)]
    results["rss_mb"] = worker_rss()
    results["rss_self_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


def report(results: dict[str, Any]) -> None:
    from benchmarks import turkish_phrases

    print("\n== Turkish (issue 11): accuracy of each model on the shipped samples "
          "(pipeline, language from the sidecar)")
    print(f"{'sample':26} {'lang':4} {'model':8} {'audio s':>7} {'ASR s':>6} {'RTF':>6} "
          f"{'CER':>6} {'WER':>6}")
    for r in results["samples"]:
        print(f"{r['sample']:26} {r['language']:4} {r['model']:8} {r['audio_s']:7.1f} "
              f"{r['seconds']:6.1f} {r['seconds'] / r['audio_s']:6.3f} {r['cer']:6.1%} "
              f"{r['wer']:6.1%}")
    print("\n== the labelled synthetic Turkish set: ASR error rates and phrase verdicts")
    turkish_phrases.report(results["phrases"])
    print("\n== pipeline overhead with base on a Turkish stereo call (goal: ratio <= 1.15)")
    print(f"{'threads':>7} {'audio s':>8} {'bare s':>7} {'flow s':>7} {'ratio':>6} "
          f"{'RTF bare':>8} {'RTF flow':>8}")
    for r in results["overhead"]:
        print(f"{r['threads']:7d} {r['audio_s']:8.1f} {r['bare_s']:7.1f} {r['pipeline_s']:7.1f} "
              f"{r['ratio']:6.3f} {r['rtf_bare']:8.3f} {r['rtf_pipeline']:8.3f}")
    print("\n== resident memory of a worker's ASR (peak RSS, fresh process, after transcribing)")
    for label, mb in results["rss_mb"].items():
        print(f"{label:16} {mb:7.0f} MB")
    print(f"{'this benchmark':16} {results['rss_self_mb']:7.0f} MB (models, scoring, "
          "Prefect's API client)")
