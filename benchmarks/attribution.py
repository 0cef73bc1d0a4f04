"""Attribution: Accord's engines against ChannelAttribution on the same 1M-path file.

Run from the repository root with the project's interpreter::

    .venv/bin/python benchmarks/attribution.py            # everything (first run: minutes)
    .venv/bin/python benchmarks/attribution.py --paths 200000 --setup-only
    .venv/bin/python benchmarks/attribution.py --warehouse 10000000   # workspace path only

What it does, in one run:

1. creates ``benchmarks/.venvs/channelattribution`` and installs the peer
   (``channelattribution``, GPL-3: a benchmark peer only, never a dependency of Accord;
   it compiles from source and imports matplotlib, so the first time takes minutes);
2. generates a path file in ChannelAttribution's layout with ``--paths`` distinct paths
   (default 1,000,000; 12 channels of unequal reach, geometric journey lengths with
   repeats, conversions and value from planted channel lifts), under ``.benchmarks/``;
3. runs, each in its own subprocess so that time and peak memory are its own: the
   peer's ``heuristic_models``; the peer's ``markov_model`` (order 1, value and nulls,
   its defaults otherwise: 1e5 simulations, one core); and Accord's exact order-1 Markov,
   every rule model and Shapley together, parsing the paths included;
4. prints time and peak resident memory of each, the ratio of the peer's
   ``markov_model`` to all of Accord's models, and the largest relative difference per
   channel (rules must be identical; Markov differs by the peer's simulation error).

Time counts the computation from an in-memory table (a pandas DataFrame for the peer,
an Arrow table for Accord); reading the CSV is not timed for either. Peak memory is the
process's maximum resident set size, file reading included.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / "benchmarks" / ".venvs" / "channelattribution"
DATA = ROOT / ".benchmarks" / "attribution"
PEER_PIN = "channelattribution==2.2.5"
CHANNELS = [
    "paid_search", "paid_social", "organic_search", "email", "display", "referral",
    "direct", "events", "webinar", "content", "partner", "outbound",
]  # fmt: skip


# ------------------------------------------------------------------------------ setup
def ensure_peer() -> Path:
    """The peer venv's interpreter, creating the venv and installing the peer if needed."""
    python = VENV / "bin" / "python"
    quiet_import = (
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()): import ChannelAttribution"
    )
    probe = [str(python), "-c", quiet_import]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    print(f"creating {VENV.relative_to(ROOT)} and installing {PEER_PIN} (minutes)...")
    VENV.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, PEER_PIN, "numpy", "pandas", "matplotlib"], check=True)
    subprocess.run(probe, check=True)
    return python


