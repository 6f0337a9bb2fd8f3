-- Contact points and contact groups: where an authority can be written to, and the folders it
-- arranges them in. Written by the contact structure import; read by search (through an
-- in-memory index), the contact endpoints and routing (which system receives a message).

-- A contact point. Its id is given by the authority and unique across all authorities.
CREATE TABLE contact_points (
    id                   TEXT PRIMARY KEY,
    authority_id         TEXT NOT NULL REFERENCES authorities(id),
    name                 TEXT NOT NULL,
    sort_key             TEXT NOT NULL,            -- the name folded for ordering and exact match
    description          TEXT NOT NULL DEFAULT '',
    info_text            TEXT NOT NULL DEFAULT '',
    search_words         TEXT NOT NULL DEFAULT '[]', -- JSON array of strings, as given
    for_citizens         BOOLEAN NOT NULL,
    for_companies        BOOLEAN NOT NULL,
    for_authorities      BOOLEAN NOT NULL,
    visible              BOOLEAN NOT NULL,
    self_service_url     TEXT,                     -- https only
    extra_field_1_label  TEXT,
    extra_field_1_help   TEXT,
    extra_field_2_label  TEXT,
    extra_field_2_help   TEXT,
    location_code_type   TEXT CHECK (location_code_type IN ('GLN', 'SOR')),
    location_code        TEXT,
    max_attachments      INTEGER,                  -- NULL: no limit of its own
    max_attachment_bytes INTEGER,                  -- NULL: the absolute limit (99.5 MB)
    recipient_system_id  TEXT REFERENCES systems(id), -- NULL: the authority's default recipient
    CHECK (for_citizens OR for_companies OR for_authorities),
    CHECK ((location_code_type IS NULL) = (location_code IS NULL)),
    CHECK (extra_field_2_label IS NULL OR extra_field_1_label IS NOT NULL)
);
CREATE INDEX contact_points_by_authority ON contact_points (authority_id, sort_key);

-- KLE and FORM codes of a contact point, in the order given.
CREATE TABLE contact_point_codes (
    contact_point_id TEXT NOT NULL REFERENCES contact_points(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('KLE', 'FORM')),
    code             TEXT NOT NULL,
    label            TEXT NOT NULL,
    position         INTEGER NOT NULL,
    PRIMARY KEY (contact_point_id, kind, code)
);
CREATE INDEX contact_point_codes_by_code ON contact_point_codes (kind, code);

-- Searching uses an in-memory index built from contact_points in each server process. Every
-- import that changes something increments this version in the same transaction; a process
-- whose index was built from an older version builds it again before it searches.
CREATE TABLE contact_structure_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO contact_structure_version (id, version) VALUES (1, 0);

-- A contact group. Groups nest through parent_id into paths such as ID/Pas.
CREATE TABLE contact_groups (
    id           TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authorities(id),
    parent_id    TEXT REFERENCES contact_groups(id) DEFERRABLE INITIALLY DEFERRED,
    name         TEXT NOT NULL,
    sort_key     TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contact_groups_by_authority ON contact_groups (authority_id);
CREATE INDEX contact_groups_by_parent ON contact_groups (parent_id);

-- Which contact points sit in which groups (a contact point may sit in several).
CREATE TABLE contact_group_members (
    group_id         TEXT NOT NULL REFERENCES contact_groups(id) ON DELETE CASCADE,
    contact_point_id TEXT NOT NULL REFERENCES contact_points(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, contact_point_id)
);
CREATE INDEX contact_group_members_by_contact_point ON contact_group_members (contact_point_id);
