"""Contact-reason accuracy through the real ASR: ``python -m benchmarks --suite taxonomy``.

A labelled synthetic set of short stereo calls made with espeak-ng (agent on channel 0,
customer on 1, 16 kHz): for each of the 13 reasons of the shipped taxonomy
(``scoring/taxonomies/contact_reasons.yaml``) two Turkish and two English calls, plus three
calls per language that fit no reason (label ``none``: shop hours, a new e-mail address, a
phone in stock). Each call is an agent greeting, the customer giving the reason *in their
own words* (never a phrase or an example of the YAML: ``tests/scoring/
test_taxonomy_benchmark_set.py`` checks), the agent's reply, thanks and goodbye.

Each call goes once through :func:`pipeline.process.process_file` with the pipeline's
defaults (the bundled multilingual ``base``; English by ``tiny.en``; the language from the
sidecar), becomes the scoring view as the flows build it
(:func:`scoring.view.view_of_analysis`: redacted text), and is categorised with
:func:`scoring.taxonomy.categorise` and the scorer's :class:`DefaultModels`, so semantic
rules run. The scripted text is categorised too (no ASR), to tell rule misses from ASR
misses.

Printed (80 columns): per reason and language, precision and recall of the primary reason
and of "any reason", overall accuracy, and ASR seconds beside categorise seconds. Audio and
transcripts are cached in ``$CALLQA_BENCH_CACHE/taxonomy`` (keyed by the audio, the model
and the transcription code), so a rerun after a taxonomy change takes seconds.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.turkish_set import _synth, _write, cache_dir

__all__ = ["CALLS", "NONE", "THANKS", "TaxCall", "build", "run"]

NONE = "none"  # the label of a call that fits no reason


@dataclass(frozen=True)
class TaxCall:
    lang: str  # tr | en
    label: str  # a reason code (category.subcategory) or NONE
    customer: str  # the customer's reason, in their own words
    reply: str  # the agent's answer

    @property
    def stem(self) -> str:
        return f"{self.lang}_{self.label.replace('.', '-')}"


def _set(lang: str, rows: tuple[tuple[str, str, str], ...]) -> tuple[TaxCall, ...]:
    return tuple(TaxCall(lang, label, customer, reply) for label, customer, reply in rows)


CALLS: tuple[TaxCall, ...] = _set("tr", (
    ("billing.high_bill", "Bu ay gelen faturayı görünce şaşırdım, normalde iki yüz lira öderken "
     "bu sefer beş yüz lira istenmiş, bu kadar tutmaz.", "Hemen inceliyorum, geçen ayın "
     "tutarıyla karşılaştıralım."),
    ("billing.high_bill", "Son faturamın tutarı her zamankinin neredeyse iki katı, kullanımım "
     "hiç değişmedi, bu nasıl oldu?", "Hesabınıza bakıyorum, bir dakika lütfen."),
    ("billing.bill_explanation", "Faturamda hizmet bedeli diye bir satır var, bunun ne olduğunu "
     "bilmiyorum, neyin parası olduğunu söyler misiniz?", "Tabii, o satırın neyi kapsadığını "
     "anlatayım."),
    ("billing.bill_explanation", "Yeni gelen faturadaki rakamları çözemedim, hangi ücret nereden "
     "geliyor tek tek anlatır mısınız?", "Elbette, kalemleri sırayla okuyorum."),
    ("payment.make_payment", "Bu ayki faturamı şimdi telefonda kartla kapatabilir miyim? Son gün "
     "yarın, geciktirmek istemiyorum.", "Tabii, tutarı hemen kartınızdan tahsil edebiliriz."),
    ("payment.make_payment", "Faturalarım her ay banka hesabımdan kendiliğinden çekilsin "
     "istiyorum, bunu nasıl ayarlayabilirim?", "Bunu sizin için şimdi tanımlayabilirim."),
    ("payment.refund", "Geçen hafta aynı faturayı yanlışlıkla iki defa ödemişim, fazla giden "
     "tutarın hesabıma geri yatırılmasını rica ediyorum.", "Ödemelerinizi görüyorum, hemen "
     "kontrol ediyorum."),
    ("payment.refund", "Satın aldığım modemi on gün içinde geri gönderdim ama ödediğim tutar hâlâ "
     "kartıma dönmedi.", "Gönderinizin kaydına bakıyorum, bir dakika lütfen."),
    ("technical.no_service", "Dün akşamdan beri evde internete hiç bağlanamıyorum, modemin "
     "ışıkları yanıp sönüyor ama hiçbir site açılmıyor.", "Hattınızı uzaktan kontrol "
     "ediyorum, lütfen bekleyin."),
    ("technical.no_service", "Sabahtan beri evde elektrik yok, komşularda da gitmiş, ne zaman "
     "gelecek?", "Bölgenizdeki çalışmayı kontrol ediyorum."),
    ("technical.slow_service", "İnternetim açılıyor ama sayfalar dakikalarca yükleniyor, yüz "
     "megabit ödüyorum ama hız testinde beş çıkıyor.", "Hattınızın hızını şimdi ölçüyorum."),
    ("technical.slow_service", "Telefonla konuşurken karşı taraf sesimi duymuyor, görüşmelerim "
     "yarıda kalıyor, her gün böyle.", "Bölgenizdeki baz istasyonunu kontrol ediyorum."),
    ("account.change_plan", "Şu anki paketimdeki internet bana yetmiyor, daha fazla gigabaytlı "
     "bir pakete geçmek istiyorum.", "Size uygun seçenekleri sıralayayım."),
    ("account.change_plan", "Dakikalarımın yarısını bile kullanmıyorum, bana daha ucuz bir "
     "tarife önerebilir misiniz?", "Kullanımınıza bakıp size bir öneri yapayım."),
    ("account.move_address", "Ay sonunda başka bir mahalleye taşınacağım, internetimi yeni "
     "evime aldırmak istiyorum.", "Yeni adresinizde altyapıyı kontrol edelim."),
    ("account.move_address", "Yeni bir daireye geçtik, elektrik aboneliğimizi bu yeni eve nasıl "
     "aktarabiliriz?", "Yeni dairenin bilgilerini alayım."),
    ("cancellation.cancel_service", "Artık sizin hizmetinizi kullanmak istemiyorum, ay sonunda "
     "aboneliğim tamamen sona ersin.", "Anlıyorum, önce size birkaç seçenek sunabilir miyim?"),
    ("cancellation.cancel_service", "Rakip şirket daha iyi bir teklif verdi, oraya geçeceğim, "
     "sizinle olan sözleşmemi sonlandırın.", "Anlıyorum, sözleşmenizin durumuna bakıyorum."),
    ("cards.lost_card", "Çantamı otobüste unuttum, içinde banka kartım da vardı, kimse "
     "kullanamasın diye hemen durdurur musunuz?", "Hemen kartınızı kullanıma kapatıyorum."),
    ("cards.lost_card", "Dün akşam cüzdanımı çaldırdım, kredi kartım da içindeydi, lütfen onu "
     "hemen dondurun.", "Hemen işlem yapıyorum, yeni kart da göndereceğiz."),
    ("cards.unknown_transaction", "Hesap hareketlerime baktım, hiç duymadığım bir mağazadan üç "
     "yüz liralık alışveriş görünüyor, onu kesinlikle ben etmedim.", "İşlemi inceliyorum, "
     "bir dakika lütfen."),
    ("cards.unknown_transaction", "Kartımdan dün gece yurt dışındaki bir siteye para gitmiş, ben "
     "öyle bir şey satın almadım.", "Hemen itiraz kaydı açıyorum."),
    ("complaint.repeat_problem", "Bu konu için geçen hafta da sizi aramıştım, söz verdiniz ama "
     "sorunum hâlâ duruyor, hiçbir şey yapılmadı.", "Önceki kaydınızı buldum, özür dilerim."),
    ("complaint.repeat_problem", "Bu dördüncü aramam, her seferinde halledeceğiz deniyor ama "
     "hiçbir şey değişmiyor.", "Haklısınız, kaydınızı öncelikli olarak işaretliyorum."),
    ("complaint.staff_behaviour", "Dün görüştüğüm temsilciniz yüzüme telefonu kapattı ve benimle "
     "çok kötü konuştu, bunu bildirmek istiyorum.", "Çok üzgünüm, bunu hemen kayda "
     "geçiriyorum."),
    ("complaint.staff_behaviour", "Mağazadaki çalışanınız bana bağırdı, hiç ilgilenmedi, "
     "amirinizle konuşmak istiyorum.", "Özür dilerim, sizi bir yetkiliye aktaracağım."),
    (NONE, "Merhaba, Kadıköy'deki mağazanız cumartesi günleri saat kaçta açılıyor?",
     "Cumartesi saat onda açılıyor, akşam yediye kadar açık."),
    (NONE, "Bildirimlerin geldiği e-posta adresimi yenisiyle güncellemek istiyorum.",
     "Tabii, yeni e-posta adresinizi söyler misiniz?"),
    (NONE, "Yeni çıkan telefon modelleri mağazalarınıza ne zaman gelecek, bilginiz var mı?",
     "Önümüzdeki hafta gelmesi bekleniyor."),
)) + _set("en", (
    ("billing.high_bill", "I just opened this month's invoice and it is nearly double what I "
     "usually pay, and I have not used anything more than normal.", "Let me compare it with "
     "last month for you."),
    ("billing.high_bill", "The amount you billed me this time is way more than last month, it "
     "jumped from forty to ninety pounds for no reason.", "I am looking at your account now."),
    ("billing.bill_explanation", "There is a line on my statement called network access fee and "
     "I have no idea what it is, could you tell me what that is for?", "Of course, let me "
     "explain that line."),
    ("billing.bill_explanation", "I am looking at my invoice and I cannot make sense of it, could "
     "you walk me through what each of the amounts means?", "Sure, I will go through it "
     "with you."),
    ("payment.make_payment", "I would like to settle my outstanding balance today over the phone "
     "with my card, is that possible?", "Yes, I can take that for you now."),
    ("payment.make_payment", "Can you set things up so the money comes out of my bank account "
     "every month without me doing anything?", "Yes, I can arrange that for you."),
    ("payment.refund", "You took the payment for March two times from my account, I would like "
     "the second one returned please.", "I can see both payments, let me check."),
    ("payment.refund", "I sent the router back two weeks ago and I still have not been "
     "reimbursed for it.", "Let me look up the return for you."),
    ("technical.no_service", "Since yesterday evening my broadband is completely dead, the lights "
     "are blinking and nothing will load at all.", "Let me run a line test for you."),
    ("technical.no_service", "We have had no electricity in the house since this morning and the "
     "whole street is dark too.", "Let me check for works in your area."),
    ("technical.slow_service", "My internet does connect, but pages take ages to load and videos "
     "buffer all the time, I pay for a hundred megs and get five.", "Let me check the speed "
     "on your line."),
    ("technical.slow_service", "Whenever I am on a call the other person's voice breaks up and "
     "the line cuts off halfway through the conversation.", "Let me check the mast near you."),
    ("account.change_plan", "I run out of data every single month, so I would like to move to a "
     "bigger bundle with more gigabytes.", "Let me see which bundles you can have."),
    ("account.change_plan", "I barely use half of my minutes, is there a less expensive deal I "
     "could go onto instead of this one?", "Let me look at your usage and suggest one."),
    ("account.move_address", "We are relocating to another town at the end of the month and I "
     "want my broadband to come with us.", "Let me check the service at the new place."),
    ("account.move_address", "I have just bought a flat across the city, can the electricity "
     "account be transferred to the place I am going to?", "Yes, let me take the details "
     "of the flat."),
    ("cancellation.cancel_service", "I do not want your service anymore, please stop everything "
     "at the end of this month, I am done with it.", "I understand, may I offer you some "
     "options first?"),
    ("cancellation.cancel_service", "Another company has offered me a better deal so I am going "
     "with them, please terminate my agreement with you.", "I understand, let me look at "
     "your agreement."),
    ("cards.lost_card", "I left my wallet on the train this morning and my debit card was in it, "
     "can you stop anyone from using it?", "I am stopping the card right now."),
    ("cards.lost_card", "Someone took my purse at the market yesterday with my credit card "
     "inside, please freeze it right away.", "Done, and we will post you a new one."),
    ("cards.unknown_transaction", "There is a purchase on my statement from a shop I have never "
     "heard of, and it definitely was not me who bought it.", "Let me look at that purchase."),
    ("cards.unknown_transaction", "Forty pounds went out of my account last night to some website "
     "abroad and I never authorised that.", "I am opening a dispute for you now."),
    ("complaint.repeat_problem", "I phoned about this last week and was promised it would be "
     "sorted, but it is exactly the same as before.", "I have found your earlier case, I am "
     "sorry."),
    ("complaint.repeat_problem", "This is my fourth call about the same thing, every time I am "
     "told it will be dealt with and nothing ever happens.", "You are right, I am marking "
     "it as urgent."),
    ("complaint.staff_behaviour", "The person I spoke to yesterday hung up on me and talked to me "
     "like I was stupid, I want that on record.", "I am very sorry, I am noting that now."),
    ("complaint.staff_behaviour", "Your engineer shouted at me in my own home, I would like to "
     "talk to someone senior about how I was treated.", "I am sorry, I will pass you to a "
     "team leader."),
    (NONE, "Could you tell me what time your shop on the high street opens on Saturdays?",
     "It opens at nine and closes at five."),
    (NONE, "I would like to update the email address you send my notifications to, I have a new "
     "one.", "Of course, what is the new email address?"),
    (NONE, "I am thinking of getting a new phone, do you have the latest Samsung in stock at the "
     "moment?", "Yes, it is in stock in most of our shops."),
))

GREETINGS = {
    "tr": ("Müşteri hizmetlerine hoş geldiniz, ben Ayşe, size nasıl yardımcı olabilirim?",
           "Merhaba, benim adım Emre, buyurun, sizi dinliyorum."),
    "en": ("Thank you for calling customer services, my name is Sarah, how can I help you?",
           "Good morning, you are speaking to Tom, what can I do for you today?"),
}
THANKS = {"tr": "Tamam, teşekkür ederim.",
          "en": "Okay, that is great, thank you very much for your help."}
GOODBYES = {"tr": "Rica ederim, iyi günler dilerim.",
            "en": "You are very welcome, thank you for calling and have a nice day."}
VOICES = {"tr": ("tr+m1", "tr+f2", "tr+m3", "tr+f4"),
          "en": ("en-gb+m3", "en-us+f2", "en-us+m1", "en-gb+f4")}
SPEEDS = (150, 165)


def _script(call: TaxCall, i: int) -> dict[str, Any]:
    lang = call.lang
    agent_voice = "tr+f3" if lang == "tr" else "en-us+f3"
    turns = [("agent", GREETINGS[lang][i % 2]), ("customer", call.customer),
             ("agent", call.reply), ("customer", THANKS[lang]), ("agent", GOODBYES[lang])]
    return {
        "layout": "stereo",
        "voices": {"agent": {"voice": agent_voice, "speed": 165, "pitch": 55, "level": 0.55},
                   "customer": {"voice": VOICES[lang][i % 4], "speed": SPEEDS[i // 4 % 2],
                                "pitch": 40, "level": 0.45}},
        "metadata": {"agent_id": "A-1", "agent_name": "Ayşe", "queue": "genel",
                     "direction": "inbound", "language": lang,
                     "started_at": "2026-12-01T10:00:00+03:00",
                     "channels": {"0": "agent", "1": "customer"}},
        "turns": [{"role": r, "text": t, "pause_before": 0.6} for r, t in turns],
    }


def build(out: Path | None = None, calls: tuple[TaxCall, ...] = ()
          ) -> list[tuple[TaxCall, Path]]:
    """Render the calls (``calls``, else :data:`CALLS`) not in the cache yet; each call with
    its wav's path (beside it the sidecar ``.wav.json`` and the reference ``.ref.json``)."""
    out = out or cache_dir().parent / "taxonomy"
    out.mkdir(parents=True, exist_ok=True)
    synth, result = None, []
    with tempfile.TemporaryDirectory(prefix="taxonomy_set_") as tmpdir:
        tmp = Path(tmpdir)
        for i, call in enumerate(calls or CALLS):
            script = _script(call, i)
            digest = hashlib.sha1(json.dumps(script, sort_keys=True).encode()).hexdigest()[:8]
            wav = out / f"{call.stem}_{digest}.wav"
            ref = wav.with_name(f"{wav.stem}.ref.json")
            if not (wav.exists() and ref.exists()):
                synth = synth or _synth()
                synth.check_tools("wav")
                loaded = synth.load_script(_write(tmp / "script.json", script))
                channels, reference = synth.render(wav.stem, loaded, tmp)
                synth.write_wav(tmp / "call.wav", channels)
                _write(Path(f"{wav}.json"), loaded["metadata"])
                _write(ref, {**reference, "audio": wav.name})
                (tmp / "call.wav").replace(wav)
            result.append((call, wav))
    return result


