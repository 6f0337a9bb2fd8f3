-- Whether this database holds the demo world (`brevdue serve --demo`, the desktop app's first
-- run), and for which moment it was made. One row at most; seeding stops when it is there.

CREATE TABLE demo_seed (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    world_now TEXT NOT NULL,   -- the `now` the world was made relative to (RFC 3339, UTC)
    seeded_at TEXT NOT NULL    -- when seeding finished (RFC 3339, UTC)
);
