"""Erasure and retention commands: ``callqa calls delete``, ``callqa customer erase``,
``callqa retention ...``.

    callqa calls delete CALL_ID --reason "KVKK request 42" [--yes]
    callqa customer erase CUSTOMER_REF --reason "KVKK request 42" [--yes]
    callqa retention list | set QUEUE DAYS | unset QUEUE | run [--dry-run]

Each command calls :mod:`pipeline.db.erasure`, :mod:`pipeline.db.retention` or the
``retention`` flow, and prints callqa's errors as one line. Erasing asks for confirmation
unless ``--yes`` (with no terminal to answer, it refuses: nothing is erased).
``calls delete`` is attached to the ``calls`` group by :mod:`api.cli`.
"""

from __future__ import annotations

import getpass
from typing import Annotated, Any

import typer

from api.cli.common import Verbose, app, err, fail, out, quiet_prefect, settings
from api.cli.listing import AsCsv, AsJson, emit

retention_app = typer.Typer(help="Retention per queue (KVKK/GDPR): policies and the run "
                                 "that erases expired calls.", no_args_is_help=True)
app.add_typer(retention_app, name="retention")
customer_app = typer.Typer(help="Everything of one customer (KVKK/GDPR requests).",
                           no_args_is_help=True)
app.add_typer(customer_app, name="customer")