def _asr_view(wav: Path, threads: int) -> tuple[Any, float, bool]:
    """The call's scoring view from the real pipeline, the seconds transcription took, and
    whether it came from the cache."""
    from benchmarks.turkish_phrases import _fingerprint
    from pipeline.bundled import BASE
    from pipeline.metadata import parse_metadata
    from pipeline.process import ProcessOptions, process_file
    from pipeline.transcribe import ModelOptions
    from scoring.view import view_of_analysis

    options = ProcessOptions(model=ModelOptions(model=BASE, cpu_threads=threads))
    models = f"{BASE}+{dict(options.language.models)}"
    cache = wav.parent / "asr" / f"{wav.stem}.{_fingerprint(wav, models)}.pkl"
    if cache.exists():
        view, seconds = pickle.loads(cache.read_bytes())
        return view, seconds, True
    metadata = parse_metadata(json.loads(Path(f"{wav}.json").read_text()), key=wav.name)
    started = time.perf_counter()
    analysis = process_file(wav, metadata, options)
    seconds = time.perf_counter() - started
    view = view_of_analysis(analysis, metadata, wav.name)
    cache.parent.mkdir(exist_ok=True)
    cache.write_bytes(pickle.dumps((view, seconds)))
    return view, seconds, False


def _reference_view(wav: Path, lang: str) -> Any:
    """The call as scripted (no ASR): each turn one utterance."""
    from pipeline.metrics import compute_metrics
    from pipeline.types import Role, Utterance
    from scoring.view import call_view

    ref = json.loads(wav.with_name(f"{wav.stem}.ref.json").read_text(encoding="utf-8"))
    utts = tuple(Utterance(speaker=f"ch{t['channel']}", role=Role(t["role"]), start=t["start"],
                           end=t["end"], text=t["text"], channel=t["channel"])
                 for t in sorted(ref["turns"], key=lambda t: t["start"]))
    return call_view(key=wav.name, language=lang, direction="inbound", queue="genel",
                     duration=ref["duration"], utterances=utts,
                     metrics=compute_metrics(utts, ref["duration"]), pii=())


