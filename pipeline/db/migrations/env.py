"""Alembic environment: migrates the database named in the Alembic config (set by callqa)."""

from alembic import context
from sqlalchemy import pool

import pipeline.db.operations  # recordings, cursors, retention, acks: part of the metadata
import pipeline.db.people  # noqa: F401  the people's records are part of the metadata
from pipeline.db.models import Base
from pipeline.db.session import get_engine
from pipeline.db.text_index import include_name  # the text index is not in the metadata

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True, include_name=include_name)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    engine = get_engine(url) if url else None
    assert engine is not None, "callqa sets sqlalchemy.url"
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True, poolclass=pool.NullPool,
                          include_name=include_name)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
