"""User commands: ``callqa user add``, ``callqa user list`` (people who sign in to the API)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from api.cli.common import app, fail, out, settings

user_app = typer.Typer(help="Users of the web API: add and list them.", no_args_is_help=True)
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
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of stdin.")] = False,
) -> None:
    """Add a user who can sign in to the API; asks for the password (or reads stdin).

    Example: ``callqa user add ayse --role agent --agent A-17 --language tr`` or
    ``echo "$PW" | callqa user add admin --role admin --password-stdin``
    """
    from pipeline.db.session import ensure_schema, session_scope
    from pipeline.errors import CallqaError
    from scoring.work.accounts import create_user

    password = _read_password(password_stdin)
    url = settings().resolved_database_url
    try:
        ensure_schema(url)
        with session_scope(url) as session:
            user = create_user(session, username=username, password=password, role=role,
                               full_name=full_name, agent=agent, language=language)
            spoken = f", language {user.language}" if user.language else ""
    except CallqaError as exc:
        raise fail(exc) from None
    tied = f", agent {agent}" if agent else ""
    out.print(f"user {username} added ({role}{tied}{spoken})", highlight=False)


@user_app.command("list")
def user_list() -> None:
    """List the API's users with their role, agent and whether they are active.

    Example: ``callqa user list``
    """
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from pipeline.db.accounts import User
    from pipeline.db.session import ensure_schema, session_scope

    url = settings().resolved_database_url
    ensure_schema(url)
    with session_scope(url) as session:
        for user in session.scalars(select(User).options(selectinload(User.agent))
                                    .order_by(User.username)):
            agent = user.agent.external_id if user.agent else "-"
            state = "active" if user.active else "deactivated"
            out.print(f"{user.username:24} {user.role:11} {agent:12} {user.language or '-':3} "
                      f"{state}", highlight=False)
