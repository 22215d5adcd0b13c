#!/usr/bin/env python3
"""Synthesise two-party contact-centre calls from JSON call scripts (espeak-ng + sox + ffmpeg).

Each ``scripts/calls/<name>.json`` is one call::

    {"layout": "stereo" | "mono",
     "voices": {"agent":    {"voice": "en-us+f3", "speed": 165, "pitch": 60, "level": 0.55},
                "customer": {"voice": "en-gb+m3", "speed": 150, "pitch": 35, "level": 0.45}},
     "metadata": {"agent_id": ..., "agent_name": ..., "team": ..., "queue": ...,
                  "direction": "inbound" | "outbound", "started_at": "2026-11-24T09:30:00+03:00",
                  "customer_ref": ..., "language": "en" | "tr",
                  "channels": {"0": "agent", "1": "customer"}},          # stereo only
     "silence_after": {"turn": 4, "seconds": 12},                          # optional, or a list
     "turns": [{"role": "agent" | "customer", "text": "...",
                "say": "...",            # optional: what espeak-ng speaks, if not ``text``
                "voice": {"speed": 130}, # optional: this turn's changes to the role's voice
                "pause_before": 0.4,     # gap after the latest end so far (default 0.4 s)
                "overlap": 1.0}, ...]}   # optional: start this long before that end instead

Every turn is spoken by espeak-ng at the voice's native rate, resampled to 16 kHz by sox,
trimmed of espeak's leading/trailing silence, scaled to the voice's peak ``level`` and placed
on a timeline (``silence_after`` turn indices are 0-based). Stereo puts each role on its
channel from ``metadata.channels`` and leaves the other channel silent, as a call recorder
does; mono mixes both. Seeded white noise (about -54 dBFS, seed from the call's name) keeps
silence from being digital zero, so the same script always gives the same audio.

For each call three files are written to ``--out``:

- ``<name>.<fmt>``: the recording, 16 kHz, 16-bit (wav/flac) or Ogg Vorbis;
- ``<name>.<fmt>.json``: the sidecar, ``metadata`` verbatim (what ingest reads);
- ``<name>.ref.json``: the reference, ``{"duration", "sample_rate", "layout", "language",
  "channels", "turns": [{"role", "start", "end", "text"}]}`` with the exact placed times.

Usage::

    python scripts/synth_calls.py --out pipeline/samples --format ogg
    python scripts/synth_calls.py --out /tmp/calls --only en_billing_stereo --format wav
"""

from __future__ import annotations

import argparse
import array
import json
import random
import shutil
import subprocess
import sys
import tempfile
import wave
import zlib
from pathlib import Path

RATE = 16000
HERE = Path(__file__).resolve().parent
FORMATS = ("wav", "flac", "ogg")
ROLES = ("agent", "customer")
DEFAULT_PAUSE = 0.4
LEAD_IN = 0.5  # seconds of line noise before the first word
TAIL = 0.6  # and after the last
NOISE = 0.002  # peak of the uniform white noise, fraction of full scale
TRIM = 0.005  # espeak padding below this fraction of the turn's peak is cut,
PAD = 0.02  # keeping this many seconds around the first and last sound
VOICE_DEFAULTS = {"speed": 160, "pitch": 50, "level": 0.5}


def fail(msg: str) -> None:
    sys.exit(f"synth_calls: {msg}")


def check_tools(fmt: str) -> None:
    need = ["espeak-ng", "sox"] + (["ffmpeg"] if fmt != "wav" else [])
    missing = [t for t in need if shutil.which(t) is None]
    if missing:
        fail(f"missing tools: {' '.join(missing)} (apt-get install espeak-ng sox ffmpeg)")


