"""Alembic environment for the state store.

Accord runs migrations itself (:mod:`accord.data.state.migrate`) and hands the open
connection over in ``config.attributes["connection"]``. ``render_as_batch`` lets the same
revisions alter tables on SQLite, which cannot ``ALTER`` most things in place.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from accord.data.state.migrate import VERSION_TABLE
from accord.data.state.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only for the alembic command line
    from sqlalchemy import create_engine

    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set sqlalchemy.url (the state store URL) to run alembic directly")
    with create_engine(url).connect() as conn:
        _run(conn)
else:
    _run(connection)
