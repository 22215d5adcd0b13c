"""The message templates of scoring, in English and Turkish (rendered by :mod:`scoring.messages`).

A placeholder is ``{name}`` (the value as it is: quoted phrases, transcript text, ids) or
``{name:kind}``, where the kind says how the value becomes words in the reader's language
(see :data:`scoring.messages.KINDS`): ``party``/``party_lc``/``party_gen`` (a party code),
``window``/``window_loc`` (a window), ``part`` (start/end/whole), ``metric``/``metric_lc``
(a metric name), ``mval``/``mbounds`` (a value/bounds in the unit of ``args["metric"]``),
``num``/``f0``/``f2``/``sign2`` (numbers), ``time`` (mm:ss.s), ``quotes``, ``said``,
``saids``, ``anchor``, ``piis``, ``pii``, ``crit``, ``verdict``, ``direction(s)``, ``or``,
``lang(s)``, ``text`` (a title given per language), ``msg``/``msgs`` (nested messages;
``msg_cap`` capitalised, for a sentence after a colon).
Both languages have the same keys and the same placeholder names; a test checks it.
Turkish sentences are capitalised by the renderer (Turkish rules: i -> İ), so a template
may begin with a placeholder.
"""

from __future__ import annotations

__all__ = ["CATALOGUE"]

_EN: dict[str, str] = {
    "text": "{text}",
    "na.not_applicable": "not applicable: {reason:msg}",
    "na.not_evaluated": "not evaluated: {reason:msg}",
    # reasons a criterion is N/A
    "reason.no_sentiment_scores": "no sentiment scores for this call",
    "reason.not_both_ends": "the {party:party_lc} did not speak both at the start and at the end",
    "reason.said_nothing_part": "the {party:party_lc} said nothing {part:part}",
    "reason.no_embedder": "no sentence-embedding model configured",
    "reason.embedder_failed": "sentence-embedding model unavailable: {error}",
    "reason.no_provider": "no model provider to run '{model}'",
    "reason.classifier_failed": "classifier '{model}' unavailable: {error}",
    "reason.classifier_count": "classifier '{model}' returned {results} results for "
                               "{sentences} sentences",
    "reason.unknown_type": "unknown criterion type '{type}'",
    "reason.no_sentiment_model": "no sentiment model configured",
    "reason.sentiment_model_failed": "sentiment model unavailable: {error}",
    "reason.sentiment_summary_failed": "sentiment could not be summarised: {error}",
    "when.direction_unknown": "the call's direction is unknown (criterion is for direction "
                              "{wanted:directions})",
    "when.direction_other": "direction is {actual:direction} (criterion is for "
                            "{wanted:directions})",
    "when.queue_unknown": "the call's queue is unknown (criterion is for queue {wanted:or})",
    "when.queue_other": "queue is {actual} (criterion is for {wanted:or})",
    "when.language": "language is {actual:lang} (criterion is for {wanted:langs})",
    "when.shorter": "the call is {duration:f0} s, shorter than {bound:num} s",
    "when.longer": "the call is {duration:f0} s, longer than {bound:num} s",
    "when.metric_below": "{metric} is {value:mval}, below {bound:mval}",
    "when.metric_above": "{metric} is {value:mval}, above {bound:mval}",
    "when.not_said": "the {party:party_lc} did not say any of {phrases:quotes}",
    # phrase criteria
    "phrase.said": "{who:party} said {said:saids}",
    "phrase.none_matched": "No {who:party_lc} utterance in the {where:window}{after:anchor} "
                           "matched any of: {phrases:quotes}",
    "phrase.missing": "{who:party} did not say {missing:quotes} in the {where:window}"
                      "{after:anchor}",
    "phrase.out_of_order": "{who:party} did not say '{phrase}' after {previous:said} "
                           "(the phrases must come in order)",
    "phrase.too_late": "{who:party} said {said:said}, but only after '{anchor}' at {at:time}",
    "party.said_nothing": "{who:party} said nothing in the {where:window}",
    # semantic and classifier criteria
    "semantic.like": "{who:party} said something like {examples:quotes} (similarity "
                     "{similarity:f2} ≥ {threshold:num})",
    "semantic.not_like": "No {who:party_lc} sentence in the {where:window} was like "
                         "{examples:quotes} (best similarity {similarity:f2} < {threshold:num})",
    "semantic.none_like": "No {who:party_lc} sentence in the {where:window} was like "
                          "{examples:quotes} (best similarity {similarity:f2})",
    "classifier.classified": "{who:party} sentence classified '{label}' (score {score:f2}, "
                             "threshold {threshold:num})",
    "classifier.none_classified": "No {who:party_lc} sentence in the {where:window} classified "
                                  "'{label}' (score {score:f2}, threshold {threshold:num})",
    # metric and sentiment criteria
    "metric.above_max": "{metric:metric} {value:mval} is above the maximum {bound:mval}",
    "metric.below_min": "{metric:metric} {value:mval} is below the minimum {bound:mval}",
    "metric.within": "{metric:metric} {value:mval} ({bounds:mbounds})",
    "sentiment.change_ok": "{who:party} sentiment changed from {start:sign2} to {end:sign2} "
                           "({change:sign2}, min change {bound:sign2})",
    "sentiment.change_low": "{who:party} sentiment changed from {start:sign2} to {end:sign2} "
                            "({change:sign2}, below the minimum change {bound:sign2})",
    "sentiment.below_min": "{who:party} sentiment {part:part} {value:sign2} is below the "
                           "minimum {bound:sign2}",
    "sentiment.above_max": "{who:party} sentiment {part:part} {value:sign2} is above the "
                           "maximum {bound:sign2}",
    "sentiment.within": "{who:party} sentiment {part:part} {value:sign2} ({bounds:sbounds})",
    # flags
    "flag.described": "{description:text}: {detail:msg}",
    "flag.score_below": "total score {total:num} is below {threshold:num}",
    "flag.failed": "{items:msgs}",
    "flag.failed_item": "{criterion:crit} failed ({explanation:msg})",
    "flag.sentiment_end": "{party:party_lc} sentiment at the end {value:sign2} is below "
                          "{bound:sign2}",
    "flag.sentiment_drop": "{party:party_lc} sentiment fell from {start:sign2} to {end:sign2}",
    "flag.metric_above": "{metric:metric_lc} {value:mval} is above {bound:mval}",
    "flag.metric_below": "{metric:metric_lc} {value:mval} is below {bound:mval}",
    "flag.pii": "{who:party} spoke {found:piis}",
    "human.verdict": "human verdict {verdict:verdict} (was {was:verdict}): {explanation:msg}",
    # evidence notes
    "ev.searched": "searched: {party:party_lc}, {where:window}{after:anchor}",
    "ev.longest_silence": "longest silence: {length:f1} s from {at:time}",
    "ev.hold_gap": "hold-like gap of {length:f1} s",
    "ev.metric": "{metric:metric}: {value:mval}",
    "ev.sentiment": "{party:party_lc} sentiment {value:sign2} ({part:part_code})",
    "ev.similarity": "similarity {similarity:f2}",
    "ev.similarity_quote": "similarity {similarity:f2}: \"{quote}\"",
    "ev.label_score": "{label}: {score:f2} \"{quote}\"",
    "ev.phrase": "'{phrase}'",
    "ev.pii": "{kind} spoken",
    "ev.total": "total {total:num}",
    "ev.must_follow": "must come after this ({party:party_lc})",
}

