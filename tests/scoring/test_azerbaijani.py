"""Azerbaijani calls: the shipped ``inbound_service_az`` rubric gives a supervisor's verdicts.

The call is ``scripts/calls/az_hesab_stereo.json`` (a good billing call), synthesised by
``scripts/synth_calls.py`` with espeak-ng's ``az`` voice at 16 kHz, and a copy without the
recording disclosure. Whisper ``base`` hears espeak's Azerbaijani too poorly for a fair
verdict test (character error rate 0.38 on the good call at espeak speed 135, 0.58 with
whole agent turns lost at 165, 0.62 on the copy without the disclosure: "Anadolu Telekom-a
xoş gəlmisiniz" comes out "Anadolu təlik o məkroskel misiniz"), so the verdicts are tested
on the reference transcript (the script's text at its synthesised times), and the ASR test
holds only what the model does reach: Azerbaijani words, and no disclosure written into a
call that lacks one.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.metadata import parse_metadata
from pipeline.metrics import compute_metrics
from pipeline.pii import find_pii, redact_utterances
from pipeline.textnorm import fold
from pipeline.types import Role, Utterance
from scoring import Scorecard, builtin_rubrics, load_rubric, score_call, select_rubric
from scoring.types import CallView, Verdict
from tests.scoring.conftest import make_view

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "calls" / "az_hesab_stereo.json"
DISCLOSURE = "Bu zəng keyfiyyət standartlarına uyğun olaraq qeydə alınır. "
BASE_MODEL = "bundled:base"  # the multilingual model callqa installs

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("sox") is None,
    reason="espeak-ng and sox synthesise the call (apt-get install espeak-ng sox)")


@pytest.fixture(scope="module")
def az_calls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The good call and its copy without the disclosure, as 16 kHz stereo wav files."""
    voices = subprocess.run(["espeak-ng", "--voices=az"], capture_output=True, text=True)
    if " az " not in voices.stdout:
        pytest.skip("espeak-ng has no az voice here")
    folder = tmp_path_factory.mktemp("az_calls")
    script = json.loads(SCRIPT.read_text(encoding="utf-8"))
    first = script["turns"][0]["text"]
    assert DISCLOSURE in first
    missing = json.loads(json.dumps(script))
    missing["turns"][0]["text"] = first.replace(DISCLOSURE, "")
    scripts = folder / "scripts"
    scripts.mkdir()
    for name, data in (("az_hesab_stereo", script), ("az_no_disclosure", missing)):
        (scripts / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False),
                                              encoding="utf-8")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "synth_calls.py"), "--scripts",
                    str(scripts), "--out", str(folder), "--format", "wav"],
                   check=True, capture_output=True)
    return {"good": folder / "az_hesab_stereo.wav",
            "no_disclosure": folder / "az_no_disclosure.wav"}


def reference_view(audio: Path, transform=lambda text: text) -> CallView:  # type: ignore[no-untyped-def]
    """What a perfect ASR would give for the synthesised call: its script, at its times."""
    ref = json.loads(audio.with_name(f"{audio.stem}.ref.json").read_text(encoding="utf-8"))
    meta = parse_metadata(json.loads(Path(f"{audio}.json").read_text(encoding="utf-8")))
    utts = tuple(Utterance(t["role"], Role(t["role"]), t["start"], t["end"],
                           transform(t["text"])) for t in ref["turns"])
    pii = tuple(find_pii(utts))
    return CallView(key=ref["name"], language=meta.language or "", direction=meta.direction,
                    queue=meta.queue, duration=ref["duration"], utterances=utts,
                    metrics=compute_metrics(utts, ref["duration"]),
                    redacted=tuple(redact_utterances(utts, list(pii))), pii=pii)


@functools.cache
def _models():  # type: ignore[no-untyped-def]
    from scoring.models.provider import DefaultModels

    return DefaultModels(threads=1)


def scored(view: CallView) -> Scorecard:
    rubric = select_rubric(builtin_rubrics(), view)
    assert rubric is not None and rubric.name == "inbound_service_az"
    return score_call(view, rubric, _models())


def verdicts(card: Scorecard) -> dict[str, Verdict]:
    return {r.criterion_id: r.verdict for r in card.results}


def test_the_az_rubric_is_chosen_for_azerbaijani_inbound_calls() -> None:
    view = make_view([("agent", 0.0, 2.0, "Salam")], language="az", direction="inbound")
    rubric = select_rubric(builtin_rubrics(), view)
    assert rubric is not None and rubric.name == "inbound_service_az"
    assert rubric == load_rubric("inbound_service_az")
    disclosure = rubric.criterion("kayit_bilgilendirmesi")
    assert disclosure is not None and disclosure.auto_fail
    # the same criterion ids as the Turkish rubric, so reports line up across languages
    turkish = load_rubric("inbound_service_tr")
    assert [c.id for _, c in rubric.criteria()] == [c.id for _, c in turkish.criteria()]