def load_script(path: Path) -> dict:
    try:
        script = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        fail(f"{path}: {exc}")
    where = path.name
    layout = script.get("layout")
    if layout not in ("stereo", "mono"):
        fail(f"{where}: layout must be 'stereo' or 'mono', got {layout!r}")
    voices = script.get("voices") or {}
    for role in ROLES:
        if not isinstance(voices.get(role), dict) or not voices[role].get("voice"):
            fail(f"{where}: voices.{role}.voice (an espeak-ng voice) is required")
    turns = script.get("turns")
    if not turns:
        fail(f"{where}: no turns")
    for i, turn in enumerate(turns):
        if turn.get("role") not in ROLES or not str(turn.get("text", "")).strip():
            fail(f"{where}: turn {i} needs a role (agent/customer) and text")
    if layout == "stereo":
        channels = (script.get("metadata") or {}).get("channels") or {}
        if sorted(channels.values()) != sorted(ROLES) or sorted(channels) != ["0", "1"]:
            fail(f'{where}: stereo needs metadata.channels like {{"0": "agent", "1": "customer"}}')
    return script


def speak(text: str, voice: dict, tmp: Path) -> list[float]:
    """One turn as 16 kHz float samples, trimmed and scaled to the voice's level."""
    v = {**VOICE_DEFAULTS, **voice}
    wav = tmp / "turn.wav"
    subprocess.run(
        ["espeak-ng", "-b", "1", "--stdin", "-v", v["voice"], "-s", str(v["speed"]),
         "-p", str(v["pitch"]), "-w", str(wav)],
        input=text.encode("utf-8"), check=True, capture_output=True)
    raw = subprocess.run(
        ["sox", "-R", "-D", "-q", str(wav), "-t", "raw", "-e", "signed-integer", "-b", "16",
         "-c", "1", "-r", str(RATE), "-"], check=True, capture_output=True).stdout
    pcm = array.array("h", raw)
    if sys.byteorder == "big":
        pcm.byteswap()
    peak = max((abs(s) for s in pcm), default=0)
    if peak < 100:
        fail(f"espeak-ng produced no speech for {text[:40]!r} (voice {v['voice']})")
    loud = [i for i, s in enumerate(pcm) if abs(s) > TRIM * peak]
    pad = round(PAD * RATE)
    gain = float(v["level"]) / peak
    return [s * gain for s in pcm[max(0, loud[0] - pad):loud[-1] + 1 + pad]]


def gaps(script: dict) -> dict[int, float]:
    """Turn index -> dead air after it, from ``silence_after`` (a dict or a list of them)."""
    spec = script.get("silence_after") or []
    specs = [spec] if isinstance(spec, dict) else spec
    return {int(s["turn"]): float(s["seconds"]) for s in specs}


def render(name: str, script: dict, tmp: Path) -> tuple[list[array.array], dict]:
    """The call's channels (float arrays) and its reference transcript."""
    meta = script.get("metadata") or {}
    if script["layout"] == "stereo":
        chan_of = {role: int(ch) for ch, role in meta["channels"].items()}
        nch = 2
    else:
        chan_of, nch = {"agent": 0, "customer": 0}, 1
    dead_air = gaps(script)
    placed = []  # (turn, start sample, samples)
    end = 0  # latest end so far, in samples
    for i, turn in enumerate(script["turns"]):
        voice = {**script["voices"][turn["role"]], **(turn.get("voice") or {})}
        audio = speak(turn.get("say") or turn["text"], voice, tmp)
        if i == 0:
            start = round(LEAD_IN * RATE)
        elif turn.get("overlap"):
            start = max(0, end - round(float(turn["overlap"]) * RATE))
        else:
            pause = dead_air.get(i - 1, float(turn.get("pause_before", DEFAULT_PAUSE)))
            start = end + round(pause * RATE)
        placed.append((turn, start, audio))
        end = max(end, start + len(audio))
    total = end + round(TAIL * RATE)
    channels = [array.array("d", bytes(8 * total)) for _ in range(nch)]
    rng = random.Random(zlib.crc32(name.encode("utf-8")))
    for ch in channels:
        for k in range(total):
            ch[k] = rng.uniform(-NOISE, NOISE)
    ref_turns = []
    for turn, start, audio in placed:
        ch = channels[chan_of[turn["role"]]]
        for k, s in enumerate(audio, start):
            ch[k] += s
        ref = {"role": turn["role"], "start": round(start / RATE, 4),
               "end": round((start + len(audio)) / RATE, 4), "text": turn["text"]}
        if nch == 2:
            ref["channel"] = chan_of[turn["role"]]
        ref_turns.append(ref)
    reference = {
        "name": name, "layout": script["layout"], "language": meta.get("language"),
        "sample_rate": RATE, "duration": round(total / RATE, 4),
        "channels": meta.get("channels"), "turns": ref_turns,
    }
    return channels, reference


