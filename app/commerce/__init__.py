"""The live room's commerce and interaction engine: products, pins, orders, flash sales, coupons,
group-buy, polls, Q&A, lucky draws, comments and likes, and the event log they all append to.

No web framework and no Qt: the relay drives it from its event-loop thread (so every mutation is
serial), and tests drive it directly with a controllable clock.
"""
