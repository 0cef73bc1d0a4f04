"""The runnable examples in the state store's and workspace's docstrings run."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from accord.data import workspace
from accord.data.state import migrate, store


@pytest.mark.parametrize("module", [migrate, store, workspace], ids=lambda m: m.__name__)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
