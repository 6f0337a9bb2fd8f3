-- TEMPORARY: the least of a contact point that routing needs (its authority and its mapped
-- recipient system), until the `contacts` branch brings the real table. Delete this file when
-- merging `contacts`; `contact_route.rs` then reads the real table.
CREATE TABLE contact_points (
    id                  TEXT PRIMARY KEY,
    authority_id        TEXT NOT NULL REFERENCES authorities(id),
    recipient_system_id TEXT REFERENCES systems(id)
);
