-- Mailboxes and what is in them: folders, the memos the core accepted and routed, the
-- messages delivered to mailboxes, their full-text index, representatives (read-access
-- grants) and the change sequence that numbers every change a client may need to sync.
-- Times are UTC text in one fixed width (YYYY-MM-DDTHH:MM:SS.ffffffZ), so text order is time
-- order.

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
-- One of each system folder per mailbox.
CREATE UNIQUE INDEX folders_system ON folders(mailbox_id, folder_type) WHERE folder_type <> 'USER_DEFINED';

-- Every memo a sender system handed in, once per messageUUID (the primary key is what makes a
-- second POST of the same message a no-op). The raw MeMo and the file contents live in the
-- blob store, named by SHA-256.
CREATE TABLE memos (
    message_uuid        TEXT PRIMARY KEY,          -- lower case
    sender_system_id    TEXT NOT NULL REFERENCES systems(id),
    sender_authority_id TEXT NOT NULL REFERENCES authorities(id),
    routed_to           TEXT NOT NULL CHECK (routed_to IN ('MAILBOX', 'RECIPIENT_SYSTEM')),
    mailbox_id          TEXT REFERENCES mailboxes(id),
    recipient_system_id TEXT REFERENCES systems(id),
    contact_point_id    TEXT,
    label               TEXT NOT NULL,
    post_type           TEXT,
    raw_sha256          TEXT NOT NULL,
    raw_size            INTEGER NOT NULL,
    model_json          TEXT NOT NULL,             -- brevdue_memo::Message as JSON
    value_date          TEXT,                      -- doNotDeliverUntilDate, YYYY-MM-DD
    visible_from        TEXT NOT NULL,             -- when the recipient may see it
    accepted_at         TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('DELIVERED', 'SCHEDULED', 'RECALLED')),
    receipted_at        TEXT,                      -- a recipient system took it off its queue
    CHECK ((routed_to = 'MAILBOX') = (mailbox_id IS NOT NULL)),
    CHECK ((routed_to = 'RECIPIENT_SYSTEM') = (recipient_system_id IS NOT NULL))
);
CREATE INDEX memos_due ON memos(visible_from) WHERE status = 'SCHEDULED';
CREATE INDEX memos_queue ON memos(recipient_system_id, accepted_at) WHERE receipted_at IS NULL;

-- A memo delivered to a mailbox, with the state its readers give it.
CREATE TABLE messages (
    seq             INTEGER PRIMARY KEY,           -- also the rowid of message_search
    id              TEXT NOT NULL UNIQUE,
    mailbox_id      TEXT NOT NULL REFERENCES mailboxes(id),
    message_uuid    TEXT NOT NULL UNIQUE REFERENCES memos(message_uuid),
    folder_id       TEXT NOT NULL REFERENCES folders(id),
    label           TEXT NOT NULL,
    sender_id       TEXT NOT NULL,
    sender_id_type  TEXT NOT NULL,
    sender_label    TEXT NOT NULL,
    sender_public   INTEGER NOT NULL,              -- 1: sent by a public authority
    received_at     TEXT NOT NULL,
    reply_by        TEXT,
    has_attachments INTEGER NOT NULL,
    visible         INTEGER NOT NULL,              -- 0 until the value date
    read            INTEGER NOT NULL DEFAULT 0,
    flagged         INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL DEFAULT 1,
    change_seq      INTEGER NOT NULL
);
-- Pages of a folder, and of a whole mailbox, newest first; the counts are covered by them.
CREATE INDEX messages_folder ON messages(mailbox_id, folder_id, visible, received_at);
CREATE INDEX messages_mailbox ON messages(mailbox_id, visible, received_at, folder_id);
CREATE INDEX messages_changes ON messages(mailbox_id, change_seq);

-- Free text of a message: subject, sender and the text of its documents. Contentless: the
-- text is only indexed, not kept twice.
CREATE VIRTUAL TABLE message_search USING fts5(
    label, sender, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Messages purged from a mailbox, for the change feed.
CREATE TABLE message_tombstones (
    mailbox_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    change_seq INTEGER NOT NULL,
    PRIMARY KEY (mailbox_id, change_seq)
);

-- The last number handed out by the change sequence: one row.
CREATE TABLE change_sequence (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO change_sequence (id, value) VALUES (1, 0);

-- Read access granted by a mailbox's owner to another person ("fuldmagt").
CREATE TABLE representatives (
    id         TEXT PRIMARY KEY,
    mailbox_id TEXT NOT NULL REFERENCES mailboxes(id),
    person_id  TEXT NOT NULL REFERENCES persons(id),
    folder_ids TEXT,                                -- JSON array; NULL: every folder
    expires_at TEXT,                                -- NULL: until revoked
    created_at TEXT NOT NULL,
    UNIQUE (mailbox_id, person_id)
);
CREATE INDEX representatives_person ON representatives(person_id);
