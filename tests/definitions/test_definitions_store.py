"""The versioning rules every DefinitionStore keeps (store.py), checked on the in-memory
reference implementation and on the state store's (``sql_store.py``, SQLite here;
``test_definitions_sql_store.py`` adds PostgreSQL and what only the state store knows).
People sign as the leads of their teams (``lead_marketing``, ...), which both stores
accept.

Properties (hypothesis, random sequences of proposals and signatures): no signature ever
counts for a body it did not see; at most one version per name is in force, and once one
is, exactly one; a version is in force only when every owner signed that exact content;
the previous version stays in force until then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from itertools import count
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from accord.data.state import StateStore
from accord.data.state.models import Base
from accord.definitions import (
    CompiledMetric,
    DefinitionStore,
    MetricResult,
    Status,
    compile_metric,
    content_hash,
    parse_definition,
    resolve_in_force,
    starter_catalog,
)
from accord.definitions.memory_store import MemoryDefinitionStore
from accord.definitions.semantic import canonical_tables
from accord.definitions.specs import Definition
from accord.definitions.sql_store import SqlDefinitionStore
from accord.definitions.store import InForce, NotInForce
from accord.errors import Conflict, NotFound, PermissionDenied

TEAMS = ("marketing", "sales", "finance")


def _clock(tz: timezone | None = None) -> Callable[[], datetime]:
    ticks = count()
    return lambda: datetime(2025, 1, 1, tzinfo=tz) + timedelta(minutes=next(ticks))


def _sql_store(url: str = "sqlite://") -> SqlDefinitionStore:
    """A state store with a lead per team. In memory, the schema is made from the models,
    which ``tests/data/state`` checks equal to the migrations' head (20 ms, not 70)."""
    state = StateStore.connect(url)
    if url == "sqlite://":
        Base.metadata.create_all(state.engine)
    else:
        state.upgrade()
    for team in TEAMS:
        state.add_team(team, actor="system:test")
        state.add_user(f"lead_{team}", team=team, role="lead", actor="system:test")
    return SqlDefinitionStore(state, clock=_clock(UTC))


STORES: dict[str, Callable[[], DefinitionStore]] = {
    "memory": lambda: MemoryDefinitionStore(clock=_clock()),
    "sql": _sql_store,
}


@pytest.fixture(params=[*sorted(STORES), pytest.param("postgresql", marks=pytest.mark.integration)])
def store(request: pytest.FixtureRequest) -> Iterator[DefinitionStore]:
    """Each store: in memory, SQLite, and (integration tier) a real PostgreSQL."""
    if request.param != "postgresql":
        yield STORES[request.param]()
        return
    sql = _sql_store(request.getfixturevalue("postgres_url"))
    yield sql
    sql.state.close()


def _term(text: str, owners: tuple[str, ...] = ("marketing", "sales")) -> Definition:
    return parse_definition(
        {"kind": "term", "name": "mql", "owners": list(owners), "body": {"definition": text}}
    )


def test_a_version_comes_into_force_when_every_owner_signed(store: DefinitionStore) -> None:
    v1 = store.propose(_term("first"), by="lead_marketing")
    assert (v1.version, v1.status, store.in_force("mql")) == (1, Status.PROPOSED, None)
    after_one = store.sign("mql", version=1, team="marketing", by="lead_marketing")
    assert (after_one.status, after_one.pending_teams) == (Status.PROPOSED, ("sales",))
    in_force = store.sign("mql", version=1, team="sales", by="lead_sales")
    assert in_force.status is Status.IN_FORCE
    assert store.in_force("mql") == in_force
    assert [s.user for s in in_force.valid_signatures] == ["lead_marketing", "lead_sales"]


def test_the_previous_version_stays_in_force_until_the_new_one_is_signed(
    store: DefinitionStore,
) -> None:
    store.propose(_term("first"), by="lead_marketing")
    store.sign("mql", version=1, team="marketing", by="lead_marketing")
    store.sign("mql", version=1, team="sales", by="lead_sales")
    v2 = store.propose(_term("second"), by="lead_marketing")
    store.sign("mql", version=2, team="marketing", by="lead_marketing")
    current = store.in_force("mql")
    assert current is not None
    assert (current.version, v2.status) == (1, Status.PROPOSED)
    store.sign("mql", version=2, team="sales", by="lead_sales")
    assert [v.status for v in store.history("mql")] == [Status.RETIRED, Status.IN_FORCE]


