"""User commands: ``callqa user add``, ``callqa user teams``, ``callqa user list`` (people
who sign in to the API)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from api.cli.common import app, fail, out, settings
from api.cli.listing import AsCsv, AsJson, emit

if TYPE_CHECKING:
    from pipeline.db.accounts import User

user_app = typer.Typer(help="Users of the web API: add them, set their teams, list them.",
                       no_args_is_help=True)
Teams = Annotated[list[str] | None, typer.Option(
    "--team", help="A team whose calls a supervisor or trainer sees under team scoping "
                   "(CALLQA_TEAM_SCOPING); repeat for more.")]
app.add_typer(user_app, name="user")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="The name to sign in with.")],
    role: Annotated[str, typer.Option(help="admin, supervisor, trainer or agent.")],
    agent: Annotated[str | None, typer.Option(
        help="For an agent user: the agent's external id (agent_id in the call metadata).")
    ] = None,
    full_name: Annotated[str | None, typer.Option(help="The person's name.")] = None,
    language: Annotated[str | None, typer.Option(
        help="Their web UI language: tr or en (default: their browser's).")] = None,
    team: Teams = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of stdin.")] = False,
) -> None:
    """Add a user who can sign in to the API; asks for the password (or reads stdin).

    Example: ``callqa user add ayse --role agent --agent A-17 --language tr``,
    ``callqa user add deniz --role supervisor --team Billing`` or
    ``echo "$PW" | callqa user add admin --role admin --password-stdin``
    """
    from pipeline.db.session import ensure_schema, session_scope
    from pipeline.errors import CallqaError
    from scoring.work.accounts import create_user
    from scoring.work.directory import set_user_teams, teams_named

    password = _read_password(password_stdin)
    url = settings().resolved_database_url
    try:
        ensure_schema(url)
        with session_scope(url) as session:
            teams = teams_named(session, team or ())  # an unknown one: no user is made
            user = create_user(session, username=username, password=password, role=role,
                               full_name=full_name, agent=agent, language=language)
            if teams:
                set_user_teams(session, None, user, teams)
            spoken = f", language {user.language}" if user.language else ""
            spoken += f", teams {_names(user)}" if teams else ""
    except CallqaError as exc:
        raise fail(exc) from None
    tied = f", agent {agent}" if agent else ""
    out.print(f"user {username} added ({role}{tied}{spoken})", highlight=False)


def _names(user: User) -> str:
    return ",".join(t.name for t in user.teams) or "-"


@user_app.command("teams")
def user_teams(
    username: Annotated[str, typer.Argument(help="The user's sign-in name.")],
    team: Teams = None,
) -> None:
    """Set the teams a user works in (all of them; no --team removes every team).

    Example: ``callqa user teams deniz --team Billing --team Sales``
    """
    from sqlalchemy import select

    from pipeline.db.accounts import User
    from pipeline.db.session import ensure_schema, session_scope
    from pipeline.errors import CallqaError, NotFound
    from scoring.work.directory import set_user_teams, teams_named

    url = settings().resolved_database_url
    try:
        ensure_schema(url)
        with session_scope(url) as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                raise NotFound(f"no user {username!r}: see callqa user list")
            set_user_teams(session, None, user, teams_named(session, team or ()))
            names = _names(user)
    except CallqaError as exc:
        raise fail(exc) from None
    out.print(f"user {username}: teams {names}", highlight=False)


@user_app.command("list")
def user_list(as_json: AsJson = False, as_csv: AsCsv = False) -> None:
    """List the API's users with their role, agent, language, state and teams.

    Example: ``callqa user list``, ``callqa user list --csv``
    """
    from rich import box
    from rich.table import Table
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from pipeline.db.accounts import User
    from pipeline.db.session import ensure_schema, session_scope

    url = settings().resolved_database_url
    ensure_schema(url)
    with session_scope(url) as session:
        rows: list[dict[str, Any]] = [{
            "username": user.username, "full_name": user.full_name, "role": user.role,
            "agent": user.agent.external_id if user.agent else None,
            "language": user.language, "active": user.active,
            "teams": sorted(t.name for t in user.teams),
        } for user in session.scalars(select(User).options(selectinload(User.agent),
                                                           selectinload(User.teams))
                                      .order_by(User.username))]
    if emit(rows, USER_FIELDS, as_json, as_csv):
        return
    table = Table(header_style="bold", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    with_teams = any(row["teams"] for row in rows)  # no teams anywhere: no column
    for name in ("user", "role", "agent", "lang", "state", *(("teams",) if with_teams else ())):
        table.add_column(name, overflow="fold", no_wrap=name in ("user", "role", "lang"))
    for row in rows:
        state = "active" if row["active"] else "deactivated"
        table.add_row(row["username"], row["role"], row["agent"] or "-",
                      row["language"] or "-", state,
                      *((", ".join(row["teams"]) or "-",) if with_teams else ()))
    out.print(table, highlight=False)


USER_FIELDS = ("username", "full_name", "role", "agent", "language", "active", "teams")