def write_wav(path: Path, channels: list[array.array]) -> None:
    nch, n = len(channels), len(channels[0])
    frames = array.array("h", bytes(2 * n * nch))
    for c, ch in enumerate(channels):
        frames[c::nch] = array.array("h", (int(max(-1.0, min(1.0, x)) * 32767) for x in ch))
    if sys.byteorder == "big":
        frames.byteswap()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(nch)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(frames.tobytes())


def encode(wav: Path, out: Path, fmt: str, quality: float) -> None:
    if fmt == "wav":
        shutil.copyfile(wav, out)
        return
    codec = ["-c:a", "flac"] if fmt == "flac" else ["-c:a", "libvorbis", "-q:a", str(quality)]
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(wav), *codec,
         "-ar", str(RATE), "-map_metadata", "-1", "-fflags", "+bitexact",
         "-flags:a", "+bitexact", str(out)], check=True)


def summary(ref: dict, size: int) -> str:
    talk = {r: sum(t["end"] - t["start"] for t in ref["turns"] if t["role"] == r) for r in ROLES}
    turns = sorted(ref["turns"], key=lambda t: t["start"])
    overtalk, longest, end = 0.0, 0.0, 0.0
    for t in turns:
        overtalk += max(0.0, min(end, t["end"]) - t["start"])
        longest = max(longest, t["start"] - end)
        end = max(end, t["end"])
    return (f"{ref['name']}: {ref['duration']:.1f} s, {size / 1024:.0f} KiB, "
            f"agent {talk['agent']:.1f} s, customer {talk['customer']:.1f} s, "
            f"overtalk {overtalk:.1f} s, longest silence {longest:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Synthesise two-party contact-centre calls (audio + sidecar + reference) "
                    "from JSON call scripts with espeak-ng, sox and ffmpeg.",
        epilog="example: python scripts/synth_calls.py --out pipeline/samples --format ogg")
    parser.add_argument("--out", required=True, type=Path, help="output folder (created)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="render only these calls")
    parser.add_argument("--format", choices=FORMATS, default="wav", help="audio format (wav)")
    parser.add_argument("--scripts", type=Path, default=HERE / "calls",
                        help="folder of call scripts (default: scripts/calls)")
    parser.add_argument("--quality", type=float, default=1.0,
                        help="Ogg Vorbis quality, -1..10 (default 1)")
    args = parser.parse_args(argv)

    check_tools(args.format)
    paths = {p.stem: p for p in sorted(args.scripts.glob("*.json"))}
    names = args.only or list(paths)
    unknown = [n for n in names if n not in paths]
    if unknown:
        fail(f"no call script for {', '.join(unknown)}; known: {', '.join(paths) or 'none'}")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="synth_calls_") as tmpdir:
        tmp = Path(tmpdir)
        for name in names:
            script = load_script(paths[name])
            channels, ref = render(name, script, tmp)
            audio = args.out / f"{name}.{args.format}"
            write_wav(tmp / "call.wav", channels)
            encode(tmp / "call.wav", audio, args.format, args.quality)
            ref["audio"] = audio.name
            sidecar = Path(f"{audio}.json")
            sidecar.write_text(json.dumps(script.get("metadata") or {}, ensure_ascii=False,
                                          indent=2) + "\n", encoding="utf-8")
            (args.out / f"{name}.ref.json").write_text(
                json.dumps(ref, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            print(summary(ref, audio.stat().st_size))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
