"""schemathesis against the relay's own OpenAPI document (/api/openapi.json): every operation, fed
inputs generated from the document (valid ones, ones that break it, and the document's own examples),
on a real relay. Every answer must be what the document says: never a 5xx, only a documented status
code, a documented media type, and a body that matches the documented schema (the errors' shared shape
included).

test_api_fuzz.py sends hand-picked hostile values; here the document's own schemas drive the inputs,
so a route whose declared answers drift from what it returns fails here.

The cases come from schemathesis' strategies (``APIOperation.as_strategy``) run by Hypothesis in this
test: schemathesis' own pytest runner (``schemathesis.pytest.from_fixture``) does not run under pytest
9.2 (it renames nodes through ``Function._nodeid``, which pytest no longer has)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.app.test_api_fuzz import SKIP
from tests.helpers.relay import RelayProcess, logged_errors
from tests.helpers.room import Room, open_room

Operation = schemathesis.APIOperation[Any, Any, Any, Any]
Case = schemathesis.Case[Any]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 15
"""Generated cases per operation and generation mode (valid, invalid): about 100 operations at this
many keep the test under three minutes on two busy cores."""
ADMIN_ONLY = {("POST", "/api/v1/rooms/{room}/stream-key")}
"""Room routes for the relay's admin, not the room's owner (the relay's own routes all are)."""
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases on every run: CI is reproducible
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found, in bounded time
    suppress_health_check=list(HealthCheck),
)

schemathesis.serializer.alias("application/sdp", "text/plain")  # WHIP and WHEP offers are SDP text


@pytest.fixture(scope="module")
def relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RelayProcess]:
    process = RelayProcess(Path(tmp_path_factory.mktemp("schemathesis"))).start()
    yield process
    process.stop()


def _headers(operation: Operation, relay: RelayProcess, room: Room) -> dict[str, str]:
    """Who calls: the broadcaster (its stream key) on ingest, the room's owner on the room's routes,
    the admin elsewhere; and always a viewer's session cookie, which the viewers' routes read when the
    bearer is not a session."""
    path = operation.path
    if path.startswith(("/ingest/", "/api/v1/rooms/{room}/ingest/")):
        token = room.stream_key
    elif path.startswith("/api/v1/rooms/{room}") and (operation.method.upper(), path) not in ADMIN_ONLY:
        token = room.owner_token
    else:
        token = relay.admin_token
    return {"Authorization": f"Bearer {token}", "Cookie": f"shopcast_session={room.session('schema').token}"}


def _run(strategy: st.SearchStrategy[Case], base_url: str, headers: dict[str, str]) -> None:
    @SETTINGS
    @given(case=strategy)
    def check(case: Case) -> None:
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=30)

    check()


@pytest.mark.slow
def test_every_answer_is_the_documented_one(relay: RelayProcess) -> None:
    room = open_room(relay, "schema")
    schema: schemathesis.BaseSchema = schemathesis.openapi.from_url(f"{relay.url}/api/openapi.json")
    for method, path in SKIP:
        schema = schema.exclude(method=method.upper(), path=path)
    # Generated room names are nearly all unknown rooms (a 404 before anything else runs): the room
    # under test is where the inputs reach the routes' own checks.
    fixed = {"room": room.name}

    failures: list[str] = []
    operations = 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):  # an operation schemathesis cannot read: the document is wrong
            failures.append(f"the document: {result.err()}")
            continue
        operation = result.ok()
        operations += 1
        params = fixed if "{room}" in operation.path else None
        headers = _headers(operation, relay, room)
        strategies = [
            *((False, s) for s in operation.get_strategies_from_examples(path_parameters=params)),
            (False, operation.as_strategy(GenerationMode.POSITIVE, path_parameters=params)),
            (True, operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=params)),
        ]
        for negative, strategy in strategies:
            try:
                _run(strategy, relay.url, headers)
            except Unsatisfiable:
                if negative:  # nothing to make invalid (no parameters, no body): nothing to run
                    continue
                failures.append(f"{operation.label}: no valid request can be made from the document")
                break
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis reports checks as an exception group
                failures.append(f"{operation.label}: {exc}")
                break
    elapsed = time.monotonic() - started
    assert operations > 90, f"only {operations} operations: is the OpenAPI document complete?"
    assert not failures, f"{len(failures)} of {operations} operations ({elapsed:.0f} s):\n" + "\n\n".join(failures)
    assert not logged_errors(relay), "\n".join(relay.output[-60:])
