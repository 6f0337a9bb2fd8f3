-- The local cache of one account on one server. Times are milliseconds since 1970 (UTC).

-- The mailboxes the account may use, in the server's order; `json` is brevdue_api::Mailbox.
CREATE TABLE mailboxes (
    id       TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    json     TEXT NOT NULL
) STRICT;

CREATE TABLE folders (
    id          TEXT PRIMARY KEY,
    mailbox_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    folder_type TEXT NOT NULL
) STRICT;
CREATE INDEX folders_by_mailbox ON folders (mailbox_id);

-- One row per message. `read`, `flagged` and `folder_id` are as the user sees them: the
-- server's state with the changes still in the outbox applied on top. `version` is the
-- server's. `detail_json` (brevdue_api::MessageDetail) is filled when the message is fetched.
CREATE TABLE messages (
    rowid           INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    mailbox_id      TEXT NOT NULL,
    folder_id       TEXT NOT NULL,
    message_uuid    TEXT NOT NULL,
    label           TEXT NOT NULL,
    sender_id       TEXT NOT NULL,
    sender_label    TEXT NOT NULL,
    received        INTEGER NOT NULL,
    read            INTEGER NOT NULL,
    flagged         INTEGER NOT NULL,
    has_attachments INTEGER NOT NULL,
    has_actions     INTEGER NOT NULL DEFAULT 0,
    reply_by        INTEGER,
    version         INTEGER NOT NULL,
    detail_json     TEXT,
    body_text       TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX messages_by_folder ON messages (mailbox_id, folder_id, received DESC, rowid DESC);
CREATE INDEX messages_by_mailbox ON messages (mailbox_id, received DESC, rowid DESC);
-- Folder counts from the index alone: rows are large (the model, the text), and counting
-- unread messages through them reads the whole table from disk at a cold start.
CREATE INDEX messages_counts ON messages (mailbox_id, folder_id, read);
CREATE INDEX messages_without_detail ON messages (mailbox_id) WHERE detail_json IS NULL;

-- Full-text search over subject, sender and text, kept in step by triggers. Prefix indexes
-- of 2 and 3 characters keep short prefix searches ("ka" while typing) fast.
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    label, sender_label, body_text,
    content = 'messages', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, label, sender_label, body_text)
    VALUES (new.rowid, new.label, new.sender_label, new.body_text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, label, sender_label, body_text)
    VALUES ('delete', old.rowid, old.label, old.sender_label, old.body_text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF label, sender_label, body_text ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, label, sender_label, body_text)
    VALUES ('delete', old.rowid, old.label, old.sender_label, old.body_text);
    INSERT INTO messages_fts (rowid, label, sender_label, body_text)
    VALUES (new.rowid, new.label, new.sender_label, new.body_text);
END;

-- The appointments and deadlines of each fetched message; `json` is brevdue_memo::AgendaItem.
CREATE TABLE agenda (
    message_id TEXT NOT NULL,
    uid        TEXT NOT NULL,
    kind       TEXT NOT NULL,
    start      INTEGER NOT NULL,
    json       TEXT NOT NULL,
    PRIMARY KEY (message_id, uid)
) STRICT;
CREATE INDEX agenda_by_start ON agenda (start);

-- Where each mailbox's change feed was read up to.
CREATE TABLE cursors (
    mailbox_id TEXT PRIMARY KEY,
    cursor     TEXT NOT NULL
) STRICT;

-- Changes made here and not yet confirmed by the server, in the order they were made.
-- `change` is a crate::cache::LocalChange as JSON.
CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    mailbox_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    change     TEXT NOT NULL,
    created    INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX outbox_by_message ON outbox (message_id);