_TR: dict[str, str] = {
    "text": "{text}",
    "na.not_applicable": "uygulanamaz: {reason:msg}",
    "na.not_evaluated": "değerlendirilemedi: {reason:msg}",
    "reason.no_sentiment_scores": "bu görüşme için duygu skoru yok",
    "reason.not_both_ends": "{party:party} hem görüşmenin başında hem sonunda konuşmadı",
    "reason.said_nothing_part": "{party:party} {part:part} hiçbir şey söylemedi",
    "reason.no_embedder": "cümle gömme (embedding) modeli yapılandırılmamış",
    "reason.embedder_failed": "cümle gömme (embedding) modeli kullanılamıyor: {error}",
    "reason.no_provider": "'{model}' modelini çalıştıracak bir model sağlayıcısı yok",
    "reason.classifier_failed": "'{model}' sınıflandırıcısı kullanılamıyor: {error}",
    "reason.classifier_count": "'{model}' sınıflandırıcısı {sentences} cümle için {results} "
                               "sonuç döndürdü",
    "reason.unknown_type": "bilinmeyen kriter türü '{type}'",
    "reason.no_sentiment_model": "duygu analizi modeli yapılandırılmamış",
    "reason.sentiment_model_failed": "duygu analizi modeli kullanılamıyor: {error}",
    "reason.sentiment_summary_failed": "duygu skorları özetlenemedi: {error}",
    "when.direction_unknown": "görüşmenin yönü bilinmiyor (kriter {wanted:directions} "
                              "görüşmeler için)",
    "when.direction_other": "görüşmenin yönü {actual:direction} (kriter {wanted:directions} "
                            "görüşmeler için)",
    "when.queue_unknown": "görüşmenin kuyruğu bilinmiyor (kriter {wanted:or} kuyruğu için)",
    "when.queue_other": "görüşmenin kuyruğu {actual} (kriter {wanted:or} kuyruğu için)",
    "when.language": "görüşmenin dili {actual:lang} (kriter {wanted:langs} için)",
    "when.shorter": "görüşme {duration:f0} sn, {bound:num} sn'den kısa",
    "when.longer": "görüşme {duration:f0} sn, {bound:num} sn'den uzun",
    "when.metric_below": "{metric:metric} {value:mval}, {bound:mval} değerinin altında",
    "when.metric_above": "{metric:metric} {value:mval}, {bound:mval} değerinin üzerinde",
    "when.not_said": "{party:party} şunların hiçbirini söylemedi: {phrases:quotes}",
    "phrase.said": "{who:party} {said:saids} dedi",
    "phrase.none_matched": "{where:window_loc}{after:anchor} {who:party_gen} hiçbir "
                           "konuşması şunlarla eşleşmedi: {phrases:quotes}",
    "phrase.missing": "{who:party} {where:window_loc}{after:anchor} şunları söylemedi: "
                      "{missing:quotes}",
    "phrase.out_of_order": "{who:party} {previous:said} sonrasında '{phrase}' demedi "
                           "(ifadeler sırayla söylenmeli)",
    "phrase.too_late": "{who:party} {said:said} dedi, ama ancak '{anchor}' ({at:time}) "
                       "sonrasında",
    "party.said_nothing": "{who:party} {where:window_loc} hiçbir şey söylemedi",
    "semantic.like": "{who:party} şuna benzer bir şey söyledi: {examples:quotes} (benzerlik "
                     "{similarity:f2} ≥ {threshold:num})",
    "semantic.not_like": "{where:window_loc} {who:party_gen} hiçbir cümlesi şunlara "
                         "benzemiyordu: {examples:quotes} (en yüksek benzerlik "
                         "{similarity:f2} < {threshold:num})",
    "semantic.none_like": "{where:window_loc} {who:party_gen} hiçbir cümlesi şunlara "
                          "benzemiyordu: {examples:quotes} (en yüksek benzerlik "
                          "{similarity:f2})",
    "classifier.classified": "{who:party_gen} bir cümlesi '{label}' olarak sınıflandırıldı "
                             "(skor {score:f2}, eşik {threshold:num})",
    "classifier.none_classified": "{where:window_loc} {who:party_gen} hiçbir cümlesi "
                                  "'{label}' olarak sınıflandırılmadı (en yüksek skor "
                                  "{score:f2}, eşik {threshold:num})",
    "metric.above_max": "{metric:metric} {value:mval}, üst sınır {bound:mval} değerinin "
                        "üzerinde",
    "metric.below_min": "{metric:metric} {value:mval}, alt sınır {bound:mval} değerinin "
                        "altında",
    "metric.within": "{metric:metric} {value:mval} ({bounds:mbounds})",
    "sentiment.change_ok": "{who:party_gen} duygu skoru {start:sign2} değerinden {end:sign2} "
                           "değerine değişti ({change:sign2}, en az değişim {bound:sign2})",
    "sentiment.change_low": "{who:party_gen} duygu skoru {start:sign2} değerinden {end:sign2} "
                            "değerine değişti ({change:sign2}, en az değişim olan "
                            "{bound:sign2} değerinin altında)",
    "sentiment.below_min": "{part:part} {who:party_gen} duygu skoru {value:sign2}, alt sınır "
                           "{bound:sign2} değerinin altında",
    "sentiment.above_max": "{part:part} {who:party_gen} duygu skoru {value:sign2}, üst sınır "
                           "{bound:sign2} değerinin üzerinde",
    "sentiment.within": "{part:part} {who:party_gen} duygu skoru {value:sign2} "
                        "({bounds:sbounds})",
    "flag.described": "{description:text}: {detail:msg_cap}",
    "flag.score_below": "toplam puan {total:num}, {threshold:num} eşiğinin altında",
    "flag.failed": "{items:msgs}",
    "flag.failed_item": "{criterion:crit} kriteri karşılanmadı ({explanation:msg})",
    "flag.sentiment_end": "görüşmenin sonunda {party:party_gen} duygu skoru {value:sign2}, "
                          "{bound:sign2} eşiğinin altında",
    "flag.sentiment_drop": "{party:party_gen} duygu skoru {start:sign2} değerinden "
                           "{end:sign2} değerine düştü",
    "flag.metric_above": "{metric:metric} {value:mval}, {bound:mval} sınırının üzerinde",
    "flag.metric_below": "{metric:metric} {value:mval}, {bound:mval} sınırının altında",
    "flag.pii": "{who:party} kişisel veri söyledi: {found:piis}",
    "human.verdict": "değerlendirici kararı: {verdict:verdict} (otomatik karar: "
                     "{was:verdict}): {explanation:msg}",
    "ev.searched": "arandı: {party:party}, {where:window}{after:anchor}",
    "ev.longest_silence": "en uzun sessizlik: {at:time} anından itibaren {length:f1} sn",
    "ev.hold_gap": "{length:f1} sn bekletmeye benzer boşluk",
    "ev.metric": "{metric:metric}: {value:mval}",
    "ev.sentiment": "{party:party_gen} duygu skoru {value:sign2} ({part:part_code})",
    "ev.similarity": "benzerlik {similarity:f2}",
    "ev.similarity_quote": "benzerlik {similarity:f2}: \"{quote}\"",
    "ev.label_score": "{label}: {score:f2} \"{quote}\"",
    "ev.phrase": "'{phrase}'",
    "ev.pii": "{kind:pii} söylendi",
    "ev.total": "toplam {total:num}",
    "ev.must_follow": "bundan sonra gelmeli ({party:party})",
}

CATALOGUE: dict[str, dict[str, str]] = {"en": _EN, "tr": _TR}
