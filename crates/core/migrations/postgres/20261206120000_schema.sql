-- The whole schema on PostgreSQL: the same tables, columns and rules as the SQLite migrations
-- in ../sqlite end in (see there for what each table is for), written for PostgreSQL once, as a
-- new PostgreSQL database has no history to upgrade. Flags are BOOLEAN (SQLite keeps 0/1),
-- numbers BIGINT, times the same fixed-width UTC text as on SQLite, so text order is time order.

-- Who exists.
CREATE TABLE persons (
    id          TEXT PRIMARY KEY,
    cpr         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE companies (
    cvr  TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE company_rights (
    person_id TEXT NOT NULL REFERENCES persons(id),
    cvr       TEXT NOT NULL REFERENCES companies(cvr),
    PRIMARY KEY (person_id, cvr)
);

CREATE TABLE authorities (
    id             TEXT PRIMARY KEY,
    cvr            TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    authority_type TEXT NOT NULL CHECK (authority_type IN ('STATE', 'REGION', 'MUNICIPALITY', 'OTHER'))
);

CREATE TABLE systems (
    id           TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authorities(id),
    role         TEXT NOT NULL CHECK (role IN ('SENDER', 'RECIPIENT')),
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL
);

CREATE TABLE authority_default_recipients (
    authority_id TEXT PRIMARY KEY REFERENCES authorities(id),
    system_id    TEXT NOT NULL REFERENCES systems(id)
);

-- Sign-in (hashes only; Unix seconds).
CREATE TABLE auth_grants (
    id         TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL,
    person_id  TEXT REFERENCES persons(id),
    system_id  TEXT REFERENCES systems(id),
    scope      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    CHECK ((person_id IS NULL) <> (system_id IS NULL))
);

CREATE TABLE auth_codes (
    code_hash      TEXT PRIMARY KEY,
    client_id      TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    person_id      TEXT NOT NULL REFERENCES persons(id),
    scope          TEXT NOT NULL,
    expires_at     BIGINT NOT NULL,
    used_at        BIGINT,
    grant_id       TEXT REFERENCES auth_grants(id)
);

CREATE TABLE auth_access_tokens (
    token_hash TEXT PRIMARY KEY,
    grant_id   TEXT NOT NULL REFERENCES auth_grants(id),
    expires_at BIGINT NOT NULL
);
CREATE INDEX auth_access_tokens_grant ON auth_access_tokens (grant_id);

CREATE TABLE auth_refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    grant_id   TEXT NOT NULL REFERENCES auth_grants(id),
    expires_at BIGINT NOT NULL,
    rotated_at BIGINT
);
CREATE INDEX auth_refresh_tokens_grant ON auth_refresh_tokens (grant_id);

-- Contact points and groups.
CREATE TABLE contact_points (
    id                   TEXT PRIMARY KEY,
    authority_id         TEXT NOT NULL REFERENCES authorities(id),
    name                 TEXT NOT NULL,
    sort_key             TEXT NOT NULL,
    description          TEXT NOT NULL DEFAULT '',
    info_text            TEXT NOT NULL DEFAULT '',
    search_words         TEXT NOT NULL DEFAULT '[]',
    for_citizens         BOOLEAN NOT NULL,
    for_companies        BOOLEAN NOT NULL,
    for_authorities      BOOLEAN NOT NULL,
    visible              BOOLEAN NOT NULL,
    self_service_url     TEXT,
    extra_field_1_label  TEXT,
    extra_field_1_help   TEXT,
    extra_field_2_label  TEXT,
    extra_field_2_help   TEXT,
    location_code_type   TEXT CHECK (location_code_type IN ('GLN', 'SOR')),
    location_code        TEXT,
    max_attachments      BIGINT,
    max_attachment_bytes BIGINT,
    recipient_system_id  TEXT REFERENCES systems(id),
    CHECK (for_citizens OR for_companies OR for_authorities),
    CHECK ((location_code_type IS NULL) = (location_code IS NULL)),
    CHECK (extra_field_2_label IS NULL OR extra_field_1_label IS NOT NULL)
);
CREATE INDEX contact_points_by_authority ON contact_points (authority_id, sort_key);

CREATE TABLE contact_point_codes (
    contact_point_id TEXT NOT NULL REFERENCES contact_points(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('KLE', 'FORM')),
    code             TEXT NOT NULL,
    label            TEXT NOT NULL,
    position         BIGINT NOT NULL,
    PRIMARY KEY (contact_point_id, kind, code)
);
CREATE INDEX contact_point_codes_by_code ON contact_point_codes (kind, code);

CREATE TABLE contact_structure_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO contact_structure_version (id, version) VALUES (1, 0);

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

CREATE TABLE contact_group_members (
    group_id         TEXT NOT NULL REFERENCES contact_groups(id) ON DELETE CASCADE,
    contact_point_id TEXT NOT NULL REFERENCES contact_points(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, contact_point_id)
);
CREATE INDEX contact_group_members_by_contact_point ON contact_group_members (contact_point_id);

-- Mailboxes and what is in them.
CREATE TABLE mailboxes (
    id         TEXT PRIMARY KEY,
    owner_type TEXT NOT NULL CHECK (owner_type IN ('CITIZEN', 'ORGANISATION')),
    person_id  TEXT UNIQUE REFERENCES persons(id),
    cvr        TEXT UNIQUE REFERENCES companies(cvr),
    created_at TEXT NOT NULL,
    CHECK ((person_id IS NULL) <> (cvr IS NULL))
);

CREATE TABLE folders (
    id          TEXT PRIMARY KEY,
    mailbox_id  TEXT NOT NULL REFERENCES mailboxes(id),
    folder_type TEXT NOT NULL CHECK (folder_type IN ('INBOX', 'SENT', 'DRAFTS', 'DELETED', 'USER_DEFINED')),
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (mailbox_id, name)
);
CREATE UNIQUE INDEX folders_system ON folders(mailbox_id, folder_type) WHERE folder_type <> 'USER_DEFINED';

CREATE TABLE memos (
    message_uuid        TEXT PRIMARY KEY,
    sender_system_id    TEXT REFERENCES systems(id),
    sender_authority_id TEXT REFERENCES authorities(id),
    sender_mailbox_id   TEXT REFERENCES mailboxes(id),
    sender_id           TEXT,
    routed_to           TEXT NOT NULL CHECK (routed_to IN ('MAILBOX', 'RECIPIENT_SYSTEM')),
    mailbox_id          TEXT REFERENCES mailboxes(id),
    recipient_system_id TEXT REFERENCES systems(id),
    contact_point_id    TEXT,
    label               TEXT NOT NULL,
    post_type           TEXT,
    raw_sha256          TEXT NOT NULL,
    raw_size            BIGINT NOT NULL,
    model_json          TEXT NOT NULL,
    value_date          TEXT,
    visible_from        TEXT NOT NULL,
    accepted_at         TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('DELIVERED', 'SCHEDULED', 'RECALLED')),
    receipted_at        TEXT,
    CHECK ((routed_to = 'MAILBOX') = (mailbox_id IS NOT NULL)),
    CHECK ((routed_to = 'RECIPIENT_SYSTEM') = (recipient_system_id IS NOT NULL)),
    CHECK ((sender_system_id IS NULL) = (sender_authority_id IS NULL)),
    CHECK ((sender_system_id IS NULL) <> (sender_mailbox_id IS NULL))
);
CREATE INDEX memos_due ON memos(visible_from) WHERE status = 'SCHEDULED';
CREATE INDEX memos_queue ON memos(recipient_system_id, accepted_at) WHERE receipted_at IS NULL;
CREATE INDEX memos_by_sender_mailbox ON memos(sender_mailbox_id) WHERE sender_mailbox_id IS NOT NULL;

