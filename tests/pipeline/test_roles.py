"""Speaker -> agent / customer mapping for stereo and mono calls."""

from __future__ import annotations

import pytest

from pipeline.roles import (
    DEFAULT_GREETINGS,
    RoleAssignment,
    RoleOptions,
    assign_roles_mono,
    assign_roles_stereo,
)
from pipeline.types import Role, Utterance, Word

A, C, U = Role.AGENT, Role.CUSTOMER, Role.UNKNOWN


def say(speaker: str, start: float, text: str, channel: int | None = None) -> Utterance:
    return Utterance(
        speaker=speaker,
        role=Role.UNKNOWN,
        start=start,
        end=start + 2.0,
        text=text,
        words=tuple(Word(start, start + 0.2, w) for w in text.split()),
        channel=channel,
    )


STEREO = [
    say("ch1", 0.5, "Alo?", channel=1),
    say("ch0", 1.0, "Merhaba", channel=0),
    say("ch1", 3.0, "Faturam hakkında arıyorum", channel=1),
]


# Stereo -------------------------------------------------------------------------------


def test_stereo_channel_map_wins() -> None:
    utts, ra = assign_roles_stereo(STEREO, {0: C, 1: A}, RoleOptions(agent_channel=0))
    assert [u.role for u in utts] == [A, C, A]
    assert ra.roles == {"ch0": C, "ch1": A}
    assert ra.method == "channel_map"
    assert "channel 0 -> customer" in ra.evidence and "channel 1 -> agent" in ra.evidence


def test_stereo_default_channel() -> None:
    utts, ra = assign_roles_stereo(STEREO, None, RoleOptions())
    assert [u.role for u in utts] == [C, A, C]
    assert ra.method == "default_channel"
    assert ra.roles == {"ch0": A, "ch1": C}


def test_stereo_agent_channel_option_and_empty_map() -> None:
    utts, ra = assign_roles_stereo(STEREO, {}, RoleOptions(agent_channel=1))
    assert [u.role for u in utts] == [A, C, A]
    assert ra.method == "default_channel"


def test_stereo_unmapped_or_missing_channel_is_unknown() -> None:
    utts, _ = assign_roles_stereo([*STEREO, say("x", 9.0, "hm")], {0: A}, RoleOptions())
    assert [u.role for u in utts] == [U, A, U, U]


def test_stereo_returns_new_objects_and_keeps_the_rest() -> None:
    utts, _ = assign_roles_stereo(STEREO, None)
    assert all(u is not orig for u, orig in zip(utts, STEREO, strict=True))
    assert STEREO[0].role is U  # inputs untouched
    assert [(u.text, u.start, u.words, u.channel) for u in utts] == [
        (u.text, u.start, u.words, u.channel) for u in STEREO
    ]


# Mono ---------------------------------------------------------------------------------


def test_mono_english_greeting_from_second_speaker() -> None:
    utts = [
        say("SPEAKER_00", 0.2, "Hello?"),
        say("SPEAKER_01", 1.0, "Thank you for calling Acme, my name is Dana."),
        say("SPEAKER_00", 4.0, "Hi, my internet is down."),
    ]
    out, ra = assign_roles_mono(utts, RoleOptions(company_names=("Acme",)))
    assert [u.role for u in out] == [C, A, C]
    assert ra.method == "greeting"
    assert ra.roles == {"SPEAKER_00": C, "SPEAKER_01": A}
    said = 'SPEAKER_01 said "Thank you for calling Acme, my name is Dana." at 0:01'
    assert ra.evidence.startswith(said)
    assert "Acme" in ra.evidence and "thank you for calling" in ra.evidence


