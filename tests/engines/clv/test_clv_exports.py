"""The public surface of accord.engines.clv is exactly its __all__."""

from __future__ import annotations

from types import ModuleType

import accord.engines.clv as clv


def test_all_names_exist_and_are_public() -> None:
    assert sorted(clv.__all__) == clv.__all__
    for name in clv.__all__:
        assert not name.startswith("_")
        assert getattr(clv, name) is not None


def test_no_unlisted_public_members() -> None:
    public = {
        name
        for name, value in vars(clv).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    assert public == set(clv.__all__)
