"""Call metrics on hand-made transcripts with exact expected numbers."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.metrics import MetricsOptions, compute_metrics
from pipeline.types import CallMetrics, Role, Utterance, Word

A, C, U = Role.AGENT, Role.CUSTOMER, Role.UNKNOWN


def utt(role: Role, *words: tuple[float, float], text: str | None = None) -> Utterance:
    """An utterance whose words are given as (start, end) pairs."""
    ws = tuple(Word(s, e, f"w{i}") for i, (s, e) in enumerate(words))
    return Utterance(
        speaker=role.value,
        role=role,
        start=words[0][0],
        end=words[-1][1],
        text=text if text is not None else " ".join(w.text for w in ws),
        words=ws,
    )


def bare(role: Role, start: float, end: float, text: str) -> Utterance:
    """An utterance without word timestamps."""
    return Utterance(speaker=role.value, role=role, start=start, end=end, text=text)


AGENT_0_5 = utt(A, (0.0, 1.0), (1.1, 2.0), (2.1, 3.0), (3.1, 4.0), (4.1, 5.0))


def test_talk_silence_ratio_and_wpm() -> None:
    agent = utt(A, (1.0, 1.5), (1.6, 2.0), (2.1, 3.0))  # gaps < 0.3: one stretch [1, 3]
    customer = utt(C, (4.0, 4.5), (5.0, 6.0))  # gap 0.5 stays silence
    m = compute_metrics([agent, customer], 20.0)
    assert m == CallMetrics(
        duration=20.0,
        talk_agent=2.0,
        talk_customer=1.5,
        talk_ratio_agent=0.571,  # 2 / 3.5
        silence=16.5,  # 1 (start) + 1 + 0.5 + 14 (end)
        silence_pct=82.5,
        longest_silence=14.0,
        overtalk=0.0,
        interruptions_agent=0,
        interruptions_customer=0,
        wpm_agent=90.0,  # 3 words in 2 s
        wpm_customer=80.0,  # 2 words in 1.5 s
        hold_gaps=0,
        utterances=2,
    )


def test_word_gap_merge_option() -> None:
    customer = utt(C, (4.0, 4.5), (5.0, 6.0))
    m = compute_metrics([customer], 6.0, MetricsOptions(word_gap_merge=0.6))
    assert m.talk_customer == 2.0
    assert m.silence == 4.0


def test_same_party_merges_across_utterances() -> None:
    first, second = utt(A, (0.0, 2.0)), utt(A, (2.2, 4.0))
    m = compute_metrics([first, second], 4.0)
    assert (m.talk_agent, m.silence, m.longest_silence) == (4.0, 0.0, 0.0)


def test_overlap_and_interruption() -> None:
    customer = utt(C, (3.0, 3.5), (3.6, 4.4), (4.5, 6.0))  # cuts in at 3.0, agent talks to 5.0
    m = compute_metrics([AGENT_0_5, customer], 6.0)
    assert m.overtalk == 2.0
    assert (m.interruptions_agent, m.interruptions_customer) == (0, 1)
    assert (m.talk_agent, m.talk_customer, m.silence) == (5.0, 3.0, 0.0)


def test_backchannel_is_not_an_interruption() -> None:
    mhm = utt(C, (2.0, 2.3), text="mhm")
    m = compute_metrics([AGENT_0_5, mhm], 5.0)
    assert m.overtalk == 0.3
    assert m.interruptions_customer == 0


def test_min_overlap_option() -> None:
    mhm = utt(C, (2.0, 2.3), text="mhm")
    m = compute_metrics([AGENT_0_5, mhm], 5.0, MetricsOptions(interruption_min_overlap=0.2))
    assert m.interruptions_customer == 1


@pytest.mark.parametrize("start", [5.0, 5.1])
def test_starting_after_the_other_stops_is_not_an_interruption(start: float) -> None:
    customer = utt(C, (start, start + 2.0))
    m = compute_metrics([AGENT_0_5, customer], 8.0)
    assert (m.interruptions_customer, m.interruptions_agent, m.overtalk) == (0, 0, 0.0)


def test_agent_interrupts_and_own_continuation_is_not_a_new_start() -> None:
    customer = utt(C, (0.0, 10.0))
    agent_cuts_in = utt(A, (5.0, 7.0))
    agent_goes_on = utt(A, (7.1, 8.0))  # diariser split the same stretch of agent speech
    m = compute_metrics([customer, agent_cuts_in, agent_goes_on], 10.0)
    assert (m.interruptions_agent, m.interruptions_customer) == (1, 0)
    assert m.overtalk == 3.0
    assert m.talk_ratio_agent == 0.231  # 3 / 13


def test_silence_at_start_and_end_and_hold_gaps() -> None:
    agent = bare(A, 25.0, 30.0, "hello there")  # no words: the utterance span counts
    m = compute_metrics([agent], 60.0)
    assert m.talk_agent == 5.0
    assert m.silence == 55.0
    assert m.silence_pct == 91.67
    assert m.longest_silence == 30.0
    assert m.hold_gaps == 2  # 25 s at the start, 30 s at the end
    assert m.wpm_agent == 24.0  # 2 words of text in 5 s


def test_hold_gap_threshold_is_inclusive() -> None:
    calls = [utt(A, (0.0, 2.0)), utt(C, (22.0, 24.0))]  # exactly 20 s between them
    assert compute_metrics(calls, 24.0).hold_gaps == 1
    assert compute_metrics(calls, 24.0, MetricsOptions(hold_gap=20.5)).hold_gaps == 0


def test_unknown_speaker_is_speech_but_no_party() -> None:
    agent = utt(A, (0.0, 1.0))
    unknown = utt(U, (0.5, 4.0))
    m = compute_metrics([agent, unknown], 10.0)
    assert m.silence == 6.0
    assert m.longest_silence == 6.0
    assert (m.talk_agent, m.talk_customer, m.talk_ratio_agent) == (1.0, 0.0, 1.0)
    assert m.overtalk == 0.0
    assert m.interruptions_agent == 0
    assert m.utterances == 2


def test_speech_is_clipped_to_the_duration() -> None:
    m = compute_metrics([utt(A, (-0.5, 1.0)), utt(C, (9.0, 12.0))], 10.0)
    assert (m.talk_agent, m.talk_customer, m.silence) == (1.0, 1.0, 8.0)


def test_empty_call() -> None:
    zero = compute_metrics([], 0.0)
    assert all(v == 0 for v in dataclasses.asdict(zero).values())

    silent = compute_metrics([], 30.0)
    assert silent.silence == 30.0
    assert silent.silence_pct == 100.0
    assert silent.longest_silence == 30.0
    assert (silent.talk_agent, silent.talk_customer, silent.talk_ratio_agent) == (0, 0, 0)
    assert (silent.wpm_agent, silent.wpm_customer, silent.utterances) == (0, 0, 0)


def test_zero_duration_with_utterances() -> None:
    m = compute_metrics([AGENT_0_5], 0.0)
    assert (m.talk_agent, m.silence, m.silence_pct, m.wpm_agent) == (0, 0, 0, 0)
    assert m.utterances == 1


def test_negative_duration_is_rejected() -> None:
    with pytest.raises(ValueError, match="duration"):
        compute_metrics([], -1.0)