def generate(n_paths: int, seed: int = 2024) -> Path:
    """Write ``n_paths`` distinct paths (ChannelAttribution layout) and return the file."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pv

    out = DATA / f"paths_{n_paths}.csv"
    if out.exists():
        return out
    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    k = len(CHANNELS)
    reach = rng.dirichlet(np.full(k, 1.5))
    lift = rng.uniform(0.0, 0.08, k)
    names = pa.array(CHANNELS)
    tables = []
    distinct = 0
    while distinct < n_paths:
        n = 2 * n_paths
        lengths = np.minimum(rng.geometric(0.28, n), 40)
        total = int(lengths.sum())
        fresh = rng.choice(k, size=total, p=reach)
        starts = np.cumsum(lengths) - lengths
        repeat = rng.random(total) < 0.3
        repeat[starts] = False
        source = np.where(repeat, 0, np.arange(total))
        touches = fresh[np.maximum.accumulate(source)]  # a repeat copies the touch before
        owner = np.repeat(np.arange(n), lengths)
        log_keep = np.bincount(owner, np.log1p(-lift[touches]) * 0.7, minlength=n)
        p = 1 - 0.99 * np.exp(log_keep)
        converted = rng.random(n) < p
        value = np.where(converted, np.round(rng.lognormal(4.0, 0.8, n), 2), 0.0)
        offsets = pa.array(np.concatenate(([0], np.cumsum(lengths))).astype(np.int32))
        lists = pa.ListArray.from_arrays(offsets, names.take(pa.array(touches)))
        journeys = pa.table(
            {
                "path": pc.binary_join(lists, " > "),
                "total_conversions": converted.astype(np.int64),
                "total_conversion_value": value,
                "total_null": (~converted).astype(np.int64),
            }
        )
        tables.append(journeys)
        summed = (
            pa.concat_tables(tables)
            .group_by("path")
            .aggregate(
                [
                    ("total_conversions", "sum"),
                    ("total_conversion_value", "sum"),
                    ("total_null", "sum"),
                ]
            )
        )
        distinct = summed.num_rows
    keep = np.sort(rng.choice(summed.num_rows, n_paths, replace=False))
    summed = summed.take(pa.array(keep)).rename_columns(
        ["path", "total_conversions", "total_conversion_value", "total_null"]
    )
    pv.write_csv(summed, out)
    return out


# ---------------------------------------------------------------------------- workers
def _peak_mb() -> float:
    """Peak resident set of this process (VmHWM: unlike ru_maxrss it is not inherited
    from the parent across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # pragma: no cover


def worker_peer(kind: str, file: Path) -> dict[str, Any]:
    """Run one peer model (in the peer venv) and report time, memory and results."""
    import contextlib
    import io

    import pandas as pd

    with contextlib.redirect_stdout(io.StringIO()):
        import ChannelAttribution as ca  # GPL peer: only ever imported in its own venv

    data = pd.read_csv(file)
    loaded_mb = _peak_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        if kind == "heuristic":
            res = ca.heuristic_models(
                data, "path", "total_conversions", var_value="total_conversion_value",
                flg_pro=False,
            )  # fmt: skip
        else:
            res = ca.markov_model(
                data, "path", "total_conversions", var_value="total_conversion_value",
                var_null="total_null", order=1, verbose=False, flg_pro=False,
            )  # fmt: skip
    return {
        "seconds": time.perf_counter() - t0,
        "cpu_seconds": time.process_time() - c0,
        "peak_mb": _peak_mb(),
        "loaded_mb": loaded_mb,
        "result": res.to_dict(orient="records"),
    }


def worker_ours(file: Path) -> dict[str, Any]:
    """Run Accord's exact Markov, every rule model and Shapley (Zhao's and the fitted
    game) on the file."""
    import pandas  # noqa: F401  pyarrow.compute imports it lazily; the peer has it loaded
    import pyarrow.csv as pv

    sys.path.insert(0, str(ROOT / "src"))
    from accord.engines.attribution import PathCounts, markov, rules, run_model, shapley

    table = pv.read_csv(file)
    loaded_mb = _peak_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    paths = PathCounts.from_arrow(
        table, path_col="path", conversions_col="total_conversions",
        value_col="total_conversion_value", null_col="total_null",
    )  # fmt: skip
    parsed = time.perf_counter()
    results = [
        rules.first_touch(paths),
        rules.last_touch(paths),
        rules.linear(paths),
        rules.time_decay(paths),
        rules.u_shaped(paths),
        markov(paths, order=1, include_nulls=True),
        shapley(paths),
        run_model(paths, "shapley_fitted"),  # logistic fit on the channel-set aggregates
    ]
    return {
        "seconds": time.perf_counter() - t0,
        "cpu_seconds": time.process_time() - c0,
        "parse_seconds": parsed - t0,
        "peak_mb": _peak_mb(),
        "loaded_mb": loaded_mb,
        "result": {r.model: r.as_dict() for r in results},
    }


# ---------------------------------------------------------------------------- warehouse
CHANNELS = ("paid_search", "paid_social", "organic_search", "organic_social", "email",
            "display", "referral", "direct", "events", "webinar", "content")  # fmt: skip


def make_workspace(touches: int, seed: int = 7) -> Path:
    """A workspace whose warehouse holds *touches* touchpoints of ``touches / 10`` people
    (made in DuckDB SQL, seeded), lead and MQL events, opportunities, starter definitions
    signed. Reused when it exists."""
    sys.path.insert(0, str(ROOT / "src"))
    from accord.cli.demo import demo_users, sign_starter
    from accord.data.workspace import Workspace
    from accord.definitions.sql_store import SqlDefinitionStore

    root = DATA / f"workspace-{touches}"
    if (root / "accord.toml").exists():
        return root
    ws = Workspace.init(root)
    people = max(touches // 10, 1)
    channels = "[" + ", ".join(f"'{c}'" for c in CHANNELS) + "]"
    with ws.warehouse() as wh:
        con = wh.duckdb
        con.execute(f"SELECT setseed({seed / 100})")
        con.execute(f"""INSERT INTO touchpoints BY NAME SELECT 'hubspot' AS source_system,
            'tp' || i AS source_id, 'tp' || i AS touchpoint_id,
            'c' || (hash(i) % {people}) AS contact_id,
            TIMESTAMP '2024-01-01' + to_seconds((random() * 63072000)::BIGINT) AS ts,
            {channels}[1 + (hash(i * 7) % {len(CHANNELS)})::INT] AS channel,
            CASE WHEN random() < 0.85 THEN 'marketing' WHEN random() < 0.8 THEN 'sales'
                 ELSE 'partners' END AS team
            FROM range({touches}) r(i)""")
        for stage, share in (("lead", 0.6), ("mql", 0.2)):
            con.execute(f"""INSERT INTO lifecycle_events BY NAME SELECT 'hubspot' AS
                source_system, '{stage}' || p AS source_id, '{stage}' || p AS event_id,
                'c' || p AS contact_id, '{stage}' AS stage,
                TIMESTAMP '2024-02-01' + to_seconds((random() * 60000000)::BIGINT) AS ts
                FROM range({people}) r(p) WHERE random() < {share}""")
        con.execute(f"""INSERT INTO opportunities BY NAME SELECT 'hubspot' AS source_system,
            'o' || p AS source_id, 'o' || p AS opportunity_id, 'c' || p AS contact_id,
            TIMESTAMP '2024-03-01' + to_seconds((random() * 55000000)::BIGINT) AS created_at,
            round(1000 + random() * 50000) AS amount
            FROM range({people}) r(p) WHERE random() < 0.05""")
    with ws.state() as state:
        demo_users(state)
        sign_starter(SqlDefinitionStore(state))
    return root


def worker_warehouse(root: Path) -> dict[str, Any]:
    """Journeys -> distinct paths -> every model, and team credit, from the warehouse."""
    sys.path.insert(0, str(ROOT / "src"))
    from accord.data.workspace import Workspace
    from accord.definitions.sql_store import SqlDefinitionStore
    from accord.workflows.attribution import attribute, attribute_teams

    ws = Workspace.open(root)
    t0, c0 = time.perf_counter(), time.process_time()
    with ws.state() as state, ws.warehouse(read_only=True) as wh:
        defs = SqlDefinitionStore(state).snapshot()
        report = attribute(wh, defs, models=["all"])
        models_s = time.perf_counter() - t0
        teams = attribute_teams(wh, defs)
        (touches,) = wh.duckdb.sql("SELECT count(*) FROM touchpoints").fetchone() or (0,)
    return {
        "touchpoints": touches,
        "seconds": time.perf_counter() - t0,
        "models_seconds": models_s,
        "cpu_seconds": time.process_time() - c0,
        "peak_mb": _peak_mb(),
        "paths": report.paths.n_paths,
        "conversions": report.conversion_events,
        "non_converting": float(report.paths.nulls.sum())
        if report.paths.nulls is not None
        else 0.0,
        "models": [r.model for r in report.results],
        "teams": teams.table().to_pylist(),
    }


# ---------------------------------------------------------------------------- report
def run_worker(python: Path | str, *args: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1"}
    proc = subprocess.run(
        [str(python), __file__, "--worker", *args], capture_output=True, text=True, env=env
    )
    if proc.returncode != 0:
        raise SystemExit(f"worker {args} failed:\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def max_rel_diff(ours: dict[str, float], theirs: dict[str, float]) -> tuple[float, str]:
    worst, where = 0.0, ""
    for ch, x in theirs.items():
        y = ours.get(ch, 0.0)
        d = abs(y - x) / max(abs(x), 1e-12)
        if d >= worst:
            worst, where = d, ch
    return worst, where


def report(
    n_paths: int, peer_h: dict[str, Any], peer_m: dict[str, Any], ours: dict[str, Any]
) -> None:
    print(f"\nChannelAttribution layout, {n_paths:,} distinct paths, {len(CHANNELS)} channels")
    print(f"{'run':<44}{'wall s':>8}{'cpu s':>8}{'peak MB':>9}{'after load':>12}")
    rows = [
        ("peer heuristic_models", peer_h),
        ("peer markov_model (order 1, 1e5 sims)", peer_m),
        ("accord: exact Markov + 5 rules + Shapley", ours),
    ]
    for label, r in rows:
        print(
            f"{label:<44}{r['seconds']:>8.2f}{r['cpu_seconds']:>8.2f}"
            f"{r['peak_mb']:>9.0f}{r['loaded_mb']:>12.0f}"
        )
    print(f"  (accord parsing the path strings: {ours['parse_seconds']:.2f} s of it)")
    wall = peer_m["seconds"] / ours["seconds"]
    cpu = peer_m["cpu_seconds"] / ours["cpu_seconds"]
    print(
        f"\nspeed-up, peer markov_model alone / all of accord: {wall:.1f}x wall, "
        f"{cpu:.1f}x cpu (target >= 3x)"
    )
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    print("\nlargest relative difference per model (channel):")
    pairs = [("first_touch", "first_touch"), ("last_touch", "last_touch"),
             ("linear", "linear_touch")]  # fmt: skip
    for ours_name, peer_name in pairs:
        for what, key in (("conversions", "conversions"), ("value", "value")):
            theirs = {r["channel_name"]: r[f"{peer_name}_{what}"] for r in peer_h["result"]}
            mine = {ch: v[key] for ch, v in ours["result"][ours_name].items()}
            d, ch = max_rel_diff(mine, theirs)
            print(f"  {ours_name:<12} {what:<12} {d:.2e}  ({ch})")
    for what, key in (("total_conversions", "conversions"), ("total_conversion_value", "value")):
        theirs = {r["channel_name"]: r[what] for r in peer_m["result"]}
        mine = {ch: v[key] for ch, v in ours["result"]["markov"].items()}
        d, ch = max_rel_diff(mine, theirs)
        print(f"  {'markov':<12} {key:<12} {d:.2e}  ({ch})  <- the peer's simulation error")
    print("\nper channel, Markov conversions: accord (exact) vs peer (simulated)")
    theirs = {r["channel_name"]: r["total_conversions"] for r in peer_m["result"]}
    for ch in sorted(theirs):
        mine = ours["result"]["markov"][ch]["conversions"]
        print(f"  {ch:<16}{mine:>14.1f}{theirs[ch]:>14.1f}{(mine / theirs[ch] - 1):>+10.2%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paths", type=int, default=1_000_000, help="distinct paths")
    parser.add_argument("--setup-only", action="store_true", help="make the venv and data only")
    parser.add_argument("--warehouse", type=int, metavar="TOUCHES",
                        help="only the workspace path on this many touchpoints")  # fmt: skip
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, file = args.worker[0], Path(args.worker[1])
        if kind == "warehouse":
            print(json.dumps(worker_warehouse(file)))
            return
        result = worker_ours(file) if kind == "ours" else worker_peer(kind, file)
        print(json.dumps(result))
        return
    if args.warehouse:
        t0 = time.perf_counter()
        root = make_workspace(args.warehouse)
        print(f"workspace: {root.relative_to(ROOT)} ({time.perf_counter() - t0:.0f} s to make)")
        res = run_worker(sys.executable, "warehouse", str(root))
        teams = res.pop("teams")
        print(json.dumps(res, indent=1))
        for row in teams:
            print({k: round(v, 1) if isinstance(v, float) else v for k, v in row.items()})
        return
    peer_python = ensure_peer()
    t0 = time.perf_counter()
    file = generate(args.paths)
    print(f"path file: {file.relative_to(ROOT)} ({time.perf_counter() - t0:.0f} s to make)")
    if args.setup_only:
        return
    peer_h = run_worker(peer_python, "heuristic", str(file))
    peer_m = run_worker(peer_python, "markov", str(file))
    ours = run_worker(sys.executable, "ours", str(file))
    report(args.paths, peer_h, peer_m, ours)


if __name__ == "__main__":
    main()
