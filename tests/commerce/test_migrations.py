"""Numbered schema steps (app/commerce/store.py MIGRATIONS): an older store is brought up to date with
what it holds, and a newer one is refused."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from app.commerce.engine import RoomEngine
from app.commerce.errors import CommerceError
from app.commerce.orders import OrderRequest
from app.commerce.payments import AsyncTestModePayment
from app.commerce.store import (
    MIGRATIONS,
    PostgresStore,
    SqliteStore,
    Store,
    StoreError,
    hash_room_secrets,
    open_store,
)
from app.commerce.token_hashes import token_hash
from app.relay.rooms import StoreRoomRegistry
from tests.commerce.conftest import ManualClock


def _store_at(path: Path, schema: int) -> None:
    """A SQLite store as ShopCast left it at ``schema``."""
    db = sqlite3.connect(path)
    for step in MIGRATIONS[:schema]:
        db.executescript(step.sql)
    db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(schema),))
    db.commit()
    db.close()


def test_a_draw_from_a_schema_2_store_keeps_its_rule_and_stays_verifiable(tmp_path: Path) -> None:
    path = tmp_path / "commerce.sqlite3"
    _store_at(path, 2)
    db = sqlite3.connect(path)
    db.execute(
        "INSERT INTO draws (id, room, prize, winners, keyword, seed_hash, seed, status, opens_at, closes_at)"
        " VALUES ('dr_old', 'r', 'Mug', 1, NULL, ?, 'seed', 'open', 0, 4102444800)",
        (hashlib.sha256(b"seed").hexdigest(),),
    )
    db.execute(
        "INSERT INTO draw_entries (draw_id, viewer_id, nickname, entered_at, via)"
        " VALUES ('dr_old', 'v-old', 'Old', 1, 'button')"
    )
    db.commit()
    db.close()

    engine = RoomEngine(path, clock=ManualClock())
    try:
        engine.enter_draw("r", "v-new", "New", "dr_old")  # an entry made after the upgrade
        closed = engine.close_draw("r", "dr_old")
        proof = engine.draw_verification("r", "dr_old")
        mine = engine.me("r", "v-old")["draw_tickets"]["dr_old"]
    finally:
        engine.close()
    # the draw keeps the rule it was opened with: entrants ranked by sha256(seed:viewer_id)
    assert proof["rule"] == 1 and "before tickets" in proof["algorithm"]
    old_rank = {v: hashlib.sha256(f"seed:{v}".encode()).hexdigest() for v in ("v-old", "v-new")}
    assert [e["ticket"] for e in proof["entrant_list"]] == [old_rank["v-old"], old_rank["v-new"]]
    assert [w["ticket"] for w in proof["winner_list"]] == sorted(old_rank.values())[:1], "as verify.js recomputes"
    assert closed["winner_list"] == proof["winner_list"]
    assert hashlib.sha256(f"{mine['salt']}:v-old".encode()).hexdigest() == mine["ticket"] == old_rank["v-old"]
    assert "v-old" not in str(proof) and "v-new" not in str(proof)
    db = sqlite3.connect(path)
    assert db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == (str(MIGRATIONS[-1].number),)
    db.close()


def test_a_store_from_a_newer_shopcast_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "commerce.sqlite3"
    _store_at(path, len(MIGRATIONS))
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="schema 99"):
        open_store(path)


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_store_from_before_hashed_keys_keeps_its_rooms_and_hashes_their_keys_in_place(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    where = str(tmp_path / "commerce.sqlite3") if kind == "sqlite" else str(request.getfixturevalue("postgres_dsn"))
    hashing = next(step for step in MIGRATIONS if step.then is hash_room_secrets)
    old: Store = SqliteStore(where) if kind == "sqlite" else PostgresStore(where)
    old.begin()
    old.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    for step in MIGRATIONS:
        if step.number < hashing.number:
            old.execute_script(step.sql)
            if step.then is not None:
                step.then(old)
    old.execute("INSERT INTO meta (key, value) VALUES ('schema', ?)", (str(hashing.number - 1),))
    old.execute(  # as relays before hashed keys wrote it: the key and the token in clear
        "INSERT INTO relay_rooms (name, folded, title, stream_key, owner_token, created_at)"
        " VALUES ('Old', 'old', 'Old room', 'clear-stream-key-0123456789abcdef', 'clear-owner-token-0123456789ab', 1)"
    )
    old.commit()
    old.close()

    rooms = StoreRoomRegistry(where)  # opening the store upgrades it
    try:
        room = rooms.get("Old")
        assert room.key_matches("clear-stream-key-0123456789abcdef"), "the studio's saved key still works"
        assert room.owner_matches("clear-owner-token-0123456789ab")
        assert not room.key_matches("clear-owner-token-0123456789ab") and room.title == "Old room"
    finally:
        rooms.close()
    db = open_store(where)
    try:
        row = db.execute("SELECT stream_key_hash, owner_token_hash FROM relay_rooms WHERE name = 'Old'").fetchone()
        schema = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()["value"]
    finally:
        db.close()
    assert (row["stream_key_hash"], row["owner_token_hash"]) == (
        token_hash("clear-stream-key-0123456789abcdef"),
        token_hash("clear-owner-token-0123456789ab"),
    ), "nothing in clear is left in the store"
    assert schema == str(MIGRATIONS[-1].number)


def test_a_schema_6_stores_orders_keep_their_keys_for_24_hours_and_then_free_them(tmp_path: Path) -> None:
    path = tmp_path / "commerce.sqlite3"
    _store_at(path, 6)
    clock = ManualClock()
    request = OrderRequest("tee", 1)
    db = sqlite3.connect(path)
    db.execute(
        "INSERT INTO products (room, sku, title, price_cents, stock, sold, position, created_at)"
        " VALUES ('r', 'tee', 'Tee', 5900, 9, 1, 0, ?)",
        (clock.now - 7200,),
    )
    db.execute(
        "INSERT INTO orders (id, room, viewer_id, nickname, sku, qty, unit_cents, discount_cents, total_cents,"
        " status, payment_ref, idempotency_key, request_hash, created_at, updated_at)"
        " VALUES ('o_old', 'r', 'v-old', 'Old', 'tee', 1, 5900, 0, 5900, 'paid', 'test_o_old', 'k1', ?, ?, ?)",
        (request.fingerprint(), clock.now - 3600, clock.now - 3600),
    )
    db.commit()
    db.close()

    engine = RoomEngine(path, clock=clock)
    try:
        again, created = engine.place_order("r", "v-old", "Old", request, "k1")
        assert (again["order_id"], again["status"], created) == ("o_old", "paid", False), "an hour-old key replays"
        with pytest.raises(CommerceError) as other:
            engine.place_order("r", "v-old", "Old", OrderRequest("tee", 2), "k1")
        assert other.value.code == "idempotency_mismatch"
        clock.advance(23 * 3600 + 1)
        new, created = engine.place_order("r", "v-old", "Old", request, "k1")
        assert created and new["order_id"] != "o_old", "past 24 hours the key names a new order"
        assert engine.unsettled(engine.now) == [], "the old order was answered: nothing to charge again"
    finally:
        engine.close()


def test_a_schema_8_stores_orders_learn_which_payments_were_captured(tmp_path: Path) -> None:
    """Step 9: a paid order was captured; a group's order answered before the upgrade waits for its
    webhook (a group fills on confirmed payments only); one with no answer is still charged again."""
    path = tmp_path / "commerce.sqlite3"
    _store_at(path, 8)
    clock = ManualClock()
    t = clock.now - 60
    db = sqlite3.connect(path)
    db.execute(
        "INSERT INTO products (room, sku, title, price_cents, stock, sold, position, created_at)"
        " VALUES ('r', 'sofa', 'Sofa', 300000, 7, 3, 0, ?)",
        (t,),
    )
    db.execute("INSERT INTO group_buys VALUES ('gb_old', 'r', 'sofa', 100000, 2, 600, ?, NULL)", (t,))
    db.execute("INSERT INTO buy_groups VALUES ('g_old', 'gb_old', 'r', 'v-wait', ?, ?, 'open')", (t, t + 600))
    for order_id, viewer, group, status, ref in (
        ("o_paid", "v-paid", None, "paid", "test_o_paid"),
        ("o_wait", "v-wait", "g_old", "created", "test_pi_o_wait"),
        ("o_lost", "v-lost", None, "created", None),
    ):
        db.execute(
            "INSERT INTO orders (id, room, viewer_id, nickname, sku, qty, unit_cents, discount_cents, total_cents,"
            " group_id, status, payment_ref, idempotency_key, request_hash, created_at, updated_at)"
            " VALUES (?, 'r', ?, 'Old', 'sofa', 1, 300000, 0, 300000, ?, ?, ?, 'k1', 'h', ?, ?)",
            (order_id, viewer, group, status, ref, t, t),
        )
    db.commit()
    db.close()

    provider = AsyncTestModePayment()
    engine = RoomEngine(path, clock=clock, payment=provider)

    def webhook(event_id: str, order_id: str) -> None:
        body = json.dumps({"id": event_id, "events": [{"order_id": order_id, "status": "paid"}]}).encode()
        event = provider.parse_webhook({"x-shopcast-signature": provider.sign(body, engine.now)}, body, engine.now)
        assert engine.apply_payment_updates(event.updates, event.id)

    try:
        with engine.core.reading() as tx:
            captured = {r["id"]: r["captured_at"] for r in tx.all("SELECT id, captured_at FROM orders")}
        assert captured == {"o_paid": t, "o_wait": None, "o_lost": None}
        assert [p.charge.order_id for p in engine.unsettled(engine.now)] == ["o_lost"]
        assert engine.refund_order("r", "o_paid")["refunded"] is True
        joined, _ = engine.place_order("r", "v-new", "New", OrderRequest("sofa", 1, group_id="g_old"), "k1")
        webhook("evt_new", joined["order_id"])
        assert engine.group("r", "g_old")["status"] == "open", "o_wait's payment is not confirmed yet"
        webhook("evt_wait", "o_wait")
        assert engine.group("r", "g_old")["status"] == "filled"
        assert {o["order_id"]: o["status"] for o in engine.orders("r")}["o_wait"] == "paid"
    finally:
        engine.close()
