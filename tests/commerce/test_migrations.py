"""Numbered schema steps (app/commerce/store.py MIGRATIONS): an older store is brought up to date with
what it holds, and a newer one is refused."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from app.commerce.engine import RoomEngine
from app.commerce.store import MIGRATIONS, StoreError, open_store
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
