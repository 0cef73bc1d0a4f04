"""Same seed, same bytes; blocks do not depend on the blocks after them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from accord.errors import InputError
from accord.simulate import params, simulate_company
from accord.simulate.company import LOAD_ORDER
from accord.simulate.params import BLOCK_ACCOUNTS

if TYPE_CHECKING:
    from conftest import Company

AGGREGATED = {
    "google-ads-campaigns.csv",
    "meta-ads.csv",
    "accord-spend.csv",
    "accord-campaigns.csv",
}
"""Files whose rows sum over all blocks (written last)."""
FIXED = {"hubspot-users.csv"}
"""Files that do not depend on the number of accounts (the revenue team)."""


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_seed_writes_identical_bytes(tmp_path: Path) -> None:
    first = simulate_company(tmp_path / "a", accounts=60, seed=3)
    second = simulate_company(tmp_path / "b", accounts=60, seed=3)
    a, b = _files(first.out_dir), _files(second.out_dir)
    assert a.keys() == b.keys()
    assert len(a) == len(LOAD_ORDER) + 2 + 3  # exports, manifest, ground truth, 3 sidecars
    for name in a:
        assert a[name] == b[name], name


def test_another_seed_writes_another_company(tmp_path: Path) -> None:
    a = _files(simulate_company(tmp_path / "a", accounts=60, seed=3).out_dir)
    b = _files(simulate_company(tmp_path / "b", accounts=60, seed=4).out_dir)
    differ = [name for name in a if a[name] != b.get(name)]
    assert len(differ) >= len(LOAD_ORDER)


def test_a_block_is_the_same_whether_more_blocks_follow(tmp_path: Path, company: Company) -> None:
    """Streaming: the first block's rows do not change when more blocks follow, so blocks
    can be generated and written one at a time with bounded memory."""
    one = simulate_company(tmp_path, accounts=BLOCK_ACCOUNTS, seed=company.summary.seed)
    assert company.summary.accounts > BLOCK_ACCOUNTS
    a, b = _files(one.out_dir), _files(company.dir)
    streamed = [n for n in a if n.endswith(".csv") and Path(n).name not in AGGREGATED | FIXED]
    assert len(streamed) == len(LOAD_ORDER) - len(AGGREGATED) - len(FIXED) + 3
    for name in FIXED:
        assert a[name] == b[name], name
    for name in streamed:
        assert b[name].startswith(a[name]), name
        assert len(b[name]) > len(a[name]), name


def test_default_start_is_fixed_not_today(tmp_path: Path) -> None:
    summary = simulate_company(tmp_path, accounts=20, seed=1)
    text = (summary.out_dir / "ground_truth.json").read_text()
    assert '"start": "2024-01-01"' in text


def test_progress_is_reported_per_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(params, "BLOCK_ACCOUNTS", 10)
    calls: list[tuple[str, int, int]] = []
    simulate_company(
        tmp_path,
        accounts=25,
        seed=1,
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )
    generating = [c for c in calls if c[0] == "Generating accounts"]
    assert [c[1] for c in generating] == [10, 20, 25]
    assert all(c[2] == 25 for c in calls)


@pytest.mark.parametrize(("accounts", "months"), [(0, 24), (10, 2), (10, 500)])
def test_impossible_sizes_are_refused(tmp_path: Path, accounts: int, months: int) -> None:
    with pytest.raises(InputError):
        simulate_company(tmp_path, accounts=accounts, months=months)


def test_the_public_surface_is_the_documented_one() -> None:
    import accord.simulate as simulate

    assert simulate.__all__ == ["SimulatedFile", "SimulationSummary", "simulate_company"]
    for name in simulate.__all__:
        assert hasattr(simulate, name)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("accounts", [1, 3])
def test_tiny_companies_with_no_leads_or_customers_still_write_every_file(
    tmp_path: Path, accounts: int, seed: int
) -> None:
    summary = simulate_company(tmp_path, accounts=accounts, seed=seed, months=3)
    assert {f.path.name for f in summary.files} == set(LOAD_ORDER)
    assert all(f.path.exists() for f in summary.files)
