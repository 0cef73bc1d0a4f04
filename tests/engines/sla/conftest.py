"""The simulated company shared by this folder's recovery tests (see ../funnel/simulated.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

_NAME = "accord_tests_simulated_company"


def simulated_helper() -> ModuleType:
    """``tests/engines/funnel/simulated.py``, imported once under one name per session."""
    if _NAME not in sys.modules:
        path = Path(__file__).parents[1] / "funnel" / "simulated.py"
        spec = importlib.util.spec_from_file_location(_NAME, path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[_NAME] = module
        spec.loader.exec_module(module)
    return sys.modules[_NAME]


@pytest.fixture(scope="session")
def company(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """500 simulated accounts loaded into DuckDB and keyed by the true person."""
    return simulated_helper().simulated_company(tmp_path_factory.mktemp("company"))
