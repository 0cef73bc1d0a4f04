"""The state store: definitions, signatures, users, teams and the audit log.

A SQLite file in the workspace by default, PostgreSQL for a shared server; both are
tested. :meth:`StateStore.open` refuses a store whose schema revision is not the one this
Accord ships (:class:`~accord.errors.MigrationError` says whether to run ``accord
upgrade`` or to upgrade Accord); :meth:`StateStore.connect` skips that check, for
``upgrade`` itself.

Examples
--------
>>> store = StateStore.connect("sqlite://")
>>> steps = store.upgrade()
>>> store.add_team("marketing", actor="system:example").name
'marketing'
>>> store.add_user("maria", team="marketing", role="lead", actor="system:example").role
'lead'
>>> [a.action for a in store.audit()]
['user.add', 'team.add']
>>> store.close()
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from accord.data.state import migrate, people
from accord.data.state.audit import AuditRecord, list_audit
from accord.data.state.people import TeamRecord, UserRecord
from accord.errors import ConfigError, OptionalDependencyMissing, StoreError

__all__ = ["StateStore"]


def _create_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(
            f"{url!r} is not a database URL.",
            hint="Use sqlite:///state.sqlite or postgresql+psycopg://user@host/db in "
            "[state] url of accord.toml.",
        ) from exc
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    try:
        engine = create_engine(parsed, **kwargs)
    except ModuleNotFoundError as exc:
        raise OptionalDependencyMissing(exc.name or "psycopg", extra="postgres") from exc
    except NoSuchModuleError as exc:
        raise ConfigError(
            f"Unsupported state store URL {parsed.render_as_string()!r}: {exc}",
            hint="The state store runs on sqlite:/// or postgresql+psycopg://.",
        ) from exc
    if engine.dialect.name == "sqlite":
        _transactional_sqlite(engine)
    return engine


def _transactional_sqlite(engine: Engine) -> None:
    """Make SQLite honour transactions for DDL too, and enforce foreign keys.

    pysqlite's default begins transactions lazily and never around DDL, so a failed
    migration would leave half a schema; this is SQLAlchemy's documented recipe.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


class StateStore:
    """An open state store.

    Parameters
    ----------
    engine
        A SQLAlchemy engine (made by :meth:`connect` / :meth:`open`).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def connect(cls, url: str) -> StateStore:
        """Connect without checking the schema revision (for ``upgrade``)."""
        store = cls(_create_engine(url))
        store.revision()  # fail now, with a clear message, if the database is unreachable
        return store

    @classmethod
    def open(cls, url: str) -> StateStore:
        """Connect and check that the schema is at this Accord's revision.

        Raises
        ------
        MigrationError
            The store needs ``accord upgrade``, or was written by a newer Accord.
        StoreError
            The database cannot be reached.
        """
        store = cls.connect(url)
        try:
            with store._connection() as conn:
                migrate.check_schema(conn)
        except BaseException:
            store.close()
            raise
        return store

    @property
    def url(self) -> str:
        """The store's URL with any password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(
                f"The state store {self.url} failed: {exc.__class__.__name__}: "
                f"{str(exc).splitlines()[0]}",
                hint="Check that the database server is running and [state] url in "
                "accord.toml (or ACCORD_STATE_URL).",
            ) from exc

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        try:
            with self._sessions.begin() as session:
                yield session
        except SQLAlchemyError as exc:
            raise StoreError(
                f"The state store {self.url} failed: {exc.__class__.__name__}: "
                f"{str(exc).splitlines()[0]}",
                hint="Check that the database server is running; nothing was changed.",
            ) from exc

    # ------------------------------------------------------------ schema
    def revision(self) -> str | None:
        """The store's schema revision (``None`` for an empty database)."""
        with self._connection() as conn:
            return migrate.current_revision(conn)

    def upgrade(self) -> list[str]:
        """Migrate to this Accord's newest revision; return the steps applied."""
        return self._migrate(lambda conn: migrate.upgrade(conn))

    def downgrade(self, target: str) -> list[str]:
        """Migrate down to *target* (for tests and revision authors)."""
        return self._migrate(lambda conn: migrate.downgrade(conn, target))

    def _migrate(self, step: Any) -> list[str]:
        sqlite = self.engine.dialect.name == "sqlite"
        with self._connection() as conn:
            if sqlite:  # table rebuilds in batch mode need foreign keys off (SQLite docs §5)
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            try:
                with conn.begin():
                    steps: list[str] = step(conn)
                    if sqlite:
                        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                        if broken:
                            raise StoreError(
                                f"A migration broke {len(broken)} foreign key(s); rolled back.",
                                hint="Please report this with `accord --debug upgrade`.",
                            )
            finally:
                if sqlite:
                    conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
        return steps

    # ------------------------------------------------------------ people
    def add_team(self, name: str, *, actor: str) -> TeamRecord:
        """Create a team (audit-logged); see :func:`accord.data.state.people.add_team`."""
        with self.session() as session:
            return people.add_team(session, name, actor=actor)

    def teams(self) -> list[TeamRecord]:
        """Every team with its number of active users."""
        with self.session() as session:
            return people.list_teams(session)

    def add_user(
        self,
        name: str,
        *,
        team: str,
        role: str = "member",
        email: str | None = None,
        actor: str,
    ) -> UserRecord:
        """Create a user (audit-logged); see :func:`accord.data.state.people.add_user`."""
        with self.session() as session:
            return people.add_user(session, name, team=team, role=role, email=email, actor=actor)

    def users(self, *, team: str | None = None, include_inactive: bool = False) -> list[UserRecord]:
        """Users by team and name."""
        with self.session() as session:
            return people.list_users(session, team=team, include_inactive=include_inactive)

    def user(self, name: str) -> UserRecord:
        """The user *name* (:class:`~accord.errors.NotFound` if none)."""
        with self.session() as session:
            return people.get_user(session, name)

    def actor(self, name: str) -> UserRecord:
        """The active user *name* who is about to act (``--as``)."""
        with self.session() as session:
            return people.check_actor(session, name)

    def audit(
        self, *, entity: str | None = None, actor: str | None = None, limit: int = 100
    ) -> list[AuditRecord]:
        """The newest audit entries first."""
        with self.session() as session:
            return list_audit(session, entity=entity, actor=actor, limit=limit)

    # ------------------------------------------------------------ lifecycle
    def close(self) -> None:
        """Release the connection pool (idempotent)."""
        self.engine.dispose()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
