"""Alembic environment: migrates the database named in the Alembic config (set by callqa)."""

from alembic import context
from sqlalchemy import pool

# every module that defines records joins them to Base.metadata when imported
import pipeline.db.accounts
import pipeline.db.audit
import pipeline.db.coaching_records
import pipeline.db.complaint_records
import pipeline.db.outbox
import pipeline.db.reason_records
import pipeline.db.recording_queue
import pipeline.db.retention
import pipeline.db.review_records
import pipeline.db.survey_records  # noqa: F401
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
