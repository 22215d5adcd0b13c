"""Map the speakers of a call to agent and customer.

- **Stereo** (one party per channel): the call's metadata channel map wins
  (``{0: Role.AGENT, 1: Role.CUSTOMER}``); without one, ``RoleOptions.agent_channel`` is the
  agent and every other channel the customer.
- **Mono** (diarised speakers): each speaker is scored by the agent-opening evidence it
  gives within ``RoleOptions.opening_window`` seconds of the start: the company's name and
  greeting phrases ("thank you for calling", "size nasıl yardımcı olabilirim", ...), each
  distinct phrase counting once. The speaker with the most evidence is the agent (a tie
  goes to the one whose evidence came first), everyone else is a customer. Without any
  evidence the first speaker is the agent. A single speaker stays ``Role.UNKNOWN``.

Text is matched through :func:`pipeline.textnorm.fold`, so case, Turkish dotted and
dotless i's, accents and punctuation do not matter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pipeline.textnorm import contains_phrase
from pipeline.types import Role, Utterance

__all__ = [
    "DEFAULT_GREETINGS",
    "RoleAssignment",
    "RoleOptions",
    "assign_roles_mono",
    "assign_roles_stereo",
]

DEFAULT_GREETINGS: tuple[str, ...] = (
    # English
    "thank you for calling",
    "thanks for calling",
    "my name is",
    "how can I help you",
    "how may I help you",
    "this call is being recorded",
    "this call may be recorded",
    # Turkish
    "hoş geldiniz",
    "size nasıl yardımcı olabilirim",
    "nasıl yardımcı olabilirim",
    "iyi günler, ben",
    "görüşme kayıt altına alınmaktadır",
    "kayıt altına alınmaktadır",
    "aradığınız için teşekkür ederiz",
    # Azerbaijani
    "sizə necə kömək edə bilərəm",
    "necə kömək edə bilərəm",
    "xoş gəlmisiniz",
    "zəng etdiyiniz üçün təşəkkür edirik",
)

METHODS = ("channel_map", "default_channel", "greeting", "first_speaker", "single_speaker")


@dataclass(frozen=True)
class RoleOptions:
    """How roles are decided when the recording itself does not say."""

    agent_channel: int = 0  # stereo default when metadata gives no channel map
    company_names: tuple[str, ...] = ()  # e.g. ("Anadolu Telekom",)
    greeting_phrases: tuple[str, ...] = DEFAULT_GREETINGS  # agent openings, any language
    opening_window: float = 30.0  # seconds from the start where greeting evidence counts


@dataclass(frozen=True)
class RoleAssignment:
    """Which speaker is which party, how that was decided and why."""

    roles: Mapping[str, Role]  # speaker -> role
    method: str  # one of METHODS
    evidence: str  # one line a person can read, e.g. 'ch0 -> agent (channel map)'

    def to_dict(self) -> dict[str, object]:
        return {
            "roles": {speaker: role.value for speaker, role in self.roles.items()},
            "method": self.method,
            "evidence": self.evidence,
        }


def assign_roles_stereo(
    utterances: Sequence[Utterance],
    channel_map: Mapping[int, Role] | None,
    options: RoleOptions | None = None,
) -> tuple[tuple[Utterance, ...], RoleAssignment]:
    """Roles of a stereo call from each utterance's ``channel``.

    A non-empty ``channel_map`` (from the call's metadata) decides; channels it does not
    name, and utterances without a channel, get ``Role.UNKNOWN``. Without a map,
    ``options.agent_channel`` is the agent and any other channel the customer.
    """
    opts = options or RoleOptions()
    if channel_map:
        method, source = "channel_map", "from the call's channel map"

        def role_of(channel: int | None) -> Role:
            return channel_map.get(channel, Role.UNKNOWN) if channel is not None else Role.UNKNOWN

    else:
        method, source = "default_channel", f"default: agent on channel {opts.agent_channel}"

        def role_of(channel: int | None) -> Role:
            if channel is None:
                return Role.UNKNOWN
            return Role.AGENT if channel == opts.agent_channel else Role.CUSTOMER

    labelled = tuple(dataclasses.replace(u, role=role_of(u.channel)) for u in utterances)
    roles = {u.speaker: u.role for u in labelled}
    channels = sorted({u.channel for u in labelled if u.channel is not None})
    mapping = ", ".join(f"channel {ch} -> {role_of(ch).value}" for ch in channels)
    evidence = f"{mapping or 'no channels'} ({source})"
    return labelled, RoleAssignment(roles=roles, method=method, evidence=evidence)


def assign_roles_mono(
    utterances: Sequence[Utterance],
    options: RoleOptions | None = None,
) -> tuple[tuple[Utterance, ...], RoleAssignment]:
    """Roles of a mono call's diarised speakers from who gives the agent's opening."""
    opts = options or RoleOptions()
    speakers = _speakers_in_order(utterances)
    if len(speakers) <= 1:
        roles = {speaker: Role.UNKNOWN for speaker in speakers}
        evidence = (
            f"only {speakers[0]} speaks: agent and customer cannot be told apart"
            if speakers
            else "nobody speaks"
        )
        return _relabel(utterances, roles), RoleAssignment(roles, "single_speaker", evidence)

    found = _evidence(utterances, opts)
    if found:
        # Most distinct phrases wins; a tie goes to the earliest evidence.
        agent = max(found, key=lambda s: (len(found[s].phrases), -found[s].at))
        best = found[agent]
        method = "greeting"
        others = [f"{s}: {len(found[s].phrases)}" for s in speakers if s != agent and s in found]
        evidence = (
            f'{agent} said "{_shorten(best.text)}" at {_clock(best.at)}'
            f" (matched: {', '.join(best.phrases)}"
            + (f"; others {', '.join(others)}" if others else "")
            + ")"
        )
    else:
        agent = speakers[0]
        first = min((u for u in utterances if u.speaker == agent), key=lambda u: u.start)
        method = "first_speaker"
        evidence = (
            f"no greeting evidence in the first {opts.opening_window:g} s;"
            f" {agent} speaks first, at {_clock(first.start)}"
        )
    roles = {s: Role.AGENT if s == agent else Role.CUSTOMER for s in speakers}
    return _relabel(utterances, roles), RoleAssignment(roles, method, evidence)


@dataclass
class _Evidence:
    """Greeting evidence of one speaker: distinct phrases, and its first sighting."""

    at: float
    text: str
    phrases: list[str] = field(default_factory=list)


def _evidence(utterances: Sequence[Utterance], opts: RoleOptions) -> dict[str, _Evidence]:
    """Per speaker, the distinct company names and greetings said in the opening window."""
    phrases = tuple(dict.fromkeys(opts.company_names + opts.greeting_phrases))
    found: dict[str, _Evidence] = {}
    for u in sorted(utterances, key=lambda u: u.start):
        if u.start >= opts.opening_window:
            break
        hits = [p for p in phrases if contains_phrase(u.text, p)]
        if not hits:
            continue
        ev = found.setdefault(u.speaker, _Evidence(at=u.start, text=u.text))
        ev.phrases.extend(p for p in hits if p not in ev.phrases)
    return found


def _speakers_in_order(utterances: Sequence[Utterance]) -> list[str]:
    """Distinct speakers, ordered by when they first speak."""
    return list(dict.fromkeys(u.speaker for u in sorted(utterances, key=lambda u: u.start)))


def _relabel(utterances: Sequence[Utterance], roles: Mapping[str, Role]) -> tuple[Utterance, ...]:
    return tuple(dataclasses.replace(u, role=roles[u.speaker]) for u in utterances)


def _clock(seconds: float) -> str:
    """``75.4 -> "1:15"``; hours are shown when needed (``"1:02:03"``)."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
