"""YAML in and out: line numbers, canonical dumps, round trips and the content hash.

Property tests (hypothesis) generate definitions of every kind and check that
``load(dump(d)) == d``, that reformatting a file (key order, flow or block style, explicit
defaults, owner order) never changes the content hash, and that changing any value of a
definition always does.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from accord.data.schema import TEAMS
from accord.definitions import content_hash, dump, load_folder, load_text, parse_definition
from accord.definitions.specs import Definition
from accord.definitions.starter import copy_starter, starter_catalog
from accord.definitions.yaml_io import to_data

# ---------------------------------------------------------------- strategies

names = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
teams = st.lists(st.sampled_from(TEAMS), min_size=1, max_size=3)
text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30
)
prose = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)
"""Descriptions: long enough to be dumped as folded blocks, with any characters."""
number = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda f: round(f, 3))
scalar = st.one_of(st.booleans(), st.integers(-1000, 1000), number, text)
paths = st.sampled_from(["stage", "contact_id.account_id.segment", "team", "amount", "won"])
grains = st.sampled_from(["day", "week", "month", "quarter", "year"])


@st.composite
def filters(draw: st.DrawFn) -> dict[str, Any]:
    op = draw(st.sampled_from(["eq", "ne", "in", "not_in", "gt", "lte", "is_null", "not_null"]))
    out: dict[str, Any] = {"column": draw(paths), "op": op}
    if op in ("in", "not_in"):
        out["value"] = draw(st.lists(scalar, min_size=1, max_size=3))
    elif op not in ("is_null", "not_null"):
        out["value"] = draw(scalar)
    return out


def _expr(depth: int) -> st.SearchStrategy[str]:
    leaf = st.one_of(names, st.integers(0, 99).map(str))
    if depth == 0:
        return leaf
    sub = _expr(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(sub, st.sampled_from("+-*/"), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
    )


@st.composite
def measures(draw: st.DrawFn) -> tuple[dict[str, Any], bool]:
    """A measure and whether it takes dimensions."""
    agg = draw(st.sampled_from(["count", "count_distinct", "sum", "percentile", "ratio",
                                "derived", "constant", "time_to_event"]))  # fmt: skip
    table = {"table": draw(st.sampled_from(["opportunities", "lifecycle_events"])),
             "filters": draw(st.lists(filters(), max_size=2))}  # fmt: skip
    if draw(st.booleans()):
        table["time"] = draw(names)
    match agg:
        case "count":
            return {"agg": agg, **table}, True
        case "count_distinct" | "sum":
            return {"agg": agg, "column": draw(paths), **table}, True
        case "percentile":
            column: Any = draw(
                st.one_of(
                    paths,
                    st.fixed_dictionaries(
                        {"start": paths, "end": paths, "unit": st.sampled_from(["hours", "days"])}
                    ),
                )
            )
            q = draw(st.floats(0.01, 0.99).map(lambda f: round(f, 2)))
            return {"agg": agg, "column": column, "q": q, **table}, True
        case "ratio":
            return {"agg": agg, "numerator": draw(names), "denominator": draw(names)}, False
        case "derived":
            return {"agg": agg, "expr": draw(_expr(3))}, False
        case "constant":
            return {"agg": agg, "value": draw(number),
                    "per": draw(st.sampled_from([None, "month"]))}, False  # fmt: skip
        case _:
            events = st.fixed_dictionaries(
                {"table": st.just("activities")},
                optional={"filters": st.lists(filters(), max_size=1)},
            )
            return {"agg": agg, "start": draw(events), "end": draw(events),
                    "entity": draw(names), "q": 0.5}, True  # fmt: skip


@st.composite
def bodies(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    match kind:
        case "metric":
            measure, dims = draw(measures())
            body: dict[str, Any] = {
                "measure": measure,
                "direction": draw(st.sampled_from(["higher", "lower"])),
                "unit": draw(st.sampled_from(["count", "currency", "ratio", "hours"])),
                "grain": draw(grains),
                "non_additive_with": draw(st.lists(names, max_size=2)),
            }
            if dims:
                body["dimensions"] = draw(st.dictionaries(names, paths, max_size=3))
            if draw(st.booleans()):
                body["format"] = draw(st.sampled_from([",.0f", ".1%", ".2f"]))
            return body
        case "term":
            return {"definition": draw(text.filter(str.strip)),
                    "synonyms": draw(st.lists(text, max_size=2)),
                    "readings": draw(st.dictionaries(st.sampled_from(TEAMS), text, max_size=2)),
                    "metrics": draw(st.lists(names, max_size=2))}  # fmt: skip
        case "goal":
            return {"metric": draw(names), "target": draw(number),
                    "period": draw(st.sampled_from(["2025", "2025-Q3", "2024-11"])),
                    "owner_team": draw(st.sampled_from(TEAMS)),
                    "slice": draw(st.dictionaries(names, names, max_size=2))}  # fmt: skip
        case "funnel":
            stage_names = draw(st.lists(names, min_size=1, max_size=4, unique=True))
            return {"stages": [{"name": n, "enter": {"lifecycle_events": [n]}}
                               for n in stage_names],
                    "rejection_reasons": [{"code": draw(names), "effect": "recycle"}]}  # fmt: skip
        case "sla":
            return {"funnel": draw(names), "handoff_stage": draw(names),
                    "sales": {"first_touch": {"within_hours": draw(st.integers(1, 72))},
                              "attempts": {"count": draw(st.integers(1, 9)),
                                           "within_days": 14}}}  # fmt: skip
        case _:
            model = draw(
                st.sampled_from(
                    [
                        {"name": "linear"},
                        {"name": "markov", "order": 2},
                        {"name": "time_decay", "half_life_days": 3.5},
                    ]
                )
            )
            return {"model": model, "lookback_days": draw(st.integers(1, 365))}  # fmt: skip


@st.composite
def definitions(draw: st.DrawFn) -> Definition:
    kind = draw(st.sampled_from(["metric", "term", "goal", "funnel", "sla", "attribution"]))
    data = {"kind": kind, "name": draw(names), "owners": draw(teams),
            "description": draw(prose), "body": draw(bodies(kind))}  # fmt: skip
    return parse_definition(data)


PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------- properties


@PROPS
@given(definitions())
def test_yaml_round_trip(definition: Definition) -> None:
    text = dump(definition)
    loaded = load_text(text)
    assert loaded.issues == ()
    assert loaded.entry is not None
    assert loaded.entry.definition == definition
    assert dump(loaded.entry.definition) == text


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        items = [(k, _shuffled(v, rng)) for k, v in value.items()]
        rng.shuffle(items)
        return dict(items)
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


@PROPS
@given(definitions(), st.randoms(use_true_random=False), st.booleans())
def test_reformatting_never_changes_the_hash(
    definition: Definition, rng: random.Random, flow: bool
) -> None:
    full = definition.model_dump(mode="json")  # explicit defaults, all fields
    full["owners"] = list(reversed(full["owners"]))
    text = yaml.safe_dump(
        _shuffled(full, rng),
        sort_keys=False,
        default_flow_style=flow,
        allow_unicode=bool(rng.getrandbits(1)),
        width=rng.choice([40, 200]),
    )
    loaded = load_text(text)
    assert loaded.entry is not None, loaded.issues
    assert loaded.entry.definition == definition
    assert content_hash(loaded.entry.definition) == content_hash(definition)


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))]
    return [path]


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return value + "z"
    return "z"


@PROPS
@given(definitions(), st.randoms(use_true_random=False))
def test_any_change_changes_the_hash(definition: Definition, rng: random.Random) -> None:
    data = to_data(definition)
    path = rng.choice(_leaves(data))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = _changed(target[path[-1]])
    try:
        changed = parse_definition(data)
    except ValidationError:
        assume(False)
        return
    assume(changed != definition)  # e.g. a sorted set that re-sorts to the same value
    assert content_hash(changed) != content_hash(definition)


# ---------------------------------------------------------------- examples

MQLS = """\
kind: metric
name: mqls
owners: [sales, marketing]
body:
  measure:
    agg: count_distinct
    table: lifecycle_events
    column: contact_id
    filters:
      - {column: stage, value: mql}
  direction: higher
  unit: count
