"""A labelled synthetic set of Turkish inbound calls, made on demand with espeak-ng.

Each call is assembled from parts (an opening with or without the company greeting and the
agent's name; the recording disclosure in one of its wordings, or not; the identity check
before or after account talk, or none; a resolution or not; an extra-help offer or not; a
closing or not; sometimes a hold) plus confusers: customer turns that contain a phrase the
rubric checks the agent for, and agent sentences that are near misses but mean something
else ("şikayetinizi kayıt altına aldım", "iade edilemiyor", "iyi ki aradınız", "bana neden
aradığınızı..."). Every call carries, for each phrase criterion of ``inbound_service_tr``,
what a supervisor reading the script would decide: ``pass``, ``fail`` or ``na``.

The agent speaks with one of :data:`AGENT_VOICES` at one of :data:`SPEEDS` (words per
minute), so error rates can be read per speaker and speed. Audio is rendered by
``scripts/synth_calls.py`` (stereo: agent on channel 0, customer on 1, 16 kHz) into a cache
folder (``$CALLQA_BENCH_CACHE/turkish`` or ``~/.cache/callqa-bench/turkish``); a call
already there is not rendered again.

    calls = build()                       # [(SetCall, Path to the .wav)], rendered if missing
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["AGENT_VOICES", "CRITERIA", "SPEEDS", "SetCall", "build", "cache_dir", "calls"]

RUBRIC = "inbound_service_tr"
CRITERIA = ("karsilama", "kayit_bilgilendirmesi", "kimlik_dogrulama", "yasakli_ifade_yok",
            "bekletme_bildirimi", "cozum_bildirimi", "ek_yardim_teklifi", "kapanis_selami")
AGENT_VOICES = ("tr", "tr+f3", "tr+m3", "tr+f5")
SPEEDS = (140, 165, 190)
CUSTOMER_VOICES = ("tr+m1", "tr+f2", "tr+m5", "tr+f4")
SET_VERSION = "1"
HOLD_SECONDS = 11.0

NAMES = ("Ayşe", "Mehmet", "Zeynep", "Emre", "Elif", "Burak", "Selin", "Kerem")

# (karsilama label, text): {n} is the agent's name.
OPENINGS = (
    ("pass", "Anadolu Telekom'a hoş geldiniz, ben {n}, size nasıl yardımcı olabilirim?"),
    ("pass", "Anadolu Telekom, benim adım {n}, buyurun, sizi dinliyorum."),
    ("pass", "Merhaba, Anadolu Telekom müşteri hizmetleri, ismim {n}, nasıl yardımcı "
             "olabilirim?"),
    ("pass", "Hoş geldiniz, ben {n}, size nasıl yardımcı olabilirim?"),
    ("fail", "Anadolu Telekom'a hoş geldiniz, size nasıl yardımcı olabilirim?"),
    ("fail", "Merhaba, ben {n}, nasıl yardımcı olabilirim?"),
    ("fail", "Evet, buyurun, sizi dinliyorum."),
)

# Said: the rubric's wordings and paraphrases an agent would use.
DISCLOSURES = (
    "Bu görüşme kalite standartları gereği kayıt altına alınmaktadır.",
    "Görüşmemiz kayıt altına alınmaktadır.",
    "Görüşmeniz kayıt altına alınmaktadır.",
    "Görüşmemiz kaydedilmektedir.",
    "Görüşmemiz kalite standartları gereği kayıt altına alınmaktadır.",
    "Bu görüşme kaydedilmektedir.",
    "Bilginize, görüşmemiz kaydediliyor.",
    "Hizmet kalitemiz için görüşmeniz kaydedilmektedir.",
    "Bu görüşme kayıt altına alınıyor.",
)
# Not said: nothing, or a confuser (the agent registers a complaint early; the customer
# talks about a recording).
NO_DISCLOSURE = ("none", "none", "complaint_registered", "customer_mentions")

IDENTITY_ASKS = (
    "Doğrulama için T.C. kimlik numaranızı alabilir miyim?",
    "Kimlik numaranızı öğrenebilir miyim?",
    "Adınızı ve soyadınızı alabilir miyim?",
    "Doğum tarihinizi söyler misiniz?",
    "Güvenlik sorusunu cevaplar mısınız? Annenizin kızlık soyadı nedir?",
    "Önce kimliğinizi doğrulamam gerekiyor, kimlik numaranız nedir?",
)
IDENTITY_ANSWERS = (
    ("Tabii, kimlik numaram 10000000146.",
     "Tabii, kimlik numaram bir sıfır sıfır sıfır, sıfır sıfır sıfır sıfır, bir dört altı."),
    ("Mehmet Öztürk, on beş Mayıs seksen iki doğumluyum.", None),
    ("Annemin kızlık soyadı Demir.", None),
)
# identity before account talk (pass), after it (fail), never (fail), customer volunteers
# the number unasked (fail).
IDENTITY_ORDERS = ("before", "before", "after", "none", "volunteered")

ISSUES = (
    ("Merhaba, bu ayki faturam çok yüksek geldi.",
     "Faturanızda hatalı bir yurt dışı ücreti görünüyor."),
    ("İki gündür internetim çalışmıyor.",
     "Hesabınızda bölgenizde bir arıza kaydı görünüyor."),
    ("Paketimi değiştirmek istiyorum ama ücret fazla çıktı.",
     "Paketiniz bu ay otomatik olarak yenilenmiş."),
    ("Ödeme yaptım ama borç hâlâ görünüyor.",
     "Son ödemeniz sisteme geç yansımış."),
)

# (cozum label, text)
RESOLUTIONS = (
    ("pass", "Bu ücreti iptal ettim."),
    ("pass", "Tutarı iade ettim, üç iş günü içinde hesabınıza yansıyacak."),
    ("pass", "Arıza kaydınızı oluşturdum, teknisyen yarın sizi arayacak."),
    ("pass", "Talebinizi oluşturdum, sonucu kısa mesajla bilgi olarak göndereceğiz."),
    ("pass", "Sorun çözüldü, şimdi her şey normal görünüyor."),
    ("pass", "Kaydı düzelttim, artık doğru tutar görünüyor."),
    ("pass", "Şikayetinizi kayıt altına aldım, takip numaranız mesajla gelecek."),
    ("fail", "Maalesef iade edilemiyor, kampanya koşulları böyle."),
    ("fail", "Kayıt oluşturamadım, sistemde bir sorun var, lütfen daha sonra tekrar arayın."),
    ("fail", "Bu ücreti iptal edemiyorum, kusura bakmayın."),
    ("fail", "Şu an bu konuda bir şey yapamıyorum."),
)

# (ek_yardim label, text)
OFFERS = (
    ("pass", "Başka yardımcı olabileceğim bir konu var mı?"),
    ("pass", "Başka bir konuda yardımcı olabilir miyim?"),
    ("pass", "Başka bir sorunuz var mı?"),
    ("pass", "Size yardımcı olabileceğim başka bir şey var mı?"),
    ("pass", "Başka bir isteğiniz var mı?"),
    ("fail", "Bu konuda başka yardımcı olamıyorum, kusura bakmayın."),
    ("fail", "Rica ederim."),
    ("fail", "Rica ederim."),
)

# (kapanis label, text, what the customer said before it)
CLOSINGS = (
    ("pass", "İyi günler dilerim.", "Hayır, teşekkürler."),
    ("pass", "Bizi tercih ettiğiniz için teşekkür ederiz, iyi günler.", "Hayır, bu kadar."),
    ("pass", "İyi akşamlar, hoşça kalın.", "Yok, teşekkür ederim."),
    ("pass", "İyi çalışmalar.", "Hayır, başka bir sorum yok."),
    ("pass", "Hoşça kalın.", "Teşekkürler, iyi günler."),
    ("fail", "İyi ki aradınız, rica ederim.", "Teşekkürler."),
    ("fail", "Peki, rica ederim.", "Hayır, iyi günler."),
    ("fail", "Tamam.", "Hayır, hoşça kalın."),
)

# (yasakli_ifade_yok: "said" when a forbidden phrase was said, text added to account talk)
MANNERS = (
    ("clean", ""), ("clean", ""), ("clean", ""), ("clean", ""),
    ("said", "Bana ne, sizin probleminiz bu."),
    ("said", "Açıkçası umurumda değil, kural böyle."),
    ("clean", "Bana neden aradığınızı kısaca anlatır mısınız?"),
    ("clean", "Defolu ürünleri de iade edebilirsiniz."),
)

# (hold label, announcement): na when no hold follows; fail when a hold is not announced.
HOLDS = (
    ("na", ""), ("na", ""), ("na", ""),
    ("pass", "Sizi kısa bir süre beklemeye alacağım."),
    ("pass", "Bir dakika bekleyebilir misiniz, kontrol ediyorum."),
    ("pass", "Hatta kalın lütfen, hemen bakıyorum."),
    ("fail", "Kontrol ediyorum."),
    ("na", "Hatta kalabilir misiniz?"),  # said, but no hold follows: N/A
)


@dataclass(frozen=True)
class SetCall:
    name: str
    script: dict[str, Any]  # a scripts/synth_calls.py call script
    labels: dict[str, str]  # criterion id -> pass / fail / na
    voice: str  # the agent's espeak-ng voice
    speed: int  # the agent's words per minute
    parts: dict[str, str]  # what the call was made of


def cache_dir() -> Path:
    root = os.environ.get("CALLQA_BENCH_CACHE")
    base = Path(root) if root else Path.home() / ".cache" / "callqa-bench"
    return base / "turkish"


def _balanced(rng: random.Random, options: tuple[Any, ...], n: int) -> list[Any]:
    """``n`` picks in which every option appears about equally often, in random order."""
    picks = [options[i % len(options)] for i in range(n)]
    rng.shuffle(picks)
    return picks


def calls(n: int = 40, seed: int = 11) -> list[SetCall]:
    """The set's calls (scripts and labels; no audio)."""
    rng = random.Random(seed)
    disclosure = _balanced(rng, tuple(range(len(DISCLOSURES))) + NO_DISCLOSURE, n)
    placement = _balanced(rng, ("opening", "second"), n)
    openings = _balanced(rng, OPENINGS, n)
    orders = _balanced(rng, IDENTITY_ORDERS, n)
    asks = _balanced(rng, IDENTITY_ASKS, n)
    issues = _balanced(rng, ISSUES, n)
    resolutions = _balanced(rng, RESOLUTIONS, n)
    offers = _balanced(rng, OFFERS, n)
    closings = _balanced(rng, CLOSINGS, n)
    manners = _balanced(rng, MANNERS, n)
    holds = _balanced(rng, HOLDS, n)
    out = []
    for i in range(n):
        voice, speed = AGENT_VOICES[i % len(AGENT_VOICES)], SPEEDS[i // 4 % len(SPEEDS)]
        name = NAMES[i % len(NAMES)]
        labels: dict[str, str] = {}
        parts: dict[str, str] = {}
        turns: list[dict[str, Any]] = []

        def agent(text: str, turns: list[dict[str, Any]] = turns, **kw: Any) -> None:
            turns.append({"role": "agent", "text": " ".join(text.split()), **kw})

        def customer(text: str, say: str | None = None,
                     turns: list[dict[str, Any]] = turns, **kw: Any) -> None:
            turn: dict[str, Any] = {"role": "customer", "text": text, **kw}
            if say:
                turn["say"] = say
            turns.append(turn)

        said = isinstance(disclosure[i], int)
        disclosed = DISCLOSURES[disclosure[i]] if said else ""
        labels["kayit_bilgilendirmesi"] = "pass" if said else "fail"
        parts["disclosure"] = disclosed or str(disclosure[i])
        early = placement[i] == "opening"

        labels["karsilama"], opening = openings[i]
        parts["opening"] = opening.format(n=name)
        agent(opening.format(n=name) + (" " + disclosed if early else ""))
        complaint, account = issues[i]
        if disclosure[i] == "customer_mentions":
            complaint += " Bu görüşme kayıt altına alınıyor, değil mi? Önemli değil."
        customer(complaint, pause_before=0.6)

        order = orders[i]
        parts["identity"] = order
        manner_label, manner = manners[i]
        labels["yasakli_ifade_yok"] = manner_label
        parts["manners"] = manner
        hold_label, hold = holds[i]
        holding = hold_label in ("pass", "fail")
        labels["bekletme_bildirimi"] = hold_label
        parts["hold"] = f"{hold} (+{HOLD_SECONDS:g} s silence)" if holding else hold
        first = "" if early else disclosed
        account_turn = " ".join(p for p in (account, manner, hold) if p)
        answer, answer_say = IDENTITY_ANSWERS[i % len(IDENTITY_ANSWERS)]
        if order == "before":
            agent(f"{first} Hemen kontrol edeyim. {asks[i]}")
            customer(answer, answer_say, voice={"speed": 140})
            agent("Teşekkürler. " + account_turn)
            hold_turn = len(turns) - 1
        elif order == "after":
            agent(f"{first} Hemen kontrol edeyim. {account_turn}")
            hold_turn = len(turns) - 1
            customer("Evet, doğru.")
            agent(asks[i])
            customer(answer, answer_say, voice={"speed": 140})
        elif order == "volunteered":
            agent(f"{first} Hemen kontrol edeyim.")
            customer(*IDENTITY_ANSWERS[0], voice={"speed": 140})
            agent(account_turn)
            hold_turn = len(turns) - 1
        else:
            agent(f"{first} Hemen kontrol edeyim. {account_turn}")
            hold_turn = len(turns) - 1
        labels["kimlik_dogrulama"] = "pass" if order == "before" else "fail"
        if disclosure[i] == "complaint_registered":  # a next step, not the disclosure
            agent("Şikayetinizi kayıt altına aldım.")

        customer("Peki, ne yapabilirsiniz?")
        labels["cozum_bildirimi"], resolution = resolutions[i]
        if disclosure[i] == "complaint_registered":
            labels["cozum_bildirimi"] = "pass"
        parts["resolution"] = resolution
        agent(resolution)
        customer("Anladım, teşekkür ederim.")
        labels["ek_yardim_teklifi"], offer = offers[i]
        parts["offer"] = offer
        labels["kapanis_selami"], closing, before_closing = closings[i]
        parts["closing"] = closing
        agent(offer)
        customer(before_closing)
        agent(closing)

        script: dict[str, Any] = {
            "layout": "stereo",
            "voices": {
                "agent": {"voice": voice, "speed": speed, "pitch": rng.randint(35, 70),
                          "level": 0.55},
                "customer": {"voice": CUSTOMER_VOICES[i % len(CUSTOMER_VOICES)],
                             "speed": rng.choice((150, 160, 175)),
                             "pitch": rng.randint(30, 60), "level": 0.45},
            },
            "metadata": {"agent_id": f"A-{700 + i}", "agent_name": name, "queue": "fatura",
                         "direction": "inbound", "language": "tr",
                         "started_at": "2026-12-01T10:00:00+03:00",
                         "channels": {"0": "agent", "1": "customer"}},
            "turns": turns,
        }
        if holding:
            script["silence_after"] = {"turn": hold_turn, "seconds": HOLD_SECONDS}
        digest = hashlib.sha1(json.dumps(script, sort_keys=True).encode()).hexdigest()[:8]
        out.append(SetCall(f"tr{i:02d}_{digest}", script, labels, voice, speed, parts))
    return out


def _synth() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "scripts" / "synth_calls.py"
    spec = importlib.util.spec_from_file_location("callqa_synth_calls", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(set_calls: list[SetCall] | None = None, out: Path | None = None) -> list[
        tuple[SetCall, Path]]:
    """Render the calls that are not in the cache yet; each call with its wav's path.

    Next to ``<name>.wav`` lie its sidecar (``.wav.json``) and its reference transcript
    (``<name>.ref.json``, the turns as scripted with their placed times).
    """
    set_calls = calls() if set_calls is None else set_calls
    out = out or cache_dir() / f"v{SET_VERSION}"
    out.mkdir(parents=True, exist_ok=True)
    synth = None
    result = []
    with tempfile.TemporaryDirectory(prefix="turkish_set_") as tmpdir:
        tmp = Path(tmpdir)
        for call in set_calls:
            wav = out / f"{call.name}.wav"
            ref = out / f"{call.name}.ref.json"
            if not (wav.exists() and ref.exists()):
                synth = synth or _synth()
                synth.check_tools("wav")
                script = synth.load_script(_write(tmp / "script.json", call.script))
                channels, reference = synth.render(call.name, script, tmp)
                synth.write_wav(tmp / "call.wav", channels)
                (tmp / "call.wav").replace(wav)
                _write(Path(f"{wav}.json"), script["metadata"])
                _write(ref, {**reference, "audio": wav.name})
            result.append((call, wav))
    return result


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
