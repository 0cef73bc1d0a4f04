"""Benchmark: the web app under 20 concurrent users on a simulated workspace.

Run from the repository root with the project's interpreter::

    .venv/bin/python benchmarks/web.py                  # 100,000 accounts, 20 users, 60 s
    .venv/bin/python benchmarks/web.py --quick          # 2,000 accounts, 20 users, 15 s
    .venv/bin/python benchmarks/web.py --accounts 20000 --users 20 --seconds 120
    .venv/bin/python benchmarks/web.py --think 1-3,0    # two loads on the same server

What it does:

1. **A workspace, made once** under ``.benchmarks/web/demo-<accounts>-<seed>/`` the way
   ``accord demo`` makes one (the same functions): the simulated company in real export
   layouts (reusing ``.benchmarks/funnel/company-<accounts>-<seed>`` when the funnel
   benchmark made it), every file loaded through its preset, one lead and one member per
   team, the starter definitions signed by the leads. Later runs reuse it.
2. **The server**: ``uvicorn --factory accord.web.app:app_from_environment`` on
   127.0.0.1 (one worker, as deployed), in its own process; each demo user gets an API
   token (pages accept it as well as the session cookie, so no Argon2 sign-in skews the
   figures).
3. **The load**: every page and every GET of the REST API that the server has (the API
   paths are read from its OpenAPI document; pages that answer 404 are not served by
   this version and are skipped), each requested once cold (right after start: nothing
   is cached; the server's warm-up thread is computing the capability pages, and a first
   request waits for it; the warm results a previous server kept in the workspace are
   removed first, unless ``--warm-start`` measures a restart, whose first requests get
   those results marked "updating"), then *users* threads, each signed in as a demo
   user, request them in random order for *seconds* seconds. With ``--invalidate-every
   S`` an audit entry is written to the state store every S seconds while they run
   (every cached result is invalid afterwards, as after a signature), so the figures
   include recomputation (answers served from the previous result meanwhile are
   counted). **Think time** (``--think``): like Locust's ``between(1, 3)`` or a k6
   ``sleep``, each user waits a uniformly random time between two requests; the default
   ``1-3`` seconds models people clicking through pages (20 users then ask about 10
   pages a second). ``--think 0`` is the closed-loop stress figure: each user sends its
   next request as soon as the last one is answered, so the 20 requests queue in one
   server process and the latency measures the queue (throughput / 20), not one request.
   ``--think 1-3,0`` runs one load after the other on the same (warm) server.
4. **The report**: per page and per load, requests, errors (status >= 400 or no
   answer), p50, p95, p99 and max latency, the server's own p50 and p95 (its
   ``Server-Timing`` header: from the request's arrival to the response's start, without
   the queue in front of the server and the client's side), how many answers were
   "updating" (a previous result served while the new one was computed), and the cold
   latency; the server's peak resident memory (VmHWM); whether every page's p95 is under
   the 300 ms target. The figures are also written to
   ``.benchmarks/web/result-<accounts>-<seed>.json``.

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".benchmarks" / "web"
FUNNEL_DATA = ROOT / ".benchmarks" / "funnel"
TARGET_P95_MS = 300.0
READY = ".bench-ready"
COLD_TIMEOUT = 3600.0
"""Seconds a cold request may take (the first funnel at 100,000 accounts takes minutes)."""

PAGES = (
    "/",
    "/funnel",
    "/credit",
    "/economics",
    "/accounts",
    "/definitions",
    "/definitions/mqls",
    "/data",
    "/data/quarantine",
    "/admin/users",
    "/admin/audit",
)
"""Pages a browser opens (admin pages as the admin-capable user only)."""

ADMIN_ONLY = ("/admin/", "/api/v1/users", "/api/v1/audit")


def prepare(accounts: int, seed: int) -> Path:
    """Make (once) the demo-like workspace of *accounts* companies; return its folder."""
    from accord.cli.demo import (
        load_all,
        prepare_workspace,
        sign_starter,
        simulated_files,
    )
    from accord.data.state import DEFAULT_TEAMS
    from accord.definitions.sql_store import SqlDefinitionStore

    root = DATA / f"demo-{accounts}-{seed}"
    if (root / READY).exists():
        from accord.data.workspace import Workspace

        Workspace.open(root).upgrade()  # a workspace made by an older Accord
        return root
    DATA.mkdir(parents=True, exist_ok=True)
    ws = prepare_workspace(root, accounts=accounts, seed=seed, fresh=False)
    made = FUNNEL_DATA / f"company-{accounts}-{seed}"
    if not (root / "data").exists() and (made / "manifest.json").exists():
        (root / "data").symlink_to(made.resolve(), target_is_directory=True)
        print(f"reusing the simulated company in {made}", flush=True)
    start = time.perf_counter()
    files = simulated_files(root / "data", accounts=accounts, seed=seed)
    load_all(ws, files)
    print(f"loaded {len(files)} files in {time.perf_counter() - start:.0f} s", flush=True)
    with ws.state() as store:
        existing = {u.name for u in store.users(include_inactive=True)}
        for team in DEFAULT_TEAMS:
            for role in ("lead", "member"):
                name = f"{team}-{role}"
                if name not in existing:
                    store.add_user(name, team=team, role=role, email=f"{name}@example.com",
                                   actor="system:benchmark")  # fmt: skip
        if "bench-admin" not in existing:
            store.add_user("bench-admin", team="marketing", role="admin",
                           email="bench-admin@example.com", actor="system:benchmark")  # fmt: skip
        sign_starter(SqlDefinitionStore(store))
    start = time.perf_counter()
    resolve = subprocess.run(
        [sys.executable, "-m", "accord", "resolve", "-w", str(root)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    print(f"accord resolve: exit {resolve.returncode} in {time.perf_counter() - start:.0f} s "
          f"{resolve.stderr.strip().splitlines()[-1:] if resolve.returncode else ''}")  # fmt: skip
    (root / READY).write_text("ok\n", encoding="utf-8")
    return root


def sample_domain(root: Path) -> str | None:
    """The web domain of one account of the workspace (for the Accounts pages)."""
    from accord.data.workspace import Workspace

    with Workspace.open(root).warehouse(read_only=True) as wh:
        if "accounts" not in wh.tables():
            return None
        t = wh.table("accounts")
        value = t.filter(t.domain.notnull()).domain.min().to_pyarrow().as_py()
        return str(value) if value else None


def make_tokens(root: Path) -> dict[str, str]:
    """A fresh API token for every active user of the workspace (valid one day)."""
    from accord.data.state.tokens import create_token
    from accord.data.workspace import Workspace

    ws = Workspace.open(root)
    tokens: dict[str, str] = {}
    with ws.state() as store:
        for user in store.users():
            with store.session() as session:
                secret, _ = create_token(
                    session, user.name, name=f"benchmark-{secrets.token_hex(3)}",
                    actor="system:benchmark", expires_at=datetime.now(UTC) + timedelta(days=1),
                )  # fmt: skip
            tokens[user.name] = secret
    return tokens


def invalidate(root: Path) -> None:
    """Write one audit entry (not a credential change, which keeps cached results): every
    cached result is stale afterwards."""
    from accord.data.state.audit import record_change
    from accord.data.workspace import Workspace

    with Workspace.open(root).state() as store, store.session() as session:
        record_change(session, actor="system:benchmark", action="benchmark.invalidate",
                      entity=f"benchmark:{secrets.token_hex(3)}")  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(root: Path, port: int) -> subprocess.Popen[bytes]:
    """uvicorn with the production factory, one worker; waits for /healthz."""
    env = os.environ | {
        "ACCORD_WORKSPACE": str(root),
        "ACCORD_SECRET_KEY": secrets.token_urlsafe(48),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "accord.web.app:app_from_environment",
         "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
         "--log-level", "warning", "--no-access-log"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.terminate()
    raise SystemExit("the server did not answer /healthz within 300 s")


def peak_memory_mb(pid: int) -> float | None:
    """The process's peak resident memory (Linux VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def discover(base: str, token: str, domain: str | None) -> dict[str, float]:
    """The pages and API GETs the server has: 404s dropped, path parameters filled in
    (every table of a capability page; the account of *domain*), each with the time of
    its first request (cold: nothing cached yet)."""
    auth = {"Authorization": f"Bearer {token}"}
    cold: dict[str, float] = {}

    def first(client: httpx.Client, path: str, **kw: Any) -> httpx.Response:
        start = time.perf_counter()
        response = client.get(path, **kw)
        key = path + ("?" + "&".join(f"{k}={v}" for k, v in kw["params"].items())
                      if kw.get("params") else "")  # fmt: skip
        cold.setdefault(key, time.perf_counter() - start)
        return response

    with httpx.Client(base_url=base, headers=auth, timeout=COLD_TIMEOUT) as client:
        spec = client.get("/api/v1/openapi.json").json()
        paths = list(PAGES)
        for path, ops in spec["paths"].items():
            if "get" not in ops or path == "/api/v1/accounts":
                continue
            if "{" not in path:
                paths.append(path)
            elif path.endswith("/definitions/{name}"):
                paths.append(path.replace("{name}", "mqls"))
            elif path.endswith("/{table}"):
                page = first(client, path.removesuffix("/{table}"))
                if page.status_code == 200:
                    paths += [path.replace("{table}", t["name"]) for t in page.json()["tables"]]
        if domain:
            paths += [f"/accounts?q={domain}", f"/api/v1/accounts?q={domain}"]
            found = first(client, "/api/v1/accounts", params={"q": domain})
            if found.status_code == 200 and found.json()["items"]:
                key = found.json()["items"][0]["account_id"]
                paths += [f"/accounts/{key}", f"/api/v1/accounts/{key}",
                          f"/api/v1/accounts/{key}/timeline"]  # fmt: skip
        served: dict[str, float] = {}
        for path in paths:
            if path.endswith("/uploads"):  # a user's own jobs; nothing to compute
                continue
            status = first(client, path).status_code
            if status == 404:
                print(f"  skipped {path}: not served by this version", flush=True)
                continue
            served[path] = cold[path]
        return served


