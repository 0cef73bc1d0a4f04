"""The public surface is small and deliberate (httpx tests/test_exported_members.py)."""

from __future__ import annotations

import accord


def test_all_names_exist_and_are_the_documented_surface() -> None:
    for name in accord.__all__:
        assert hasattr(accord, name), name
    assert set(accord.__all__) >= {"AccordError", "__version__"}
    assert accord.__version__.count(".") == 2