def _actor() -> str:
    """Who ran the command, for the audit log: the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in a bare container
        return "cli"


def _database() -> str:
    from pipeline.db.session import ensure_schema

    url: str = settings().resolved_database_url
    ensure_schema(url)
    return url


def calls_delete(  # registered as `callqa calls delete` by api.cli

    call: Annotated[str, typer.Argument(help="The call's id (or an id prefix of 8+ chars).")],
    reason: Annotated[str, typer.Option(
        help="Why it is erased; kept in the audit log (no personal data).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
    = False,
) -> None:
    """Erase a call for good: recording, transcript, scores, reviews, disputes, clips.

    An audit entry keeps who, when, why and how many rows went. Asks first unless --yes.

    Example: ``callqa calls delete 3f9c2a1b --reason "KVKK request 2026-42" --yes``
    """
    from pipeline.db.calls import get_call
    from pipeline.db.erasure import erase_call, store_opener
    from pipeline.db.session import session_scope
    from pipeline.errors import CallqaError

    if len(reason.strip()) < 3:
        raise fail(ValueError("--reason must say why (3 characters at least)"))
    try:
        url = _database()
        with session_scope(url) as session:
            found = get_call(session, call)
            if found is None:
                raise fail(ValueError(f"no call {call!r}; list calls with `callqa calls`"))
            what = (f"call {found.id} ({found.status}, queue {found.queue or '-'}, "
                    f"started {found.started_at or '-'}, {len(found.utterances)} utterances)")
            if not yes and not typer.confirm(f"Erase {what} and its recording for good?"):
                raise fail(ValueError("not erased"))
            report = erase_call(session, store_opener(settings()), found.id,
                                actor=_actor(), reason=reason)
    except typer.Abort:  # no answer (no terminal): refuse rather than erase
        raise fail(ValueError("not erased: no confirmation (pass --yes to skip it)")) from None
    except CallqaError as exc:
        raise fail(exc) from None
    rows = sum(report.removed.values())
    out.print(f"erased call {report.call_id}: {rows} row(s), {report.objects_deleted} "
              f"recording(s) deleted; audit entry {report.audit_id}", highlight=False)
    if report.objects_pending:
        err.print(f"[yellow]recording not deleted yet ({report.store_error}); "
                  "`callqa retention run` retries it[/yellow]", highlight=False, soft_wrap=True)
        raise typer.Exit(2)


@customer_app.command("erase")
def customer_erase(
    customer_ref: Annotated[str, typer.Argument(
        help="The customer_ref of the recordings' metadata.")],
    reason: Annotated[str, typer.Option(
        help="Why they are erased; kept in the audit log (no personal data).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
    = False,
) -> None:
    """Erase every call of one customer for good, in one audited action.

    The audit entry names the customer by a fingerprint only. Asks first unless --yes.

    Example: ``callqa customer erase CUST-104722 --reason "KVKK request 2026-42" --yes``
    """
    from pipeline.db.customer_erasure import customer_call_ids, erase_customer
    from pipeline.db.erasure import store_opener
    from pipeline.db.session import session_scope
    from pipeline.errors import CallqaError

    if len(reason.strip()) < 3:
        raise fail(ValueError("--reason must say why (3 characters at least)"))
    try:
        with session_scope(_database()) as session:
            found = customer_call_ids(session, customer_ref)
            if not found:
                raise fail(ValueError(f"no call of customer {customer_ref!r}"))
            if not yes and not typer.confirm(
                    f"Erase {len(found)} call(s) of customer {customer_ref} and their "
                    "recordings for good?"):
                raise fail(ValueError("not erased"))
            report = erase_customer(session, store_opener(settings()), customer_ref,
                                    actor=_actor(), reason=reason)
    except typer.Abort:  # no answer (no terminal): refuse rather than erase
        raise fail(ValueError("not erased: no confirmation (pass --yes to skip it)")) from None
    except CallqaError as exc:
        raise fail(exc) from None
    out.print(f"erased {len(report.call_ids)} call(s) of customer {report.customer}: "
              f"{sum(report.removed.values())} row(s), {report.objects_deleted} recording(s) "
              f"deleted; audit entry {report.audit_id}", highlight=False)
    if report.objects_pending:
        err.print(f"[yellow]recording(s) not deleted yet ({report.store_error}); "
                  "`callqa retention run` retries them[/yellow]", highlight=False,
                  soft_wrap=True)
        raise typer.Exit(2)


@retention_app.command("list")
def retention_list(as_json: AsJson = False, as_csv: AsCsv = False) -> None:
    """List the retention policies per queue and the default for other queues.

    ``--json`` and ``--csv`` list the default as the row with no queue.

    Example: ``callqa retention list``
    """
    from rich import box
    from rich.table import Table

    from pipeline.db.retention import default_days, list_policies
    from pipeline.db.session import session_scope

    with session_scope(_database()) as session:
        rows: list[dict[str, Any]] = [{"queue": p.queue, "days": p.days, "set_by": p.updated_by,
                 "updated_at": p.updated_at} for p in list_policies(session)]
        days, source = default_days(session, settings().retention_days)
    if emit([*rows, {"queue": None, "days": days, "set_by": source, "updated_at": None}],
            ("queue", "days", "set_by", "updated_at"), as_json, as_csv):
        return
    if rows:
        table = Table(header_style="bold", box=box.SIMPLE_HEAD, show_edge=False,
                      pad_edge=False)
        for name in ("queue", "days", "set by", "on"):
            table.add_column(name, overflow="fold", justify="right" if name == "days" else "left",
                             no_wrap=name in ("days", "on"))
        for row in rows:
            table.add_row(row["queue"], str(row["days"]), row["set_by"] or "-",
                          f"{row['updated_at']:%Y-%m-%d}")
        out.print(table, highlight=False)
    kept = f"{days} days" if days is not None else "forever"
    out.print(f"queues without a policy: kept {kept} ({source})", highlight=False)


@retention_app.command("set")
def retention_set(
    queue: Annotated[str, typer.Argument(help='A queue name, or "*" for every other queue.')],
    days: Annotated[int, typer.Argument(help="Keep its calls this many days.")],
) -> None:
    """Keep a queue's calls this many days (audited); "*" sets the default.

    Example: ``callqa retention set billing 365`` or ``callqa retention set '*' 730``
    """
    from pipeline.db.retention import set_policy
    from pipeline.db.session import session_scope
    from pipeline.errors import CallqaError

    try:
        with session_scope(_database()) as session:
            set_policy(session, queue, days, actor=_actor())
    except CallqaError as exc:
        raise fail(exc) from None
    out.print(f"calls of queue {queue} are kept {days} days", highlight=False)


@retention_app.command("unset")
def retention_unset(
    queue: Annotated[str, typer.Argument(help='The queue (or "*") whose policy goes.')],
) -> None:
    """Remove a queue's retention policy (audited); it then follows the default.

    Example: ``callqa retention unset billing``
    """
    from pipeline.db.retention import remove_policy
    from pipeline.db.session import session_scope
    from pipeline.errors import CallqaError

    try:
        with session_scope(_database()) as session:
            removed = remove_policy(session, queue, actor=_actor())
    except CallqaError as exc:
        raise fail(exc) from None
    if not removed:
        raise fail(ValueError(f"queue {queue!r} has no retention policy"))
    out.print(f"queue {queue} now follows the default", highlight=False)


@retention_app.command("run")
def retention_run(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would go.")]
    = False,
    limit: Annotated[int, typer.Option(help="Erase at most this many calls.")] = 1000,
    verbose: Verbose = False,
) -> None:
    """Erase the calls past their queue's retention period now (the daily flow's work).

    Example: ``callqa retention run --dry-run`` then ``callqa retention run``
    """
    quiet_prefect(verbose)
    from flows.retention import expire_calls
    from pipeline.errors import CallqaError

    try:
        _database()
        report = expire_calls(dry_run=dry_run, limit=limit)
    except CallqaError as exc:
        raise fail(exc) from None
    for call in report.calls:
        out.print(f"{call['call_id']}  {call['queue'] or '-':20} since {call['since'][:10]}  "
                  f"({call['policy']}: {call['days']} days)", highlight=False)
    if dry_run:
        out.print(f"{report.found} call(s) past their retention period; dry run: nothing "
                  "erased", highlight=False)
        return
    out.print(f"{report.erased} call(s) erased, {report.failed} failed, "
              f"{report.objects_pending} recording(s) pending, {report.objects_retried} "
              "pending recording(s) of earlier runs deleted", highlight=False)
    for error in report.errors:
        err.print(f"[red]error:[/red] {error}", highlight=False, soft_wrap=True)
    if report.failed or report.objects_pending:
        raise typer.Exit(2)
