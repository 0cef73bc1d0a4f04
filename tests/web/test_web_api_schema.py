"""Schemathesis over the OpenAPI document: generated requests to every operation of the
REST API, authenticated with API tokens, never get a server error (5xx).

A marketing lead's token is used (it may sign, propose and upload: those handlers run),
an admin's for the admin operations. Every error answer must have the stable shape.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from web_helpers import ADMIN

from accord.data.state.tokens import create_token
from accord.web.runtime import Runtime

ADMIN_PATHS = ("/api/v1/users", "/api/v1/audit")


@pytest.fixture(scope="module")
def tokens(app: FastAPI) -> dict[str, str]:
    runtime: Runtime = app.state.runtime
    made = {}
    with runtime.state.session() as db:
        for user in ("marketing-lead", ADMIN):
            made[user], _ = create_token(db, user, name="schemathesis", actor="test")
    return made


def _check(case: Any, tokens: dict[str, str], seen: Counter[int]) -> None:
    user = ADMIN if case.path.startswith(ADMIN_PATHS) else "marketing-lead"
    response = case.call(headers={"Authorization": f"Bearer {tokens[user]}"})
    seen[response.status_code] += 1
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"
    if response.status_code >= 400:
        error = response.json()["error"]
        assert set(error) == {"code", "message", "hint"}
        assert error["code"]
        assert error["message"]


def test_no_server_error(app: FastAPI, client: object, tokens: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    seen: Counter[int] = Counter()
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=8,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def run(case: Any) -> None:
            _check(case, tokens, seen)

        run()
    assert sum(seen.values()) >= 4 * len(operations)
    assert seen[200]  # valid requests were generated
    assert seen[422]  # and invalid ones