Sample = tuple[float, int, float | None, bool]
"""Latency (s), status, the server's own time (ms, ``Server-Timing``), "updating"."""


def server_ms(response: httpx.Response) -> float | None:
    """The ``app;dur=`` of the response's ``Server-Timing`` header, in ms."""
    for part in response.headers.get("server-timing", "").split(","):
        name, _, rest = part.strip().partition(";dur=")
        if name == "app" and rest:
            try:
                return float(rest)
            except ValueError:
                return None
    return None


def drive(
    base: str,
    paths: list[str],
    tokens: dict[str, str],
    users: int,
    seconds: float,
    think: tuple[float, float] = (0.0, 0.0),
) -> dict[str, list[Sample]]:
    """*users* threads request *paths* in random order for *seconds*, each waiting a
    uniform random *think* time (seconds) between two requests."""
    names = sorted(tokens)
    results: dict[str, list[Sample]] = defaultdict(list)
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def user(i: int) -> None:
        name = names[i % len(names)]
        mine = [p for p in paths if not p.startswith(ADMIN_ONLY) or "admin" in name]
        rng = random.Random(i)
        local: list[tuple[str, Sample]] = []
        auth = {"Authorization": f"Bearer {tokens[name]}"}
        if think[1] > 0:  # users arrive spread over the first think time, as in Locust
            time.sleep(rng.uniform(0, think[1]))
        with httpx.Client(base_url=base, headers=auth, timeout=60) as client:
            while time.monotonic() < stop:
                rng.shuffle(mine)
                for path in mine:
                    if time.monotonic() >= stop:
                        break
                    start = time.perf_counter()
                    try:
                        response = client.get(path)
                        status, own = response.status_code, server_ms(response)
                        updating = response.headers.get("x-accord-updating") == "true"
                    except httpx.HTTPError:
                        status, own, updating = 0, None, False
                    local.append((path, (time.perf_counter() - start, status, own, updating)))
                    if think[1] > 0:
                        time.sleep(rng.uniform(*think))
        with lock:
            for path, sample in local:
                results[path].append(sample)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def percentile(values: list[float], q: float) -> float:
    """The *q*-th percentile (nearest rank)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def think_times(text: str) -> list[tuple[float, float]]:
    """``"1-3,0"`` -> ``[(1.0, 3.0), (0.0, 0.0)]``: one load per comma."""
    loads = []
    for part in text.split(","):
        low, _, high = part.strip().partition("-")
        loads.append((float(low), float(high or low)))
    return loads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--users", type=int, default=20, help="concurrent users")
    parser.add_argument(
        "--seconds", type=float, default=None, help="length of each load (default 60 s)"
    )
    parser.add_argument(
        "--think",
        default="1-3",
        help="seconds each user waits between requests, MIN-MAX uniform (0: none, the "
        "closed-loop stress figure); several loads separated by commas, e.g. 1-3,0",
    )
    parser.add_argument(
        "--invalidate-every",
        type=float,
        default=0.0,
        help="seconds between cache invalidations during the load (0: none)",
    )
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 2,000 accounts (for 15 s unless --seconds)")  # fmt: skip
    parser.add_argument("--warm-start", action="store_true",
                        help="keep the warm results a previous server wrote (a restart); "
                        "default: remove them, so the first requests are cold")  # fmt: skip
    args = parser.parse_args()
    if args.quick:
        args.accounts = 2000
        args.seconds = 15.0 if args.seconds is None else args.seconds
    args.seconds = 60.0 if args.seconds is None else args.seconds
    loads = think_times(args.think)
    root = prepare(args.accounts, args.seed)
    tokens = make_tokens(root)
    domain = sample_domain(root)
    if not args.warm_start:
        from accord.web.snapshot import SNAPSHOT_PATH

        (root / SNAPSHOT_PATH).unlink(missing_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = start_server(root, port)
    print(f"server up in {time.perf_counter() - started:.1f} s at {base}", flush=True)
    runs: list[tuple[tuple[float, float], dict[str, list[Sample]]]] = []
    try:
        admin = next(n for n in tokens if "admin" in n)
        started = time.perf_counter()
        cold = discover(base, tokens[admin], domain)
        print(f"cold requests done in {time.perf_counter() - started:.0f} s", flush=True)
        for token in tokens.values():  # a token's first use notes it (a write): not timed
            httpx.get(base + "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        for think in loads:
            stopper = threading.Event()

            def churn(stopper: threading.Event = stopper) -> None:
                while not stopper.wait(args.invalidate_every):
                    invalidate(root)

            churner = threading.Thread(target=churn, daemon=True)
            if args.invalidate_every > 0:
                churner.start()
            runs.append((think, drive(base, list(cold), tokens, args.users, args.seconds,
                                      think)))  # fmt: skip
            stopper.set()
        peak = peak_memory_mb(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
    report(args, root, cold, runs, peak)


def report(
    args: argparse.Namespace,
    root: Path,
    cold: dict[str, float],
    runs: list[tuple[tuple[float, float], dict[str, list[Sample]]]],
    peak: float | None,
) -> None:
    """Print one table per load and write the JSON."""
    out: dict[str, Any] = {"accounts": args.accounts, "users": args.users,
                           "seconds": args.seconds, "peak_mb": peak,
                           "invalidate_every": args.invalidate_every,
                           "load_average": os.getloadavg(), "loads": []}  # fmt: skip
    for think, results in runs:
        rows = table(cold, results)
        label = "no think time (closed loop)" if think[1] == 0 else (
            f"think time {think[0]:g}-{think[1]:g} s")  # fmt: skip
        total = sum(r["requests"] for r in rows)
        print(
            f"\nworkspace {root.name}: {args.users} users, {label}, for "
            f"{args.seconds:.0f} s: {total:,} requests ({total / args.seconds:,.1f}/s)"
        )
        print(f"{'path':<42} {'n':>6} {'err':>4} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} "
              f"{'srv50':>6} {'srv95':>6} {'upd':>4} {'cold':>8}  (ms)")  # fmt: skip
        slow = []
        for r in rows:
            if "p95_ms" not in r:
                print(f"{r['path']:<42} {r['requests']:>6} {r['errors']:>4}  (no answer)")
                if r["requests"]:  # asked and never answered (not: never asked)
                    slow.append(r["path"])
                continue
            print(f"{r['path'][:42]:<42} {r['requests']:>6} {r['errors']:>4} {r['p50_ms']:>7.0f} "
                  f"{r['p95_ms']:>7.0f} {r['p99_ms']:>7.0f} {r['max_ms']:>7.0f} "
                  f"{r.get('server_p50_ms', -1):>6.0f} {r.get('server_p95_ms', -1):>6.0f} "
                  f"{r['updating']:>4} {r['cold_ms']:>8.0f}")  # fmt: skip
            if r["p95_ms"] >= TARGET_P95_MS or r["errors"]:
                slow.append(r["path"])
        errors = sum(r["errors"] for r in rows)
        print(f"errors: {errors}; server peak memory: {peak or 0:,.0f} MB; "
              f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        verdict = "met" if not slow else f"missed by {', '.join(slow)}"
        print(f"target p95 < {TARGET_P95_MS:.0f} ms for every page, no errors: {verdict}")
        out["loads"].append({"think": list(think), "requests": total, "rows": rows,
                             "target_met": not slow})  # fmt: skip
    path = DATA / f"result-{args.accounts}-{args.seed}.json"
    path.write_text(json.dumps(out, indent=1), encoding="utf-8")


def table(cold: dict[str, float], results: dict[str, list[Sample]]) -> list[dict[str, Any]]:
    """Per path: requests, errors, percentiles (client and server side), cold time."""
    rows: list[dict[str, Any]] = []
    for path in cold:
        samples = results.get(path, [])
        ok = [t * 1000 for t, s, _, _ in samples if 0 < s < 400]
        own = [ms for _, s, ms, _ in samples if 0 < s < 400 and ms is not None]
        errors = sum(1 for _, s, _, _ in samples if s == 0 or s >= 400)
        row: dict[str, Any] = {"path": path, "requests": len(samples), "errors": errors,
                               "updating": sum(1 for *_, u in samples if u),
                               "cold_ms": cold[path] * 1000}  # fmt: skip
        if ok:
            row |= {"p50_ms": percentile(ok, 50), "p95_ms": percentile(ok, 95),
                    "p99_ms": percentile(ok, 99), "max_ms": max(ok),
                    "mean_ms": statistics.fmean(ok)}  # fmt: skip
        if own:
            row |= {"server_p50_ms": percentile(own, 50), "server_p95_ms": percentile(own, 95)}
        rows.append(row)
    return rows


if __name__ == "__main__":
    main()
