"""The PostgreSQL store's behaviour when PostgreSQL misbehaves (app/commerce/store.py)."""

from __future__ import annotations

import pytest

from app.commerce.catalog import ProductInput
from app.commerce.engine import RoomEngine
from app.commerce.errors import StoreUnavailableError
from tests.helpers.servers import PostgresServer

END_SESSIONS = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
    " WHERE usename = 'shopcast' AND pid <> pg_backend_pid() AND application_name <> 'psql'"
)


def test_a_broken_connection_is_a_503_once_then_opened_again(
    postgres_server: PostgresServer, postgres_dsn: str
) -> None:
    engine = RoomEngine(postgres_dsn)
    try:
        engine.import_catalog("r", [ProductInput("tee", "Tee", 5900, 10)])
        postgres_server.psql(END_SESSIONS)  # PostgreSQL ends the relay's session (a restart, a failover)
        with pytest.raises(StoreUnavailableError) as refused:
            engine.cart("r")
        assert refused.value.status == 503 and refused.value.details["retry_after"] == 2
        assert [p["sku"] for p in engine.cart("r")] == ["tee"], "the next call opened the connection again"
        postgres_server.psql(END_SESSIONS)  # and again, before a write
        with pytest.raises(StoreUnavailableError):
            engine.pin("r", "tee")
        assert engine.pin("r", "tee") == ["tee"], "nothing of the failed write happened; the retry does it"
    finally:
        engine.close()


def test_the_session_gives_up_locks_and_dead_transactions_in_time(postgres_dsn: str) -> None:
    engine = RoomEngine(postgres_dsn)
    try:
        with engine.core.reading() as tx:
            settings = {row["name"]: row["setting"] for row in tx.all(
                "SELECT name, setting FROM pg_settings WHERE name IN"
                " ('idle_in_transaction_session_timeout', 'lock_timeout', 'tcp_keepalives_idle')"
            )}  # fmt: skip
        assert settings == {"idle_in_transaction_session_timeout": "10000", "lock_timeout": "10000",
                            "tcp_keepalives_idle": "10"}  # fmt: skip
    finally:
        engine.close()
