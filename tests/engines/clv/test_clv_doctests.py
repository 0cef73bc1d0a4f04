"""The examples in the CLV modules' docstrings run and are right."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import accord.engines.clv

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(accord.engines.clv.__path__, "accord.engines.clv.")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