def run(threads: int = 2, hook: Callable[[str], None] = print, held_out: bool = False
        ) -> dict[str, Any]:
    """Render, transcribe (unless cached) and categorise every call of the set: the
    development set :data:`CALLS`, or the held-out one (:mod:`benchmarks.taxonomy_heldout`,
    written by another author and never looked at while the taxonomy was tuned)."""
    from pipeline.metadata import parse_metadata
    from pipeline.settings import get_settings
    from pipeline.types import Role
    from scoring.models.provider import DefaultModels
    from scoring.taxonomy import categorise, shipped_taxonomy

    settings = get_settings()
    models = DefaultModels(settings.embedding_model, settings.sentiment_model,
                           settings.scoring_threads)  # what flows.score_calls.models_for gives
    taxonomy = shipped_taxonomy()
    started = time.perf_counter()
    if held_out:
        from benchmarks.taxonomy_heldout import HELDOUT
    built = build(calls=HELDOUT if held_out else CALLS)
    render_s = time.perf_counter() - started
    started = time.perf_counter()
    models.embedder()
    load_s = time.perf_counter() - started
    rows = []
    for k, (call, wav) in enumerate(built, 1):
        view, asr_s, cached = _asr_view(wav, threads)
        if not cached:
            hook(f"  transcribed {k}/{len(built)} {wav.stem[:36]} ({view.duration:.0f} s in "
                 f"{asr_s:.1f} s)")
        meta = parse_metadata(json.loads(Path(f"{wav}.json").read_text()), key=wav.name)
        started = time.perf_counter()
        found = categorise(view, meta.to_dict(), taxonomy, models)  # as flows store metadata
        cat_s = time.perf_counter() - started
        scripted = categorise(_reference_view(wav, call.lang), meta.to_dict(), taxonomy, models)
        rows.append({
            "call": call, "name": wav.stem, "audio_s": view.duration, "asr_s": asr_s,
            "cached": cached, "cat_s": cat_s,
            "primary": found.primary.code if found.primary else NONE,
            "reasons": [r.code for r in found.reasons],
            "confidences": [r.confidence for r in found.reasons],
            "ref_primary": scripted.primary.code if scripted.primary else NONE,
            "heard": " ".join(u.text for u in view.utterances if u.role is Role.CUSTOMER)})
    return {"rows": rows, "set": "held-out" if held_out else "development",
            "taxonomy": taxonomy.label, "hash": taxonomy.hash[:12],
            "render_s": render_s, "load_s": load_s,
            "codes": [r.code for r in taxonomy.reasons]}