CREATE TABLE messages (
    seq             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    mailbox_id      TEXT NOT NULL REFERENCES mailboxes(id),
    message_uuid    TEXT NOT NULL REFERENCES memos(message_uuid),
    folder_id       TEXT NOT NULL REFERENCES folders(id),
    label           TEXT NOT NULL,
    sender_id       TEXT NOT NULL,
    sender_id_type  TEXT NOT NULL,
    sender_label    TEXT NOT NULL,
    sender_public   BOOLEAN NOT NULL,
    received_at     TEXT NOT NULL,
    reply_by        TEXT,
    has_attachments BOOLEAN NOT NULL,
    visible         BOOLEAN NOT NULL,
    read            BOOLEAN NOT NULL DEFAULT FALSE,
    flagged         BOOLEAN NOT NULL DEFAULT FALSE,
    version         BIGINT NOT NULL DEFAULT 1,
    change_seq      BIGINT NOT NULL,
    UNIQUE (mailbox_id, message_uuid)
);
CREATE INDEX messages_by_uuid ON messages(message_uuid);
CREATE INDEX messages_folder ON messages(mailbox_id, folder_id, visible, received_at);
CREATE INDEX messages_mailbox ON messages(mailbox_id, visible, received_at, folder_id);
CREATE INDEX messages_changes ON messages(mailbox_id, change_seq);
CREATE INDEX messages_unread ON messages(mailbox_id, visible, read, received_at, folder_id);

