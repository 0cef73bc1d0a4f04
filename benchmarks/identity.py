"""Identity resolution: Splink with its demo settings against Accord's ``dedupe``.

Run from the repository root with the project's interpreter::

    .venv/bin/python benchmarks/identity.py                 # 1k, 20k and 1M records
    .venv/bin/python benchmarks/identity.py --people 100000  # a smaller simulated file

What it does, in one run, each measurement in its own subprocess (so that time and
peak memory are its own):

1. the files: Splink's labelled ``splink_fake_1000.csv`` and ``splink_fake_20000.csv``
   (``../shared/data``), and a simulated person file with planted duplicates
   (:func:`accord.identity.synthetic.person_file`, ``--people`` people, about two
   records each: 1M records by default) written once under ``.benchmarks/identity``;
2. the peer: Splink 5 with the settings of its labelled-data demo
   (``docs/demos/examples/duckdb/accuracy_analysis_from_labels_column``: blocking on
   first_name, surname, dob and email; ForenameSurnameComparison, DateOfBirthComparison,
   ExactMatch on city with term frequencies, EmailComparison; prior from four
   deterministic rules at recall 0.7; u from 1e6 sampled pairs, seed 5; three EM
   sessions), clustered at p = 0.95. On the simulated file the demo's blocking rules
   would compare more pairs than any machine holds (the count is printed), so the peer
   is not run there;
3. Accord: ``dedupe_file`` with no options (columns recognised from the file);
4. for each: wall and CPU seconds (reading the file included), peak resident memory,
   precision, recall and F1 after clustering and the best pairwise F1 (over
   thresholds 0.01 to 0.99 of the scored pairs), against the truth column, which neither
   side is shown.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DATA = ROOT / ".benchmarks" / "identity"
THRESHOLDS = (0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99)


# ---------------------------------------------------------------------------- data
def simulated(n_people: int, seed: int = 2024) -> Path:
    """The simulated person file (made once), truth in ``entity``."""
    from accord.identity.synthetic import person_file

    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"people_{n_people}_{seed}.csv"
    if not path.exists():
        frame = person_file(n_people, seed=seed)
        frame.to_csv(path.with_suffix(".tmp"), index=False)
        path.with_suffix(".tmp").rename(path)
    return path


# ---------------------------------------------------------------------------- workers
def _peak_mb() -> float:
    """Peak resident set of this process (VmHWM, not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _accuracy(
    cluster: Any, truth: Any, left: Any, right: Any, probability: Any
) -> dict[str, float]:
    from accord.identity.evaluate import cluster_accuracy, pair_accuracy

    clustered = cluster_accuracy(cluster, truth)
    best = max(
        pair_accuracy(left[probability >= t], right[probability >= t], truth).f1 for t in THRESHOLDS
    )
    return {
        "precision": clustered.precision,
        "recall": clustered.recall,
        "f1": clustered.f1,
        "pairwise_f1": best,
    }


def worker_splink(file: Path, id_column: str, truth_column: str) -> dict[str, Any]:
    """Splink 5 with its labelled-data demo settings (fake_1000 example)."""
    import logging

    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    t0, c0 = time.perf_counter(), time.process_time()
    df = pd.read_csv(file, dtype=str).rename(columns={"last_name": "surname"})
    truth = df.pop(truth_column).to_numpy()
    df = df.rename(columns={id_column: "unique_id"})
    df["unique_id"] = range(len(df))  # row numbers: the truth is indexed by them
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("first_name"),
            block_on("surname"),
            block_on("dob"),
            block_on("email"),
        ],
        comparisons=[
            cl.ForenameSurnameComparison("first_name", "surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
        ],
        retain_intermediate_calculation_columns=True,
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(df), settings, log_level=None)
    deterministic_rules = [
        "l.first_name = r.first_name and levenshtein(r.dob::VARCHAR, l.dob::VARCHAR) <= 1",
        "l.surname = r.surname and levenshtein(r.dob::VARCHAR, l.dob::VARCHAR) <= 1",
        "l.first_name = r.first_name and levenshtein(r.surname, l.surname) <= 2",
        "l.email = r.email",
    ]
    linker.training.estimate_probability_two_random_records_match(deterministic_rules, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=5)
    for rule in (block_on("dob"), block_on("email"), block_on("first_name", "surname")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    predictions = linker.inference.predict()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95)
    cluster = clusters.as_pandas_dataframe().sort_values("unique_id")["cluster_id"].to_numpy()
    pairs = predictions.as_pandas_dataframe()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    accuracy = _accuracy(
        cluster,
        truth,
        pairs["unique_id_l"].to_numpy(),
        pairs["unique_id_r"].to_numpy(),
        pairs["match_probability"].to_numpy(),
    )
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": _peak_mb(), **accuracy}


