"""Run every benchmark and print what it measured: ``python -m benchmarks [--minutes 5]``.

Runs in a throw-away CALLQA_HOME with the embedded default (SQLite, local store, Prefect's
ephemeral API, the bundled tiny.en model on 2 CPU threads).
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--minutes", type=float, default=5.0, help="call length (5)")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each, best kept (2)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="callqa-bench-") as tmp:
        os.environ["CALLQA_HOME"] = str(Path(tmp) / "home")
        os.environ.setdefault("PREFECT_HOME", str(Path(tmp) / "prefect"))
        os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        from benchmarks import pipeline_overhead, scoring_cost

        print(f"callqa benchmarks on {platform.machine()}, {os.cpu_count()} cores, "
              f"{args.minutes:g}-minute stereo call, best of {args.repeats}")
        r = pipeline_overhead.run(Path(tmp), args.minutes, args.repeats)
        print("\n== pipeline overhead (issue 2; goal: ratio <= 1.15)")
        print(f"audio                      {r['audio_s']:8.1f} s")
        print(f"bare faster-whisper        {r['bare_s']:8.1f} s   RTF {r['rtf_bare']:.3f}")
        print(f"process_recording flow     {r['pipeline_s']:8.1f} s   RTF {r['rtf_pipeline']:.3f}")
        print(f"ratio pipeline / bare      {r['ratio']:8.3f}")

        s = scoring_cost.run(extra=[r["path"]], repeats=args.repeats)
        print("\n== scoring cost (issue 3; goal: scoring <= 5% of transcription)")
        print("scoring models: loaded once per worker, kept warm (the flow runs above loaded "
              f"them; {s['load_s']:.1f} s more here)")
        print(f"{'call':34} {'audio s':>8} {'turns':>6} {'ASR s':>7} {'score s':>8} {'share':>7}")
        for row in s["rows"]:
            print(f"{row['call'][:34]:34} {row['audio_s']:8.1f} {row['utterances']:6d} "
                  f"{row['asr_s']:7.2f} {row['score_s']:8.3f} {row['share']:7.1%}")


if __name__ == "__main__":
    main()