-- Free text of a message (see search.rs): one stripped tsvector per message, under its seq.
CREATE TABLE message_search (
    seq      BIGINT PRIMARY KEY,
    document TSVECTOR NOT NULL
);
CREATE INDEX message_search_document ON message_search USING GIN (document);

CREATE TABLE message_tombstones (
    mailbox_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    change_seq BIGINT NOT NULL,
    PRIMARY KEY (mailbox_id, change_seq)
);

CREATE TABLE change_sequence (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO change_sequence (id, value) VALUES (1, 0);

CREATE TABLE representatives (
    id         TEXT PRIMARY KEY,
    mailbox_id TEXT NOT NULL REFERENCES mailboxes(id),
    person_id  TEXT NOT NULL REFERENCES persons(id),
    folder_ids TEXT,
    expires_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (mailbox_id, person_id)
);
CREATE INDEX representatives_person ON representatives(person_id);

CREATE TABLE demo_seed (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    world_now TEXT NOT NULL,
    seeded_at TEXT NOT NULL
);

-- Folder counts, kept by a trigger on every change to `messages` (as on SQLite).
CREATE TABLE folder_counts (
    mailbox_id    TEXT NOT NULL,
    folder_id     TEXT NOT NULL,
    sender_public BOOLEAN NOT NULL,
    total         BIGINT NOT NULL,
    unread        BIGINT NOT NULL,
    PRIMARY KEY (mailbox_id, folder_id, sender_public)
);

CREATE FUNCTION messages_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.visible THEN
        UPDATE folder_counts
        SET total = total - 1, unread = unread - (CASE WHEN OLD.read THEN 0 ELSE 1 END)
        WHERE mailbox_id = OLD.mailbox_id AND folder_id = OLD.folder_id
          AND sender_public = OLD.sender_public;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.visible THEN
        INSERT INTO folder_counts (mailbox_id, folder_id, sender_public, total, unread)
        VALUES (NEW.mailbox_id, NEW.folder_id, NEW.sender_public, 1,
                CASE WHEN NEW.read THEN 0 ELSE 1 END)
        ON CONFLICT (mailbox_id, folder_id, sender_public)
        DO UPDATE SET total = folder_counts.total + 1,
                      unread = folder_counts.unread + EXCLUDED.unread;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER messages_count
AFTER INSERT OR DELETE OR UPDATE OF visible, read, folder_id, sender_public, mailbox_id
ON messages FOR EACH ROW EXECUTE FUNCTION messages_count();

-- The access log.
CREATE TABLE access_log (
    seq               BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    mailbox_id        TEXT NOT NULL REFERENCES mailboxes(id),
    person_id         TEXT NOT NULL REFERENCES persons(id),
    representative_id TEXT,
    kind              TEXT NOT NULL,
    message_id        TEXT,
    at                TEXT NOT NULL
);
CREATE INDEX access_log_mailbox ON access_log(mailbox_id, seq);
CREATE INDEX access_log_repeat ON access_log(mailbox_id, person_id, kind, at);
