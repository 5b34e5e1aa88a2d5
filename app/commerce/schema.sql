-- ShopCast room engine, schema version 1. Money is integer cents (fen); times are Unix seconds.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS products (
    room TEXT NOT NULL, sku TEXT NOT NULL, title TEXT NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    image TEXT, stock INTEGER NOT NULL CHECK (stock >= 0), sold INTEGER NOT NULL DEFAULT 0,
    parent_sku TEXT, option TEXT, position INTEGER NOT NULL, created_at REAL NOT NULL,
    PRIMARY KEY (room, sku)
);

CREATE TABLE IF NOT EXISTS pins (
    room TEXT NOT NULL, sku TEXT NOT NULL, pinned_at REAL NOT NULL, PRIMARY KEY (room, sku)
);

CREATE TABLE IF NOT EXISTS orders (
    id TEXT PRIMARY KEY, room TEXT NOT NULL, viewer_id TEXT NOT NULL, nickname TEXT NOT NULL,
    sku TEXT NOT NULL, qty INTEGER NOT NULL, unit_cents INTEGER NOT NULL,
    discount_cents INTEGER NOT NULL, total_cents INTEGER NOT NULL,
    flash_sale_id TEXT, coupon_claim_id TEXT, group_id TEXT,
    status TEXT NOT NULL, payment_ref TEXT, refund_ref TEXT,
    idempotency_key TEXT NOT NULL, request_hash TEXT NOT NULL,
    created_at REAL NOT NULL, updated_at REAL NOT NULL,
    rehearsal TEXT, -- the rehearsal it was placed in (a test order), else NULL; added by store.LEGACY_COLUMNS
    UNIQUE (room, viewer_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS orders_by_room ON orders (room, created_at);
CREATE INDEX IF NOT EXISTS orders_by_group ON orders (group_id);

CREATE TABLE IF NOT EXISTS flash_sales (
    id TEXT PRIMARY KEY, room TEXT NOT NULL, sku TEXT NOT NULL,
    price_cents INTEGER NOT NULL, stock INTEGER NOT NULL, sold INTEGER NOT NULL DEFAULT 0,
    per_user_limit INTEGER NOT NULL, opens_at REAL NOT NULL, closes_at REAL NOT NULL,
    created_at REAL NOT NULL, phase TEXT NOT NULL DEFAULT 'scheduled'
);
CREATE INDEX IF NOT EXISTS flash_sales_by_room ON flash_sales (room, phase);

CREATE TABLE IF NOT EXISTS flash_sale_buyers (
    flash_sale_id TEXT NOT NULL, viewer_id TEXT NOT NULL, qty INTEGER NOT NULL,
    PRIMARY KEY (flash_sale_id, viewer_id)
);

CREATE TABLE IF NOT EXISTS coupons (
    id TEXT PRIMARY KEY, room TEXT NOT NULL, title TEXT NOT NULL,
    amount_cents INTEGER NOT NULL, min_spend_cents INTEGER NOT NULL,
    quota INTEGER NOT NULL, claimed INTEGER NOT NULL DEFAULT 0, per_user_limit INTEGER NOT NULL,
    expires_at REAL NOT NULL, created_at REAL NOT NULL, ended_at REAL
);

CREATE TABLE IF NOT EXISTS coupon_claims (
    id TEXT PRIMARY KEY, coupon_id TEXT NOT NULL, room TEXT NOT NULL, viewer_id TEXT NOT NULL,
    claimed_at REAL NOT NULL, order_id TEXT
);
CREATE INDEX IF NOT EXISTS coupon_claims_by_viewer ON coupon_claims (coupon_id, viewer_id);

CREATE TABLE IF NOT EXISTS group_buys (
    id TEXT PRIMARY KEY, room TEXT NOT NULL, sku TEXT NOT NULL, price_cents INTEGER NOT NULL,
    group_size INTEGER NOT NULL, window_s REAL NOT NULL, created_at REAL NOT NULL, ended_at REAL
);

CREATE TABLE IF NOT EXISTS buy_groups (
    id TEXT PRIMARY KEY, group_buy_id TEXT NOT NULL, room TEXT NOT NULL, leader TEXT NOT NULL,
    opened_at REAL NOT NULL, expires_at REAL NOT NULL, status TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS buy_groups_open ON buy_groups (status, expires_at);

CREATE TABLE IF NOT EXISTS polls (
    id TEXT PRIMARY KEY, room TEXT NOT NULL, question TEXT NOT NULL, options TEXT NOT NULL,
    status TEXT NOT NULL, created_at REAL NOT NULL, closed_at REAL
);

CREATE TABLE IF NOT EXISTS poll_votes (
    poll_id TEXT NOT NULL, viewer_id TEXT NOT NULL, option INTEGER NOT NULL, voted_at REAL NOT NULL,
    PRIMARY KEY (poll_id, viewer_id)
);

CREATE TABLE IF NOT EXISTS questions (
    id TEXT PRIMARY KEY, room TEXT NOT NULL, viewer_id TEXT NOT NULL, nickname TEXT NOT NULL,
    text TEXT NOT NULL, status TEXT NOT NULL, pinned INTEGER NOT NULL DEFAULT 0, answer TEXT,
    created_at REAL NOT NULL, updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS questions_by_room ON questions (room, status);

CREATE TABLE IF NOT EXISTS draws (
    id TEXT PRIMARY KEY, room TEXT NOT NULL, prize TEXT NOT NULL, winners INTEGER NOT NULL,
    keyword TEXT, seed_hash TEXT NOT NULL, seed TEXT NOT NULL, status TEXT NOT NULL,
    opens_at REAL NOT NULL, closes_at REAL NOT NULL, closed_at REAL, winner_ids TEXT
);

CREATE TABLE IF NOT EXISTS draw_entries (
    draw_id TEXT NOT NULL, viewer_id TEXT NOT NULL, nickname TEXT NOT NULL,
    entered_at REAL NOT NULL, via TEXT NOT NULL, PRIMARY KEY (draw_id, viewer_id)
);

CREATE TABLE IF NOT EXISTS comments (
    id INTEGER PRIMARY KEY, room TEXT NOT NULL, viewer_id TEXT NOT NULL, nickname TEXT NOT NULL,
    text TEXT NOT NULL, created_at REAL NOT NULL, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS comments_by_room ON comments (room, id);

CREATE TABLE IF NOT EXISTS mutes (
    room TEXT NOT NULL, viewer_id TEXT NOT NULL, until REAL NOT NULL, PRIMARY KEY (room, viewer_id)
);

CREATE TABLE IF NOT EXISTS blocked_words (
    room TEXT NOT NULL, word TEXT NOT NULL, PRIMARY KEY (room, word)
);

CREATE TABLE IF NOT EXISTS room_totals (
    room TEXT PRIMARY KEY, likes INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS viewers (
    room TEXT NOT NULL, viewer_id TEXT NOT NULL, nickname TEXT NOT NULL,
    first_seen REAL NOT NULL, last_seen REAL NOT NULL, PRIMARY KEY (room, viewer_id)
);

-- Every viewer and streamer action, in order: the data issue computes all metrics from this alone.
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, room TEXT NOT NULL, wall REAL NOT NULL, stream_time REAL,
    type TEXT NOT NULL, viewer_id TEXT, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_room ON events (room, id);

-- Co-host (连麦) invites. The relay signs a token naming the row (app/relay/cohost.py); the row holds
-- what must survive a restart: used (once, by whom, in which session) and revoked are final.
CREATE TABLE IF NOT EXISTS cohost_invites (
    id TEXT PRIMARY KEY, room TEXT NOT NULL, label TEXT, created_at REAL NOT NULL, expires_at REAL NOT NULL,
    used_at REAL, guest_name TEXT, session_id TEXT, revoked_at REAL
);
CREATE INDEX IF NOT EXISTS cohost_invites_by_room ON cohost_invites (room, created_at);

-- Rehearsals (彩排): a room runs its show unlisted, with test orders (app/commerce/rehearsal.py). The
-- row with no ended_at is the rehearsal in progress; a relay restart reads it back.
CREATE TABLE IF NOT EXISTS rehearsals (
    id TEXT PRIMARY KEY, room TEXT NOT NULL, started_at REAL NOT NULL, started_by TEXT NOT NULL,
    ended_at REAL, ended_by TEXT
);
CREATE INDEX IF NOT EXISTS rehearsals_by_room ON rehearsals (room, started_at);

-- The room's run-of-show (直播脚本, app/rundown.py) as its JSON file, and where its run is
-- (app/commerce/rundown_runner.py): kept here so a relay restart resumes the show where it was.
CREATE TABLE IF NOT EXISTS rundowns (
    room TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS rundown_state (
    room TEXT PRIMARY KEY, state TEXT NOT NULL
);

-- Assistant (中控) links (app/commerce/assistants.py): the relay signs a token naming the row
-- (app/relay/assistants.py); the row holds who it is for, its expiry and its revocation (final).
CREATE TABLE IF NOT EXISTS assistants (
    id TEXT PRIMARY KEY, room TEXT NOT NULL, label TEXT NOT NULL, created_at REAL NOT NULL,
    expires_at REAL NOT NULL, revoked_at REAL
);
CREATE INDEX IF NOT EXISTS assistants_by_room ON assistants (room, created_at);