GOOD = ("karsilama", "kayit_bilgilendirmesi", "kimlik_dogrulama", "empati", "yasakli_ifade_yok",
        "cozum_bildirimi", "ek_yardim_teklifi", "kapanis_selami")


@pytest.mark.slow
@needs_espeak
def test_a_good_azerbaijani_call_passes(az_calls: dict[str, Path]) -> None:
    card = scored(reference_view(az_calls["good"]))
    v = verdicts(card)
    for cid in GOOD:
        assert v[cid] is Verdict.PASS, (cid, card.to_dict())
    assert v["bekletme_bildirimi"] is Verdict.NA  # no hold, nothing to announce
    assert not card.auto_failed and card.total >= 90 and card.flags == ()


@pytest.mark.slow
@needs_espeak
def test_without_diacritics_the_verdicts_are_the_same(az_calls: dict[str, Path]) -> None:
    # What a transcriber on an English keyboard, or a model that drops the letters, writes.
    plain = str.maketrans("əƏıİğĞöÖşŞüÜçÇ", "eEiIgGoOsSuUcC")
    card = scored(reference_view(az_calls["good"], lambda text: text.translate(plain).upper()))
    v = verdicts(card)
    for cid in ("karsilama", "kayit_bilgilendirmesi", "kimlik_dogrulama", "cozum_bildirimi",
                "ek_yardim_teklifi", "kapanis_selami", "yasakli_ifade_yok"):
        assert v[cid] is Verdict.PASS, (cid, card.to_dict())
    assert not card.auto_failed


@pytest.mark.slow
@needs_espeak
def test_a_call_without_the_disclosure_auto_fails(az_calls: dict[str, Path]) -> None:
    card = scored(reference_view(az_calls["no_disclosure"]))
    v = verdicts(card)
    assert v["kayit_bilgilendirmesi"] is Verdict.FAIL
    assert card.auto_failed and card.total == 0 and card.flags[0].code == "auto_fail"
    assert v["karsilama"] is Verdict.PASS  # the greeting was still there


def test_azerbaijani_escalations_are_flagged() -> None:
    rows = [("agent", 0.5, 6.0, "Anadolu Telekom-a xoş gəlmisiniz, mənim adım Aygündür."),
            ("customer", 6.5, 12.0, "Üçüncü dəfə zəng edirəm! Vəkilimlə danışacağam."),
            ("customer", 12.5, 16.0, "Abunəliyimi ləğv etmək istəyirəm."),
            ("customer", 16.5, 20.0,
             "İstehlakçıların hüquqlarının müdafiəsi cəmiyyətinə yazacağam.")]
    view = make_view(rows, language="az", direction="inbound")
    card = score_call(view, load_rubric("inbound_service_az"), None)
    codes = {f.code for f in card.flags}
    assert {"repeat_contact", "legal_threat", "cancellation", "regulator"} <= codes, codes
    calm = make_view([rows[0], ("customer", 6.5, 12.0, "Hesabım haqqında sual verirəm.")],
                     language="az", direction="inbound")
    calm_codes = {f.code for f in score_call(calm, load_rubric("inbound_service_az"), None).flags}
    assert not calm_codes & {"repeat_contact", "legal_threat", "cancellation", "regulator"}


def _cer(ref: str, hyp: str) -> float:
    import jiwer

    return float(jiwer.cer(fold(ref), fold(hyp)))


@pytest.mark.slow
@needs_espeak
def test_whisper_base_on_an_espeak_azerbaijani_call(az_calls: dict[str, Path]) -> None:
    from pipeline.process import ProcessOptions, analyse, transcribe_recording
    from pipeline.transcribe import ModelOptions
    from scoring.view import view_of_analysis

    options = ProcessOptions(model=ModelOptions(model=BASE_MODEL, cpu_threads=2))
    audio = az_calls["no_disclosure"]
    metadata = parse_metadata(json.loads(Path(f"{audio}.json").read_text(encoding="utf-8")))
    transcript = transcribe_recording(audio, metadata, options)
    heard = " ".join(u.text for u in sorted(transcript.utterances, key=lambda u: u.start))
    ref = json.loads(audio.with_name(f"{audio.stem}.ref.json").read_text(encoding="utf-8"))
    cer = _cer(" ".join(t["text"] for t in ref["turns"]), heard)
    print(f"\nCER {cer:.3f}: {heard}")
    assert transcript.language == "az"  # from the metadata, not detected
    assert (transcript.language_source, transcript.asr_model) == ("metadata", "base")
    # base hears espeak-ng's Azerbaijani voice poorly (CER measured 0.38 to 0.89 on this
    # call, repetition loops included), so only what does not depend on its luck is
    # asserted: the call is transcribed as Azerbaijani by base, and a disclosure that was
    # never said is never found.
    assert heard.strip()
    view = view_of_analysis(analyse(transcript, options), metadata, audio.stem)
    card = scored(view)
    assert verdicts(card)["kayit_bilgilendirmesi"] is Verdict.FAIL
    assert card.auto_failed and card.flags[0].code == "auto_fail"
