"""Every operation in the relay's OpenAPI document, fed hostile input: wrong types, missing and extra
fields, huge and empty values, broken JSON, odd path and query values. The relay must answer each
with a 4xx that says what is wrong (or accept it when it happens to be valid), never a 500, never a
logged traceback, and it must still serve afterwards.

The inputs are derived from the document itself, so a new endpoint is covered the day it is added."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers.relay import RelayProcess, logged_errors
from tests.helpers.room import open_room

# Operations that would end the session under test rather than exercise input handling.
SKIP = {
    ("delete", "/api/v1/rooms/{room}"),
    ("post", "/api/v1/rooms/{room}/owner-token"),
    ("post", "/api/v1/admin/session-keys"),  # twice ends every viewer session, the fuzz's own too
}

BAD_VALUES: list[Any] = [
    None, True, -1, 0, 2**64, -(2**63) - 1, 1.5, 1e308, "", " ", "x" * 5000, "\u0000", "../../etc/passwd",
    "<script>alert(1)</script>", "😀" * 40, [], {}, [[[]]], {"a": {"b": None}},
]  # fmt: skip
BAD_BODIES: list[bytes] = [
    b"", b"null", b"[]", b"{}", b'"x"', b"1", b"{", b"\xff\xfe\x00", b'{"a": NaN}', b'{"a": 1e99999}',
    b"[" * 5000 + b"]" * 5000, b'{"' + b"k" * 60_000 + b'": 1}', b'{"sku": "tee", "sku": 5}',
]  # fmt: skip
HUGE = "99999999999999999999999"
BAD_SEGMENTS = ["x", "%00", HUGE, "a" * 300, "..%2F..%2Fetc", "%F0%9F%98%80", "-1", "0", "%20", "a.b"]
BAD_QUERY = ["-1", "abc", HUGE, "", "1e3", "%00"]


def _resolve(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = doc["components"]["schemas"][name]
    return schema


def _plausible(schema: dict[str, Any], doc: dict[str, Any]) -> Any:
    """A value of the right shape (not necessarily one the room accepts)."""
    schema = _resolve(schema, doc)
    if "examples" in schema:
        return schema["examples"][0]
    if "anyOf" in schema:
        return _plausible(schema["anyOf"][0], doc)
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: _plausible(sub, doc) for name, sub in props.items()}
    if kind == "array":
        return [_plausible(schema.get("items", {}), doc) for _ in range(2)]
    return {"integer": 1, "number": 1, "boolean": True}.get(kind or "", "tee")


def _bodies(schema: dict[str, Any], doc: dict[str, Any]) -> Iterator[bytes]:
    yield from BAD_BODIES
    schema = _resolve(schema, doc)
    base = _plausible(schema, doc)
    if isinstance(base, list):
        for value in BAD_VALUES:
            yield json.dumps([value]).encode()
        base = base[0] if base and isinstance(base[0], dict) else {}
        wrap = True
    else:
        wrap = False
    if not isinstance(base, dict):
        return
    for name in list(base):
        missing = {k: v for k, v in base.items() if k != name}
        yield json.dumps([missing] if wrap else missing).encode()
        for value in BAD_VALUES:
            changed = {**base, name: value}
            yield json.dumps([changed] if wrap else changed).encode()
    yield json.dumps([{**base, "unexpected": 1}] if wrap else {**base, "unexpected": 1}).encode()


def _cases(doc: dict[str, Any], room: str) -> Iterator[tuple[str, str, bytes | None]]:
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if (method, path) in SKIP:
                continue
            params = operation.get("parameters", [])
            path_params = [p["name"] for p in params if p["in"] == "path"]
            query = [p["name"] for p in params if p["in"] == "query"]
            base = {name: (room if name == "room" else "x1") for name in path_params}
            url = path.format(**base)
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is not None:
                for body in _bodies(schema, doc):
                    yield method, url, body
            elif method in ("post", "put", "patch"):
                for body in BAD_BODIES[:8]:
                    yield method, url, body
            for name, bad in itertools.product(path_params, BAD_SEGMENTS):
                yield method, path.format(**{**base, name: bad}), b"{}" if schema is not None else None
            for name, bad in itertools.product(query, BAD_QUERY):
                yield method, f"{url}?{name}={bad}", None


@pytest.fixture(scope="module")
def relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RelayProcess]:
    process = RelayProcess(Path(tmp_path_factory.mktemp("fuzz"))).start()
    yield process
    process.stop()


@pytest.mark.slow
def test_no_input_makes_the_relay_fail(relay: RelayProcess) -> None:
    room = open_room(relay, "fuzz")
    doc = httpx.get(f"{relay.url}/api/openapi.json").json()
    ids = [op.get("operationId") for ops in doc["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids)), "operation ids must be unique for generated clients"

    failures: list[str] = []
    count = 0
    session = room.session("viewer-fuzz").token  # the viewer routes run too: the owner's bearer, a viewer's cookie
    with httpx.Client(base_url=relay.url, timeout=30) as client:
        for n, (method, url, body) in enumerate(_cases(doc, room.name)):
            count += 1
            token = room.owner_token if url.startswith(f"/api/v1/rooms/{room.name}/") else relay.admin_token
            headers = {
                "Authorization": f"Bearer {token}",
                "Cookie": f"shopcast_session={session}",
                "Idempotency-Key": f"fuzz-{n}",
                "Content-Type": "application/json",
            }
            where = f"{method.upper()} {url[:120]} {body[:80] if body else b''!r}"
            try:
                response = client.request(method.upper(), url, content=body, headers=headers)
            except httpx.TransportError as exc:
                failures.append(f"{where} -> {type(exc).__name__}: {exc}")
                continue
            if response.status_code >= 500:
                failures.append(f"{where} -> {response.status_code} {response.text[:200]}")
            elif response.status_code >= 400 and method != "head" and url.startswith("/api/"):
                payload = response.json()
                if not (isinstance(payload.get("error"), str) and len(payload.get("message", "")) > 5):
                    failures.append(f"{where} -> {response.status_code} without a message: {response.text[:200]}")
    assert count > 1000, f"only {count} cases: is the OpenAPI document complete?"
    assert not failures, f"{len(failures)} of {count} requests failed:\n" + "\n".join(failures[:30])
    assert httpx.get(f"{relay.url}/healthz").status_code == 200
    tracebacks = [line for line in relay.output if "Traceback" in line] + logged_errors(relay)
    assert not tracebacks, "\n".join(relay.output[-60:])