"""


def test_every_node_has_its_line() -> None:
    loaded = load_text(MQLS, file="mqls.yaml")
    assert loaded.entry is not None
    entry = loaded.entry
    assert entry.where() == ("mqls.yaml", 1)
    assert entry.where("body", "measure", "column") == ("mqls.yaml", 8)
    assert entry.where("body", "measure", "filters", 0, "value") == ("mqls.yaml", 10)
    assert entry.where("body", "grain") == ("mqls.yaml", 4)  # not written: nearest parent
    # owners are stored sorted; the item is found where it was written
    assert entry.source.item(("owners",), "marketing") == ("owners", 1)


def test_dump_is_canonical() -> None:
    loaded = load_text(MQLS)
    assert loaded.entry is not None
    assert dump(loaded.entry.definition) == (
        "kind: metric\nname: mqls\nowners:\n- marketing\n- sales\nbody:\n  measure:\n"
        "    agg: count_distinct\n    table: lifecycle_events\n    filters:\n"
        "    - column: stage\n      value: mql\n    column: contact_id\n  direction: higher\n"
        "  unit: count\n"
    )


def test_a_year_period_may_be_written_as_a_number() -> None:
    goal = parse_definition({"kind": "goal", "name": "g", "owners": ["sales"], "body": {
        "metric": "m", "target": 1, "period": 2025, "owner_team": "sales"}})  # fmt: skip
    assert goal.body.period == "2025"  # type: ignore[union-attr]


def test_copied_starter_pack_loads_back_identical(tmp_path: Path) -> None:
    written = copy_starter(tmp_path)
    assert len(written) == len(starter_catalog())
    assert copy_starter(tmp_path) == []  # existing files are kept
    loaded = load_folder(tmp_path)
    assert loaded.issues == ()
    original = {e.name: content_hash(e.definition) for e in starter_catalog()}
    assert {e.name: content_hash(e.definition) for e in loaded.catalog} == original


def test_exported_starter_pack_round_trips(tmp_path: Path) -> None:
    for entry in starter_catalog():
        (tmp_path / f"{entry.name}.yaml").write_text(dump(entry.definition), encoding="utf-8")
    loaded = load_folder(tmp_path)
    assert loaded.issues == ()
    assert {e.name: e.definition for e in loaded.catalog} == {
        e.name: e.definition for e in starter_catalog()
    }


def test_unreadable_file_is_an_issue(tmp_path: Path) -> None:
    (tmp_path / "latin1.yaml").write_bytes("name: caf\xe9".encode("latin-1"))
    loaded = load_folder(tmp_path)
    assert [(i.file, i.code) for i in loaded.issues] == [("latin1.yaml", "unreadable-file")]
