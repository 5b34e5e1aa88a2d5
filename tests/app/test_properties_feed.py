"""Properties of the room's live feed (app/feed_protocol.py, the one declaration of its messages).

Every message the declaration allows survives the trip the relay gives it (a dict, dumped as the relay
dumps it, read back and parsed: the same message). And on a real relay, whatever a viewer sends on
the feed — any bytes, any text, any JSON, messages of the kinds a viewer may send with any fields — is
either taken or refused with the declared ``error``; everything the relay answers is a declared
message; the connection stays open and the relay logs no error."""

from __future__ import annotations

import enum
import json
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from websockets.sync.client import ClientConnection, connect

from app import feed_protocol as fp
from app.relay.realtime import MAX_MESSAGE, MESSAGES_PER_SECOND, _dump
from tests.helpers.relay import RelayProcess, logged_errors
from tests.helpers.room import open_room

PURE = settings(max_examples=60, deadline=None, derandomize=True, database=None)
RELAY = settings(max_examples=120, deadline=None, derandomize=True, database=None)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip


def values(annotation: Any) -> st.SearchStrategy[Any]:
    """JSON-ready values of a declared type (the declaration's models, unions, lists, literals)."""
    origin, args = get_origin(annotation), get_args(annotation)
    if annotation is Any:
        return JSON
    if origin is Annotated:
        return values(args[0])
    if origin is Literal:
        return st.sampled_from(args)
    if origin in (Union, types.UnionType):
        return st.one_of([values(arg) for arg in args])
    if origin is list:
        return st.lists(values(args[0]), max_size=2)
    if origin is dict:
        return st.dictionaries(st.text(max_size=8), values(args[1]), max_size=2)
    if annotation in (None, type(None)):
        return st.none()
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return st.deferred(lambda: _fields(annotation))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return st.sampled_from([member.value for member in annotation])
    simple: dict[Any, st.SearchStrategy[Any]] = {
        str: st.text(max_size=12),
        bool: st.booleans(),
        int: st.integers(-(2**53), 2**53),
        float: st.floats(allow_nan=False, allow_infinity=False),
    }
    return simple[annotation]


def _fields(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    required = {name: values(f.annotation) for name, f in model.model_fields.items() if f.is_required()}
    optional = {name: values(f.annotation) for name, f in model.model_fields.items() if not f.is_required()}
    return st.fixed_dictionaries(required, optional=optional)


@pytest.mark.parametrize("owner", [False, True])
@PURE
@given(st.data())
def test_every_declared_message_reads_back_as_sent(owner: bool, data: st.DataObject) -> None:
    message = data.draw(values(fp.OwnerMessage if owner else fp.ViewerMessage))
    parsed = fp.parse(message, owner=owner)
    sent = _dump(parsed.model_dump(mode="json"))  # as the relay sends a message
    again = fp.parse(json.loads(sent), owner=owner)
    assert again == parsed
    assert _dump(again.model_dump(mode="json")) == sent


# --- what a viewer sends -------------------------------------------------------------------------------

KINDS = list(fp.SENT_TYPES)
"""What a viewer may send (app/feed_protocol.py ``SentMessage``); anything else is refused."""
FIELDS = ["id", "text", "count", "skus", "via", "nickname"]
SENT = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300),
    JSON.map(json.dumps),
    st.fixed_dictionaries(
        {"type": st.one_of(st.sampled_from(KINDS), st.text(max_size=10), JSON)},
        optional={name: st.one_of(JSON, st.integers(), st.sampled_from(["tee", "", "x" * 300]),
                                  st.lists(st.text(max_size=5))) for name in FIELDS},
    ).map(_dump),
    st.integers(MAX_MESSAGE - 20, MAX_MESSAGE + 20).map(lambda size: _dump({"type": "comment", "text": "x" * size})),
)  # fmt: skip


def _must_refuse(sent: str | bytes) -> bool:
    """Whether no relay may take this message: not a JSON object with a ``type`` it knows, or too large.
    (One it may take can still be refused: a muted viewer, too many comments, a blocked word.)"""
    text = sent.decode("utf-8", "replace") if isinstance(sent, bytes) else sent
    if len(text) > MAX_MESSAGE:
        return True
    try:
        message = json.loads(text)
    except ValueError:
        return True
    return not isinstance(message, dict) or message.get("type") not in KINDS


@pytest.fixture(scope="module")
def relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RelayProcess]:
    process = RelayProcess(Path(tmp_path_factory.mktemp("feed"))).start()
    yield process
    process.stop()


class Viewer:
    """A viewer's feed connection, paced under the relay's per-connection message rate."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.probes = 0
        self.window: list[float] = []
        first = fp.parse(json.loads(self.ws.recv(timeout=10)), owner=False)
        assert first.type == "snapshot"  # type: ignore[attr-defined]

    def send(self, message: str | bytes) -> None:
        # The relay closes a connection that sends more than MESSAGES_PER_SECOND in a second: a
        # client that keeps to the rate waits for the oldest of its last sends to be a second old.
        self.window = [t for t in self.window if time.monotonic() - t < 1.0]
        if len(self.window) >= MESSAGES_PER_SECOND - 2:
            time.sleep(max(0.0, 1.0 - (time.monotonic() - self.window[0])))
        self.window.append(time.monotonic())
        self.ws.send(message)

    def answers(self, sent: str | bytes) -> list[Any]:
        """Send ``sent``, then a ping; every message until the ping's pong, parsed as declared."""
        self.probes += 1
        probe = f"probe-{self.probes}"
        self.send(sent)
        self.send(_dump({"type": "ping", "id": probe}))
        got: list[Any] = []
        while True:
            message = fp.parse(json.loads(self.ws.recv(timeout=10)), owner=False)
            if message.type == "pong" and message.id == probe:  # type: ignore[attr-defined]
                return got
            got.append(message)


@pytest.fixture(scope="module")
def viewer(relay: RelayProcess) -> Iterator[Viewer]:
    room = open_room(relay, "feed")
    url = room.api.replace("http://", "ws://") + "/live?nickname=prop"
    with connect(url, additional_headers=room.session("prop").headers) as ws:
        yield Viewer(ws)


@pytest.mark.slow
@RELAY
@given(sent=SENT)
@example(sent=b"\xff\xfe\x00{")
@example(sent='{"type": "comment", "text": "hello 你好"}')
@example(sent='{"type": "like", "count": 1e400}')
def test_whatever_a_viewer_sends_is_taken_or_refused_as_declared(
    relay: RelayProcess, viewer: Viewer, sent: str | bytes
) -> None:
    answers = viewer.answers(sent)  # each parsed against the declaration on the way
    errors = [a for a in answers if a.type == "error"]
    if _must_refuse(sent):
        assert errors, f"{sent!r} was not refused: {answers}"
    assert all(e.code and e.message for e in errors)
    assert not logged_errors(relay), "\n".join(relay.output[-40:])
