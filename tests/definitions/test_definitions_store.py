"""The versioning rules every DefinitionStore keeps (store.py), checked on the in-memory
reference implementation. The SQL state store adds its factory to ``STORES`` to pass the
same contract.

Properties (hypothesis, random sequences of proposals and signatures): no signature ever
counts for a body it did not see; at most one version per name is in force, and once one
is, exactly one; a version is in force only when every owner signed that exact content;
the previous version stays in force until then.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import count
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
from accord.definitions.store import InForce, NotInForce
from accord.errors import Conflict, NotFound, PermissionDenied


def _clock() -> Callable[[], datetime]:
    ticks = count()
    return lambda: datetime(2025, 1, 1) + timedelta(minutes=next(ticks))


STORES: dict[str, Callable[[], DefinitionStore]] = {
    "memory": lambda: MemoryDefinitionStore(clock=_clock()),
}


@pytest.fixture(params=sorted(STORES))
def store(request: pytest.FixtureRequest) -> DefinitionStore:
    return STORES[request.param]()


def _term(text: str, owners: tuple[str, ...] = ("marketing", "sales")) -> Definition:
    return parse_definition(
        {"kind": "term", "name": "mql", "owners": list(owners), "body": {"definition": text}}
    )


def test_a_version_comes_into_force_when_every_owner_signed(store: DefinitionStore) -> None:
    v1 = store.propose(_term("first"), by="ana")
    assert (v1.version, v1.status, store.in_force("mql")) == (1, Status.PROPOSED, None)
    after_one = store.sign("mql", version=1, team="marketing", by="ana")
    assert (after_one.status, after_one.pending_teams) == (Status.PROPOSED, ("sales",))
    in_force = store.sign("mql", version=1, team="sales", by="bo")
    assert in_force.status is Status.IN_FORCE
    assert store.in_force("mql") == in_force
    assert [s.user for s in in_force.valid_signatures] == ["ana", "bo"]


def test_the_previous_version_stays_in_force_until_the_new_one_is_signed(
    store: DefinitionStore,
) -> None:
    store.propose(_term("first"), by="ana")
    store.sign("mql", version=1, team="marketing", by="ana")
    store.sign("mql", version=1, team="sales", by="bo")
    v2 = store.propose(_term("second"), by="ana")
    store.sign("mql", version=2, team="marketing", by="ana")
    current = store.in_force("mql")
    assert current is not None
    assert (current.version, v2.status) == (1, Status.PROPOSED)
    store.sign("mql", version=2, team="sales", by="bo")
    assert [v.status for v in store.history("mql")] == [Status.RETIRED, Status.IN_FORCE]


def test_proposing_an_unchanged_definition_is_a_no_op(store: DefinitionStore) -> None:
    v1 = store.propose(_term("first"), by="ana")
    reordered = _term("first", owners=("sales", "marketing"))
    assert store.propose(reordered, by="bo") == v1
    assert len(store.history("mql")) == 1


def test_a_newer_proposal_withdraws_the_older_one(store: DefinitionStore) -> None:
    store.propose(_term("first"), by="ana")
    store.sign("mql", version=1, team="marketing", by="ana")
    store.propose(_term("second"), by="ana")
    assert store.version("mql", 1).status is Status.WITHDRAWN
    with pytest.raises(Conflict):
        store.sign("mql", version=1, team="sales", by="bo")


def test_only_owning_teams_sign(store: DefinitionStore) -> None:
    store.propose(_term("first"), by="ana")
    with pytest.raises(PermissionDenied):
        store.sign("mql", version=1, team="finance", by="fin")
    with pytest.raises(NotFound):
        store.sign("mql", version=7, team="sales", by="bo")


ACTIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("propose"),
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from([("marketing", "sales"), ("sales",), ("finance", "marketing")]),
        ),
        st.tuples(
            st.just("sign"), st.integers(1, 6), st.sampled_from(["marketing", "sales", "finance"])
        ),
    ),
    max_size=25,
)


@settings(max_examples=80, deadline=None)
@given(ACTIONS)
def test_versioning_invariants(actions: list[tuple[Any, ...]]) -> None:
    for make in STORES.values():
        store = make()
        ever_in_force = False
        for action in actions:
            before = store.in_force("mql")
            if action[0] == "propose":
                store.propose(_term(action[1], owners=action[2]), by="someone")
            else:
                with contextlib.suppress(Conflict, NotFound, PermissionDenied):
                    store.sign("mql", version=action[1], team=action[2], by="someone")
            history = store.history("mql")
            in_force = [v for v in history if v.status is Status.IN_FORCE]
            ever_in_force = ever_in_force or bool(in_force)
            assert len(in_force) == (1 if ever_in_force else 0)
            for v in history:
                # every signature is bound to the content its version shows ...
                assert all(s.content_hash == content_hash(v.definition) for s in v.signatures)
                assert v.content_hash == content_hash(v.definition)
            for v in in_force:
                # ... and a version is in force only with every owner's valid signature
                assert v.pending_teams == ()
            now = store.in_force("mql")
            if before is not None and now is not None and now.version != before.version:
                assert now.version > before.version
                assert store.version("mql", before.version).status is Status.RETIRED


def _sign_all(store: DefinitionStore, definition: Definition) -> None:
    v = store.propose(definition, by="admin")
    for team in definition.owners:
        store.sign(definition.name, version=v.version, team=team, by=f"lead_{team}")


def test_a_metric_is_resolved_with_every_input_it_uses() -> None:
    store = MemoryDefinitionStore(clock=_clock())
    metrics = starter_catalog().metrics()
    for name in ("sals", "mql_decisions"):
        _sign_all(store, metrics[name])
    store.propose(metrics["mql_to_sal_rate"], by="ana")
    store.sign("mql_to_sal_rate", version=1, team="marketing", by="ana")

    pending = resolve_in_force(store, "mql_to_sal_rate")
    assert isinstance(pending, NotInForce)
    assert pending.message == "mql_to_sal_rate has no version in force: mql_to_sal_rate v1 " \
        "needs the signature of sales"  # fmt: skip

    store.sign("mql_to_sal_rate", version=1, team="sales", by="bo")
    resolved = resolve_in_force(store, "mql_to_sal_rate")
    assert isinstance(resolved, InForce)
    assert sorted(resolved.metrics) == ["mql_decisions", "mql_to_sal_rate", "sals"]

    compiled = compile_metric(
        "mql_to_sal_rate", metrics=resolved.metrics, tables=canonical_tables()
    )
    assert isinstance(compiled, CompiledMetric)
    result = MetricResult.from_rows(compiled, [{"value": 0.5}], resolved.citations)
    assert str(result.metric) == "mql_to_sal_rate v1 (signed by marketing: ana, sales: bo)"
    assert [c.name for c in result.inputs] == ["mql_decisions", "sals"]

    with pytest.raises(NotFound):
        resolve_in_force(store, "no_such_metric")


def test_a_changed_mql_definition_counts_only_once_sales_signs(workspace: Any) -> None:
    """Issue 3's "done when", at the library level: marketing changes the MQL definition;
    the number does not change until sales signs; then it does, citing the new version."""
    store = MemoryDefinitionStore(clock=_clock())
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
    store.propose(parse_definition(data), by="ana")
    store.sign("mqls", version=2, team="marketing", by="ana")
    assert january() == (4.0, "mqls v1 (signed by marketing: lead_marketing, sales: lead_sales)")

    store.sign("mqls", version=2, team="sales", by="bo")
    assert january() == (3.0, "mqls v2 (signed by marketing: ana, sales: bo)")