def test_proposing_an_unchanged_definition_is_a_no_op(store: DefinitionStore) -> None:
    v1 = store.propose(_term("first"), by="lead_marketing")
    reordered = _term("first", owners=("sales", "marketing"))
    assert store.propose(reordered, by="lead_sales") == v1
    assert len(store.history("mql")) == 1


def test_a_newer_proposal_withdraws_the_older_one(store: DefinitionStore) -> None:
    store.propose(_term("first"), by="lead_marketing")
    store.sign("mql", version=1, team="marketing", by="lead_marketing")
    store.propose(_term("second"), by="lead_marketing")
    assert store.version("mql", 1).status is Status.WITHDRAWN
    with pytest.raises(Conflict):
        store.sign("mql", version=1, team="sales", by="lead_sales")


def test_a_withdrawn_content_proposed_again_is_a_new_proposal(store: DefinitionStore) -> None:
    _sign_all(store, _term("first"))
    store.propose(_term("second"), by="lead_marketing")
    store.sign("mql", version=2, team="marketing", by="lead_marketing")
    assert store.propose(_term("first"), by="lead_sales").version == 1  # back to in force
    assert store.version("mql", 2).status is Status.WITHDRAWN
    again = store.propose(_term("second"), by="lead_marketing")
    assert (again.version, again.status, again.signatures) == (3, Status.PROPOSED, ())
    assert len(store.version("mql", 2).signatures) == 1  # stays with the withdrawn one


def test_only_owning_teams_sign(store: DefinitionStore) -> None:
    store.propose(_term("first"), by="lead_marketing")
    with pytest.raises(PermissionDenied):
        store.sign("mql", version=1, team="finance", by="lead_finance")
    with pytest.raises(NotFound):
        store.sign("mql", version=7, team="sales", by="lead_sales")


OWNER_SETS = [("marketing", "sales"), ("sales",), ("finance", "marketing")]


class VersioningMachine(RuleBasedStateMachine):
    """Random proposals and signatures, run on the in-memory reference and on the SQL
    store side by side: both must answer alike, and both must keep the invariants."""

    def __init__(self) -> None:
        super().__init__()
        self.stores = [make() for make in STORES.values()]
        self.seen: dict[tuple[int, str], str] = {}  # (version, team) -> hash the signer saw
        self.in_force_before: int | None = None
        self.ever_in_force = False

    @rule(text=st.sampled_from(["a", "b", "c"]), owners=st.sampled_from(OWNER_SETS))
    def propose(self, text: str, owners: tuple[str, ...]) -> None:
        self.in_force_before = self._in_force_version()
        results = [s.propose(_term(text, owners=owners), by="lead_sales") for s in self.stores]
        assert len({(r.version, r.status) for r in results}) == 1

    @rule(version=st.integers(1, 6), team=st.sampled_from(TEAMS))
    def sign(self, version: int, team: str) -> None:
        self.in_force_before = self._in_force_version()
        outcomes: list[object] = []
        for store in self.stores:
            try:
                shown = store.version("mql", version)
                signed = store.sign("mql", version=version, team=team, by=f"lead_{team}")
            except (Conflict, NotFound, PermissionDenied) as error:
                outcomes.append(type(error))
                continue
            self.seen.setdefault((version, team), shown.content_hash)
            outcomes.append((signed.version, signed.status))
        assert len(set(outcomes)) == 1, outcomes

    def _in_force_version(self) -> int | None:
        found = self.stores[0].in_force("mql")
        return None if found is None else found.version

    @invariant()
    def invariants(self) -> None:
        histories = [store.history("mql") for store in self.stores]
        views = [
            [(v.version, v.status, v.content_hash, v.pending_teams) for v in h] for h in histories
        ]
        assert all(view == views[0] for view in views)  # the two stores agree
        for history in histories:
            # no signature ever applies to a body it did not see
            for v in history:
                assert v.content_hash == content_hash(v.definition)
                for s in v.valid_signatures:
                    assert self.seen[(v.version, s.team)] == v.content_hash
            # exactly one version in force once one was, with every owner's signature
            in_force = [v for v in history if v.status is Status.IN_FORCE]
            self.ever_in_force = self.ever_in_force or bool(in_force)
            assert len(in_force) == (1 if self.ever_in_force else 0)
            for v in in_force:
                assert v.pending_teams == ()
                assert {s.team for s in v.valid_signatures} == set(v.definition.owners)
            # the previous version stays in force until the next one is; then it retires
            now = in_force[0].version if in_force else None
            if self.in_force_before is not None and now != self.in_force_before:
                assert now is not None
                assert now > self.in_force_before
                assert history[self.in_force_before - 1].status is Status.RETIRED


VersioningMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=15, deadline=None
)
test_versioning_invariants = VersioningMachine.TestCase


def _sign_all(store: DefinitionStore, definition: Definition) -> None:
    v = store.propose(definition, by="admin")
    for team in definition.owners:
        store.sign(definition.name, version=v.version, team=team, by=f"lead_{team}")


def test_a_metric_is_resolved_with_every_input_it_uses(store: DefinitionStore) -> None:
    metrics = starter_catalog().metrics()
    for name in ("sals", "mql_decisions"):
        _sign_all(store, metrics[name])
    store.propose(metrics["mql_to_sal_rate"], by="lead_marketing")
    store.sign("mql_to_sal_rate", version=1, team="marketing", by="lead_marketing")

    pending = resolve_in_force(store, "mql_to_sal_rate")
    assert isinstance(pending, NotInForce)
    assert pending.message == "mql_to_sal_rate has no version in force: mql_to_sal_rate v1 " \
        "needs the signature of sales"  # fmt: skip

    store.sign("mql_to_sal_rate", version=1, team="sales", by="lead_sales")
    resolved = resolve_in_force(store, "mql_to_sal_rate")
    assert isinstance(resolved, InForce)
    assert sorted(resolved.metrics) == ["mql_decisions", "mql_to_sal_rate", "sals"]

    compiled = compile_metric(
        "mql_to_sal_rate", metrics=resolved.metrics, tables=canonical_tables()
    )
    assert isinstance(compiled, CompiledMetric)
    result = MetricResult.from_rows(compiled, [{"value": 0.5}], resolved.citations)
    assert (
        str(result.metric)
        == "mql_to_sal_rate v1 (signed by marketing: lead_marketing, sales: lead_sales)"
    )
    assert [c.name for c in result.inputs] == ["mql_decisions", "sals"]

    with pytest.raises(NotFound):
        resolve_in_force(store, "no_such_metric")


def test_a_changed_mql_definition_counts_only_once_sales_signs(
    store: DefinitionStore, workspace: Any
) -> None:
    """Issue 3's "done when", at the library level: marketing changes the MQL definition;
    the number does not change until sales signs; then it does, citing the new version."""
    mqls = starter_catalog().metrics()["mqls"]
    _sign_all(store, mqls)

    def january() -> tuple[float, str]:
        resolved = resolve_in_force(store, "mqls")
        assert isinstance(resolved, InForce)
        compiled = compile_metric("mqls", metrics=resolved.metrics, tables=workspace,
                                  grain="month")  # fmt: skip
        assert isinstance(compiled, CompiledMetric)
        result = MetricResult.from_rows(
            compiled, compiled.expr.execute().to_dict("records"), resolved.citations
        )
        return result.values[0].value or 0.0, str(result.metric)

    assert january() == (4.0, "mqls v1 (signed by marketing: lead_marketing, sales: lead_sales)")

    # Marketing narrows MQLs to the CRM of record (the HubSpot copy of C1 no longer counts).
    data = mqls.model_dump(mode="json")
    data["body"]["measure"]["filters"].append({"column": "source_system", "value": "crm"})
    store.propose(parse_definition(data), by="lead_marketing")
    store.sign("mqls", version=2, team="marketing", by="lead_marketing")
    assert january() == (4.0, "mqls v1 (signed by marketing: lead_marketing, sales: lead_sales)")

    store.sign("mqls", version=2, team="sales", by="lead_sales")
    assert january() == (3.0, "mqls v2 (signed by marketing: lead_marketing, sales: lead_sales)")
