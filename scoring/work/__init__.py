"""The human side of QA work as a library: functions over a database session.

Reviews, disputes, acknowledgements and clips, the admins' directory, rubric versions,
audit log and erasure, and accounts and signing in live here, below the API: a route or a
CLI command parses its input, calls one of these and shapes the answer. Each action checks who
may do it, writes its rows and its audit entry, and commits them as one transaction; a
refusal is a :class:`~pipeline.errors.Refused` (``NotFound``, ``Forbidden``, ``Conflict``,
``Invalid``) whose message is the sentence the person reads.

    access            who sees which call and scorecard (an agent: their own calls only),
                      a call's scorecard history, who reads un-redacted text (audited)
    human_scores      a person's verdicts -> a scorecard, by the scorer's own rule
    reviews           a supervisor reviews a call: override criteria, see the diff, close
    disputes          an agent disputes a scorecard; a supervisor accepts or rejects it
    calibration       reviewers score one scorecard blind, then see it side by side
    agreement         percent agreement and Cohen's kappa, automatic vs people and people
                      vs people, per criterion and reviewer over a period
    acknowledgements  an agent acknowledges a scorecard; an agent's scorecards
    clips             the trainers' library of call excerpts
    directory         teams, agents, and looking users up (the admins' directory)
    rubric_versions   rubric versions stored, listed and activated, one per name
    audit_log         the audit log read, newest first
    erasure           erase a call; retention policies per queue
    credentials       passwords (scrypt) and bearer tokens: issue, look up, revoke
    accounts          create and change users: roles, password rules, UI language
    login_limits      failed sign-ins counted per username and address, with back-off
    sign_in           log in (throttled, audited), log out, change one's own password

Accounts' refusals are :class:`~scoring.work.accounts.AccountError` and its kinds, each
with its own ``code`` and ``http_status``; a token refused is
:class:`~scoring.work.credentials.TokenProblem` (401), too many failed sign-ins
:class:`~scoring.work.login_limits.TooManyAttempts` (429, with its ``retry_after``).

A person's scorecard is made by :func:`scoring.scorer.scorecard_of`, the rule the
automatic scorer uses, so its total adds up from its criteria and its flags follow it.
"""