@pytest.mark.parametrize(
    "greeting",
    [
        "İYİ GÜNLER, BEN AYŞE. SİZE NASIL YARDIMCI OLABİLİRİM?",  # Turkish upper case
        "Iyi gunler ben Ayse, size nasil yardimci olabilirim",  # English-cased ASR
        "Bu görüşme kayıt altına alınmaktadır.",
        "Anadolu Telekom'a hoş geldiniz",
        "Sizə necə kömək edə bilərəm?",  # Azerbaijani
        "XOŞ GƏLMİSİNİZ",
    ],
)
def test_mono_turkish_and_azerbaijani_greetings(greeting: str) -> None:
    utts = [say("SPEAKER_00", 0.0, "Alo, merhaba"), say("SPEAKER_01", 2.0, greeting)]
    out, ra = assign_roles_mono(utts, RoleOptions(company_names=("Anadolu Telekom",)))
    assert ra.method == "greeting"
    assert ra.roles == {"SPEAKER_00": C, "SPEAKER_01": A}
    assert [u.role for u in out] == [C, A]


def test_mono_most_evidence_wins() -> None:
    utts = [
        say("SPEAKER_00", 0.0, "İyi günler, ben Mehmet."),  # customer introduces himself: 1
        say("SPEAKER_01", 2.0, "Anadolu Telekom'a hoş geldiniz, nasıl yardımcı olabilirim?"),
    ]
    _, ra = assign_roles_mono(utts, RoleOptions(company_names=("Anadolu Telekom",)))
    assert ra.roles["SPEAKER_01"] is A
    assert "SPEAKER_00: 1" in ra.evidence


def test_mono_tie_goes_to_the_earliest_evidence() -> None:
    utts = [say("B", 0.0, "hi"), say("A", 1.0, "my name is Ann"), say("B", 3.0, "my name is Bo")]
    _, ra = assign_roles_mono(utts)
    assert ra.roles == {"A": A, "B": C}


def test_mono_evidence_outside_opening_window_does_not_count() -> None:
    utts = [
        say("SPEAKER_00", 0.0, "Merhaba"),
        say("SPEAKER_01", 3.0, "Merhaba"),
        say("SPEAKER_01", 31.0, "Size nasıl yardımcı olabilirim?"),
    ]
    _, ra = assign_roles_mono(utts)
    assert ra.method == "first_speaker"
    assert ra.roles == {"SPEAKER_00": A, "SPEAKER_01": C}
    assert "SPEAKER_00" in ra.evidence and "0:00" in ra.evidence
    _, wider = assign_roles_mono(utts, RoleOptions(opening_window=40.0))
    assert wider.method == "greeting" and wider.roles["SPEAKER_01"] is A


def test_mono_first_speaker_by_time_not_list_order() -> None:
    utts = [say("LATE", 5.0, "evet"), say("EARLY", 1.0, "alo"), say("THIRD", 7.0, "hm")]
    out, ra = assign_roles_mono(utts)
    assert ra.method == "first_speaker"
    assert ra.roles == {"EARLY": A, "LATE": C, "THIRD": C}
    assert [u.role for u in out] == [C, A, C]  # input order kept


def test_mono_single_speaker_is_unknown() -> None:
    utts = [say("S0", 0.0, "Thank you for calling"), say("S0", 3.0, "goodbye")]
    out, ra = assign_roles_mono(utts)
    assert ra == RoleAssignment({"S0": U}, "single_speaker", ra.evidence)
    assert [u.role for u in out] == [U, U]
    assert "S0" in ra.evidence


def test_mono_no_utterances() -> None:
    out, ra = assign_roles_mono([])
    assert out == ()
    assert ra.roles == {} and ra.method == "single_speaker"


def test_default_greetings_cover_three_languages() -> None:
    folded = " | ".join(DEFAULT_GREETINGS)
    for phrase in ("thank you for calling", "hoş geldiniz", "xoş gəlmisiniz"):
        assert phrase in folded


def test_assignment_to_dict() -> None:
    _, ra = assign_roles_stereo(STEREO, None)
    assert ra.to_dict() == {
        "roles": {"ch1": "customer", "ch0": "agent"},
        "method": "default_channel",
        "evidence": ra.evidence,
    }
