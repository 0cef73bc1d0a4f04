"""The web layer's small parts on their own: masking, the permission table, the cache,
sessions, settings, CSV, number formats, charts; and the modules' docstring examples."""

from __future__ import annotations

import doctest
import os
import stat
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.data.state import ROLES, UserRecord
from accord.errors import ConfigError, NotFound, PermissionDenied
from accord.web import cache, capability, listing, pages, permissions, pii, security, settings
from accord.web.charts import sparkline
from accord.web.permissions import PERMISSIONS, Action, allows, require
from accord.web.services import funnel as funnel_service
from accord.web.services import reports
from accord.web.services.scorecard import Point, add_months, last_complete_month
from accord.web.settings import SECRET_FILE, WebSettings

TEAMS = ("marketing", "sales", "product", "service", "finance")


def _user(team: str, role: str, *, active: bool = True) -> UserRecord:
    return UserRecord(f"{team}-{role}", None, team, role, active, datetime.now(UTC), True)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "module",
    [
        cache,
        capability,
        listing,
        pages,
        permissions,
        pii,
        security,
        settings,
        funnel_service,
        reports,
    ],
    ids=lambda m: m.__name__,
)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


# ---------------------------------------------------------------- the permission table
def test_every_action_has_a_rule_and_a_description() -> None:
    assert set(PERMISSIONS) == set(Action)
    for action in Action:
        assert permissions.describe(action) != "nobody", action


WHO: dict[Action, set[tuple[str, str]]] = {
    Action.VIEW_PII: {("marketing", "lead"), ("sales", "lead"), ("service", "lead")}
    | {(t, "admin") for t in TEAMS},
    Action.UPLOAD_DATA: {("marketing", "lead"), ("sales", "lead")} | {(t, "admin") for t in TEAMS},
    Action.APPROVE_BUDGET: {("finance", "lead"), ("marketing", "lead")},
    Action.MANAGE_USERS: {(t, "admin") for t in TEAMS},
    Action.VIEW_AUDIT: {(t, "admin") for t in TEAMS},
    Action.SIGN_DEFINITION: {(t, "lead") for t in TEAMS},
    Action.PROPOSE_DEFINITION: {(t, r) for t in TEAMS for r in ("lead", "admin")},
    Action.VIEW_SCORECARD: {(t, r) for t in TEAMS for r in ROLES},
    Action.VIEW_FUNNEL: {(t, r) for t in TEAMS for r in ROLES},
    Action.VIEW_CREDIT: {(t, r) for t in TEAMS for r in ROLES},
    Action.VIEW_ECONOMICS: {(t, r) for t in TEAMS for r in ROLES},
    Action.PROPOSE_BUDGET: {(t, r) for t in TEAMS for r in ROLES},
    Action.VIEW_ACCOUNTS: {(t, r) for t in TEAMS for r in ROLES},
}
"""The table written out by hand, team by role (what docs/web.md promises)."""


@pytest.mark.parametrize("action", sorted(WHO), ids=str)
def test_the_table_grants_exactly_the_documented_roles(action: Action) -> None:
    granted = {(t, r) for t in TEAMS for r in ROLES if allows(_user(t, r), action)}
    assert granted == WHO[action]


def test_owning_team_rules_check_the_owners() -> None:
    lead, admin = _user("finance", "lead"), _user("finance", "admin")
    assert allows(lead, Action.SIGN_DEFINITION, owners=("finance", "sales"))
    assert not allows(lead, Action.SIGN_DEFINITION, owners=("marketing", "sales"))
    assert not allows(admin, Action.SIGN_DEFINITION, owners=("finance",))  # admins do not sign
    assert allows(admin, Action.PROPOSE_DEFINITION, owners=("marketing",))
    with pytest.raises(PermissionDenied, match="owned by marketing") as info:
        require(lead, Action.PROPOSE_DEFINITION, owners=("marketing",))
    assert info.value.hint is not None
    assert "leads of an owning team" in info.value.hint


def test_a_deactivated_user_may_do_nothing() -> None:
    for action in Action:
        assert not allows(_user("marketing", "admin", active=False), action)


# ---------------------------------------------------------------- masking
@given(st.emails())
def test_a_masked_email_keeps_only_the_first_character_and_the_domain(email: str) -> None:
    masked = pii.mask_email(email)
    local, domain = email.rsplit("@", 1)
    assert masked == f"{local[0]}•••@{domain}"
    assert pii.mask_value("email", email) == masked


@given(st.from_regex(r"\+[1-9][0-9]{1,2}( [0-9]{3,4}){2,3}", fullmatch=True))
def test_phone_numbers_inside_text_are_masked(phone: str) -> None:
    masked = pii.mask_text(f"call {phone} today")
    digits = "".join(ch for ch in phone if ch.isdigit())
    assert digits not in "".join(ch for ch in masked if ch.isdigit())
    assert masked.endswith(f"•••{digits[-2:]} today")


def test_masking_keeps_what_is_not_personal() -> None:
    assert pii.mask_text("created 2025-03-31 09:00, amount 1200.50") == (
        "created 2025-03-31 09:00, amount 1200.50"
    )
    assert pii.mask_value("name", "Acme GmbH", table="accounts") == "Acme GmbH"
    assert pii.mask_value("name", "Maria Lopez", table="contacts") == "M•••"
    assert pii.mask_value("amount", "=1+1") == "=1+1"
    record = pii.mask_record({"Mobile Phone": "0171 2345678", "Street Address": "Hauptstr. 1",
                              "Deal Stage": "closedwon", "Customer Name": "Bo Berg"})  # fmt: skip
    assert record == {"Mobile Phone": "•••78", "Street Address": "•••",
                      "Deal Stage": "closedwon", "Customer Name": "B•••"}  # fmt: skip