def worker_accord(file: Path, id_column: str, truth_column: str) -> dict[str, Any]:
    """Accord's ``dedupe_file`` with no options; the truth column is hidden from it."""
    from accord.identity import dedupe_frame
    from accord.identity.files import read_records

    t0, c0 = time.perf_counter(), time.process_time()
    frame = read_records(file)
    truth = frame.pop(truth_column).to_numpy()
    result = dedupe_frame(frame, id_column=id_column)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    resolution = result.resolution
    links = resolution.links[~resolution.links["conflict"]]
    accuracy = _accuracy(
        resolution.records["cluster"].to_numpy(),
        truth,
        links["left"].to_numpy(),
        links["right"].to_numpy(),
        links["match_probability"].to_numpy(),
    )
    plan = resolution.blocking
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mb": _peak_mb(),
        "records": resolution.n_records,
        "clusters": resolution.n_clusters,
        "pairs_blocked": plan.total_pairs,
        "rules": [r.name for r in plan.rules],
        "model": resolution.model_status,
        **accuracy,
    }


def demo_pairs(file: Path) -> int:
    """Pairs Splink's demo blocking rules would compare on *file* (an upper bound)."""
    import duckdb

    con = duckdb.connect()
    con.execute("create table t as from read_csv(?, all_varchar = true)", [str(file)])
    total = 0
    for column in ("first_name", "last_name", "dob", "email"):
        row = con.sql(
            f"select sum(n * (n - 1) // 2) from (select count(*) as n from t "
            f"where {column} is not null group by {column})"
        ).fetchone()
        total += int(row[0] or 0) if row else 0
    return total


# ---------------------------------------------------------------------------- report
def run_worker(kind: str, file: Path, id_column: str, truth_column: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    args = ["--worker", kind, str(file), id_column, truth_column]
    proc = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, env=env
    )
    if proc.returncode != 0:
        raise SystemExit(f"worker {kind} {file.name} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _row(label: str, r: dict[str, Any]) -> str:
    return (
        f"  {label:<8}{r['seconds']:>9.1f}{r['cpu_seconds']:>9.1f}{r['peak_mb']:>9.0f}"
        f"{r['precision']:>8.3f}{r['recall']:>8.3f}{r['f1']:>8.3f}{r['pairwise_f1']:>10.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=500_000, help="simulated people")
    parser.add_argument("--skip-large", action="store_true", help="only the Splink files")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, file, id_column, truth_column = args.worker
        worker = worker_splink if kind == "splink" else worker_accord
        print(json.dumps(worker(Path(file), id_column, truth_column)))
        return

    files = [
        ("splink_fake_1000", SHARED / "splink_fake_1000.csv", "unique_id", "cluster"),
        ("splink_fake_20000", SHARED / "splink_fake_20000.csv", "unique_id", "cluster"),
    ]
    if not args.skip_large:
        t0 = time.perf_counter()
        path = simulated(args.people)
        print(f"simulated file: {path.relative_to(ROOT)} ({time.perf_counter() - t0:.0f} s)")
        files.append((f"simulated {args.people:,} people", path, "id", "entity"))

    header = (
        f"  {'run':<8}{'wall s':>9}{'cpu s':>9}{'peak MB':>9}"
        f"{'P':>8}{'R':>8}{'F1':>8}{'pair F1':>10}"
    )
    for label, path, id_column, truth_column in files:
        ours = run_worker("accord", path, id_column, truth_column)
        print(f"\n{label}: {ours['records']:,} records -> {ours['clusters']:,} clusters")
        print(header)
        simulated_file = truth_column == "entity"
        if simulated_file:
            peer = None
            print(f"  splink   not run: its demo blocking compares {demo_pairs(path):,} pairs")
        else:
            peer = run_worker("splink", path, id_column, truth_column)
            print(_row("splink", peer))
        print(_row("accord", ours))
        print(
            f"  accord compared {ours['pairs_blocked']:,} pairs "
            f"({len(ours['rules'])} blocking rules); model {ours['model']}"
        )
        if peer is not None:
            print(
                f"  ratio splink/accord: {peer['seconds'] / ours['seconds']:.2f}x wall, "
                f"{peer['cpu_seconds'] / ours['cpu_seconds']:.2f}x cpu; "
                f"F1 {ours['f1'] - peer['f1']:+.3f} after clustering, "
                f"{ours['pairwise_f1'] - peer['pairwise_f1']:+.3f} pairwise"
            )
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
