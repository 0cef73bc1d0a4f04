"""Fixtures shared by the whole suite.

``postgres_url`` gives a fresh database on a real PostgreSQL server for the
``integration`` tier. CI (``.ci/run``) starts a throwaway server and passes its admin URL
in ``ACCORD_TEST_POSTGRES_URL``; on a developer machine without that variable the fixture
starts its own throwaway cluster from the PostgreSQL binaries if they are installed, and
skips otherwise. Under ``CI=true`` a missing server is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--snapshot-update",
        action="store_true",
        help="rewrite golden files (SQL, CLI output) instead of comparing against them",
    )


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The reference data folder beside the checkout (``../shared/data``)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not found at {SHARED_DATA}")
    return SHARED_DATA


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _pg_bin() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)
    for path in reversed(candidates):
        if (path / "initdb").exists():
            return path
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """Admin SQLAlchemy URL of a PostgreSQL server (given by CI or started here)."""
    given = os.environ.get("ACCORD_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    pg_bin = _pg_bin()
    if pg_bin is None:
        _unavailable("no PostgreSQL binaries (initdb) on this machine")
        return
    root = Path(tempfile.mkdtemp(prefix="accord-pg-"))
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(root, "postgres", "postgres")
    port = _free_port()
    data = root / "data"
    try:
        subprocess.run(
            [*prefix, str(pg_bin / "initdb"), "-D", str(data), "-U", "postgres",
             "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
            check=True, capture_output=True,
        )  # fmt: skip
        subprocess.run(
            [*prefix, str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w",
             "-o", f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off", "start"],
            check=True, capture_output=True,
        )  # fmt: skip
    except (subprocess.CalledProcessError, OSError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        _unavailable(f"could not start a throwaway PostgreSQL: {exc}")
        return
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            check=False, capture_output=True,
        )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database, dropped after the test."""
    import sqlalchemy as sa

    name = f"accord_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(sa.text(f'CREATE DATABASE "{name}"'))
    base = postgres_admin_url.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as con:
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