# ---------------------------------------------------------------- cache
def test_the_cache_computes_once_under_concurrent_requests() -> None:
    results = cache.ResultCache()
    calls: list[int] = []
    gate = threading.Event()

    def slow() -> int:
        gate.wait(2)
        calls.append(1)
        return 7

    threads = [threading.Thread(target=results.get, args=("k", 1, slow)) for _ in range(5)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join()
    assert calls == [1]
    assert results.get("k", 1, slow) == 7


def test_the_cache_forgets_the_least_recently_used() -> None:
    results = cache.ResultCache(max_entries=2)
    for key in ("a", "b", "a", "c"):
        results.get(key, 0, str)
    assert results.misses == 3
    results.get("a", 0, lambda: "again")
    assert results.misses == 3  # "a" was used recently and kept; "b" went
    results.get("b", 0, lambda: "b")
    assert results.misses == 4


# ---------------------------------------------------------------- sessions and settings
def test_session_codec_refuses_other_shapes() -> None:
    codec = security.SessionCodec("k" * 32, max_age=60)
    other = security.URLSafeTimedSerializer("k" * 32, salt="accord.session.v1")
    for payload in ([1, "c", "f"], ["a", "c"], {"user": "a"}, "a"):
        assert codec.loads(other.dumps(payload)) is None
    assert codec.loads(None) is None
    assert codec.loads(codec.dumps(security.Session.new())).user is None  # type: ignore[union-attr]


def test_the_workspace_secret_is_made_once_and_private(tmp_path: Path) -> None:
    first = WebSettings.from_environment(tmp_path, environ={})
    second = WebSettings.from_environment(tmp_path, environ={})
    assert first.secret_key == second.secret_key
    mode = stat.S_IMODE(os.stat(tmp_path / SECRET_FILE).st_mode)
    assert mode == 0o600
    given = WebSettings.from_environment(
        tmp_path,
        environ={"ACCORD_SECRET_KEY": "e" * 40, "ACCORD_SECURE_COOKIES": "1",
                 "ACCORD_SESSION_HOURS": "1.5"},
    )  # fmt: skip
    assert (given.secret_key.get_secret_value(), given.secure_cookies) == ("e" * 40, True)
    assert given.session_seconds == 5400
    with pytest.raises(ConfigError, match="ACCORD_SECRET_KEY"):
        WebSettings.from_environment(tmp_path, environ={"ACCORD_SECRET_KEY": "short"})
    with pytest.raises(ConfigError, match="ACCORD_SESSION_HOURS"):
        WebSettings.from_environment(tmp_path, environ={"ACCORD_SESSION_HOURS": "-1"})


# ---------------------------------------------------------------- formats and charts
def test_values_are_formatted_with_the_metric_spec_and_unit() -> None:
    assert pages.format_value(1234567.8, ",.0f", "currency", "EUR") == "1,234,568 EUR"
    assert pages.format_value(0.4321, ".1%", "ratio") == "43.2%"
    assert pages.format_value(float("nan")) == "-"
    assert pages.format_value(12.0, None, "days") == "12 d"


def test_months_and_sparklines() -> None:
    assert add_months(date(2025, 1, 31), -1) == date(2024, 12, 1)
    assert last_complete_month(date(2024, 2, 29)) == date(2024, 2, 1)
    values = ((1, 1.0), (2, None), (3, 2.0), (4, 4.0))
    line = str(sparkline([Point(date(2025, m, 1), v) for m, v in values]))
    assert line.count("<polyline") == 1  # January stands alone after the gap
    assert 'aria-label="trend over 4 months, from 1 to 4"' in line
    assert str(sparkline([Point(date(2025, 1, 1), 3.0)])) == ""


def test_the_public_surface_is_small_and_exists() -> None:
    import accord.web

    assert set(accord.web.__all__) == {
        "PERMISSIONS",
        "Action",
        "WebSettings",
        "create_app",
        "serve",
    }
    for name in accord.web.__all__:
        assert hasattr(accord.web, name), name


# ---------------------------------------------------------------- capability pages
def test_a_reps_breaches_come_first_and_the_rest_keep_their_order() -> None:
    priya = UserRecord("priya-raman", "p.raman@acme.com", "sales", "member", True,
                       datetime.now(UTC), True)  # fmt: skip
    owners = ["Chloe Martin", "Priya Raman", "Amara Nwosu", "PRIYA RAMAN", None]
    rows = [{"owner": o, "n": i} for i, o in enumerate(owners)]
    view = reports.View(tables=(reports.table_of("sla_breaches", "Breaches", rows),))
    ordered = funnel_service.for_user(view, priya)
    assert [r["n"] for r in ordered.table("sla_breaches").rows] == [1, 3, 0, 2, 4]
    assert ordered.extra["own_breaches"] == 2
    by_email = UserRecord("x", "amara.nwosu@acme.com", "sales", "member", True,
                          datetime.now(UTC), True)  # fmt: skip
    first = funnel_service.for_user(view, by_email).table("sla_breaches").rows[0]
    assert first["owner"] == "Amara Nwosu"


def test_tables_serve_json_safe_values_and_say_which_tables_exist() -> None:
    table = reports.table_of("t", "T", [{"a": float("nan"), "b": float("inf"), "c": 1.5}])
    assert table.rows == ({"a": None, "b": None, "c": 1.5},)
    view = reports.View(tables=(table,), problems=(reports.Problem("No SLA in force."),))
    with pytest.raises(NotFound, match="No SLA in force") as info:
        view.table("missing")
    assert info.value.hint == "Tables: t."
