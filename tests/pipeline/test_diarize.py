from __future__ import annotations

import pytest

from pipeline.diarize import assign_words, get_diarizer, words_to_turns
from pipeline.errors import ConfigError
from pipeline.types import Word


def words(*spec: tuple[float, float, str]) -> list[Word]:
    return [Word(s, e, t) for s, e, t in spec]


def test_stereo_turns_interleave_by_word_time() -> None:
    # The agent's channel is one long Whisper segment, but the customer answers in between.
    agent = words((0.0, 0.4, "Hello"), (0.5, 0.9, "there."),
                  (3.0, 3.3, "Your"), (3.4, 3.8, "name?"))
    customer = words((1.2, 1.5, "Hi,"), (1.6, 2.0, "yes."), (4.2, 4.6, "Ali."))
    turns = words_to_turns({"ch0": agent, "ch1": customer}, {"ch0": 0, "ch1": 1})
    assert [(t.speaker, t.text) for t in turns] == [
        ("ch0", "Hello there."), ("ch1", "Hi, yes."), ("ch0", "Your name?"), ("ch1", "Ali."),
    ]
    assert [t.channel for t in turns] == [0, 1, 0, 1]


def test_long_pause_splits_a_turn_and_overlap_is_kept() -> None:
    agent = words((0.0, 0.5, "One"), (0.6, 1.0, "two"), (2.5, 3.0, "three"))
    customer = words((0.8, 1.4, "wait"))  # starts while the agent speaks: overtalk
    turns = words_to_turns({"A": agent, "C": customer})
    assert [t.text for t in turns] == ["One two", "wait", "three"]
    assert turns[1].start < turns[0].end  # overlapping turns stay overlapping


def test_words_go_to_the_speaker_turn_they_overlap_most() -> None:
    turns = [(0.0, 2.0, "SPEAKER_00"), (1.9, 4.0, "SPEAKER_01"), (6.0, 7.0, "SPEAKER_00")]
    ws = words((0.1, 0.5, "a"), (1.7, 2.3, "b"), (2.5, 3.0, "c"), (5.0, 5.2, "d"))
    by = assign_words(ws, turns)
    assert [w.text for w in by["SPEAKER_00"]] == ["a", "d"]  # d: no overlap, nearest turn
    assert [w.text for w in by["SPEAKER_01"]] == ["b", "c"]


def test_no_diarizer_configured_names_the_setting() -> None:
    with pytest.raises(ConfigError, match="not diarised") as err:
        get_diarizer(None)
    assert "CALLQA_DIARIZATION_MODEL" in str(err.value)


def test_undiarised_speech_breaks_at_sentence_pauses() -> None:
    ws = words((0.0, 0.3, "Hello?"), (0.8, 1.0, "Hi."), (1.1, 1.4, "It's"), (1.45, 1.8, "me."))
    turns = words_to_turns({"S0": ws}, sentence_gap=0.2)
    assert [t.text for t in turns] == ["Hello?", "Hi. It's me."]
    assert [t.text for t in words_to_turns({"S0": ws})] == ["Hello? Hi. It's me."]
