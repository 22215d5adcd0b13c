"""The human side of QA work as a library: functions over a database session.

Reviews, disputes, acknowledgements and clips live here, below the API: a route or a CLI
command parses its input, calls one of these and shapes the answer. Each action checks who
may do it, writes its rows and its audit entry, and commits them as one transaction; a
refusal is a :class:`~pipeline.errors.Refused` (``NotFound``, ``Forbidden``, ``Conflict``,
``Invalid``) whose message is the sentence the person reads.

    access            who sees which call and scorecard (an agent: their own calls only)
    human_scores      a person's verdicts -> a scorecard, by the scorer's own rule
    reviews           a supervisor reviews a call: override criteria, see the diff, close
    disputes          an agent disputes a scorecard; a supervisor accepts or rejects it
    acknowledgements  an agent acknowledges a scorecard; an agent's scorecards
    clips             the trainers' library of call excerpts

A person's scorecard is made by :func:`scoring.scorer.scorecard_of`, the rule the
automatic scorer uses, so its total adds up from its criteria and its flags follow it.
"""
