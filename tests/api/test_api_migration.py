"""Migrations from 0003 (people's records) to the head: upgrade, downgrade and upgrade
again on SQLite and PostgreSQL, and the migrated schema matches the models (nothing left
to autogenerate)."""

from __future__ import annotations

PEOPLE = {"users", "api_tokens", "audit_log", "reviews", "criterion_overrides", "disputes",
          "clips"}
OPERATIONS = {"recordings", "ingest_cursors", "retention_policies", "acknowledgements"}


def test_0003_upgrades_downgrades_and_matches_the_models(both_db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    import pipeline.db.accounts
    import pipeline.db.audit
    import pipeline.db.coaching_records
    import pipeline.db.complaint_records
    import pipeline.db.outbox
    import pipeline.db.reason_records
    import pipeline.db.recording_queue
    import pipeline.db.retention
    import pipeline.db.review_records
    import pipeline.db.survey_records  # noqa: F401  every record module's tables are in the metadata
    from pipeline.db.models import Base
    from pipeline.db.session import alembic_config, get_engine, table_names, upgrade
    from pipeline.db.text_index import include_name

    url = both_db_url
    upgrade(url, "0002")
    assert not PEOPLE & set(table_names(url))
    upgrade(url)
    assert set(table_names(url)) >= PEOPLE | OPERATIONS | {"calls", "scores"}
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    with get_engine(url).connect() as conn:
        context = MigrationContext.configure(conn, opts={  # the text index is not in it
            "render_as_batch": True, "include_name": include_name})
        assert context.get_current_revision() == head
        assert compare_metadata(context, Base.metadata) == []

    from alembic import command

    command.downgrade(alembic_config(url), "0002")
    assert not (PEOPLE | OPERATIONS) & set(table_names(url)) and "scores" in table_names(url)
    upgrade(url)
    assert set(table_names(url)) >= PEOPLE
