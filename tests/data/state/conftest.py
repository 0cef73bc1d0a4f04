"""A state-store URL on each backend: SQLite (default tier) and PostgreSQL (integration)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.integration),
    ]
)
def state_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty database; the PostgreSQL one is created on a real server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.sqlite'}"
    url: str = request.getfixturevalue("postgres_url")
    return url
