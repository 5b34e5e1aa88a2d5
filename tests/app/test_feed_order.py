"""Notes that reach a relay out of commit order (another relay's, through Redis, after this relay's
own newer one): the room's newest state stays (app/relay/realtime.Channel.add, Notification.seq)."""

from __future__ import annotations

from app.commerce.core import Notification
from app.relay.realtime import Channel


def stock(sold: int, seq: int | None) -> Notification:
    return Notification("r", {"type": "stock", "sku": "mug", "sold": sold}, key="stock:mug", wall=1.0, seq=seq)


def test_an_older_note_of_a_key_arriving_later_is_dropped_across_ticks() -> None:
    channel = Channel()
    channel.add(stock(6, seq=20), now=1.0)  # this relay's own, newer
    channel.add(stock(5, seq=19), now=1.0)  # another relay's, older, arrived after it
    assert [e["sold"] for e in channel.timed] == [6]
    channel.timed, channel.keyed = [], {}  # the tick went out
    channel.add(stock(4, seq=18), now=1.1)  # still older: dropped in a later tick too
    assert channel.timed == []
    channel.add(stock(7, seq=21), now=1.2)
    assert [e["sold"] for e in channel.timed] == [7]


def test_notes_without_an_order_or_a_key_are_kept() -> None:
    channel = Channel()
    channel.add(stock(6, seq=None), now=1.0)
    channel.add(stock(5, seq=None), now=1.0)  # (the one-box relay's tests make notes by hand)
    assert [e["sold"] for e in channel.timed] == [5], "a key's later note replaces the earlier within a tick"
    comment = Notification("r", {"type": "comment", "text": "hi"}, seq=1)
    channel.add(comment, now=1.0)
    channel.add(Notification("r", {"type": "comment", "text": "older"}, seq=0), now=1.0)
    assert [e["text"] for e in channel.public] == ["hi", "older"]
