"""The API's pydantic models, one family per entity: ``XCreate`` / ``XUpdate`` (input),
``XPublic`` (output), ``XsPublic`` (a page: ``data`` and the total ``count``)."""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from pipeline.db.times import as_utc

# Timestamps callqa writes itself are UTC; SQLite hands them back naive, so mark them.
# (A call's started_at is left as stored: on SQLite it is the recording's wall clock.)
UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]

MAX_ID = 2**63 - 1  # the largest BIGINT; SQLite and PostgreSQL refuse anything above it

# A database id sent in a request body: 1 .. 2**63-1, else 422 (as IdPath in the path).
DbId = Annotated[int, Field(ge=1, le=MAX_ID, description="A database id.")]
