-- Messages written by people in a viewing client (POST /apis/v1/mailboxes/{m}/messages).
--
-- `memos` gets a second kind of sender: a mailbox (a person writing from their own mailbox or
-- their company's) instead of a sender system; exactly one of the two is set. `sender_id` is
-- the MeMo's senderID, shown to recipient systems. A memo may now have two rows in `messages`:
-- the recipient's copy (forwarded to a citizen or company) and the writer's copy in SENT, so
-- `messages.message_uuid` is unique per mailbox instead of overall.
--
-- SQLite cannot change a column's constraints in place: both tables are rebuilt (the 12-step
-- procedure of the SQLite documentation; nothing references `messages`, and `messages` is
-- dropped before `memos`, so no foreign key is broken on the way).

CREATE TABLE memos_new (
    message_uuid        TEXT PRIMARY KEY,          -- lower case
    sender_system_id    TEXT REFERENCES systems(id),
    sender_authority_id TEXT REFERENCES authorities(id),
    sender_mailbox_id   TEXT REFERENCES mailboxes(id),
    sender_id           TEXT,                      -- senderID of a written message
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
    CHECK ((routed_to = 'RECIPIENT_SYSTEM') = (recipient_system_id IS NOT NULL)),
    CHECK ((sender_system_id IS NULL) = (sender_authority_id IS NULL)),
    CHECK ((sender_system_id IS NULL) <> (sender_mailbox_id IS NULL))
);
INSERT INTO memos_new (message_uuid, sender_system_id, sender_authority_id, routed_to,
    mailbox_id, recipient_system_id, contact_point_id, label, post_type, raw_sha256, raw_size,
    model_json, value_date, visible_from, accepted_at, status, receipted_at)
SELECT message_uuid, sender_system_id, sender_authority_id, routed_to, mailbox_id,
    recipient_system_id, contact_point_id, label, post_type, raw_sha256, raw_size, model_json,
    value_date, visible_from, accepted_at, status, receipted_at
FROM memos;

CREATE TABLE messages_new (
    seq             INTEGER PRIMARY KEY,           -- also the rowid of message_search
    id              TEXT NOT NULL UNIQUE,
    mailbox_id      TEXT NOT NULL REFERENCES mailboxes(id),
    message_uuid    TEXT NOT NULL REFERENCES memos_new(message_uuid),
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
    change_seq      INTEGER NOT NULL,
    UNIQUE (mailbox_id, message_uuid)
);
INSERT INTO messages_new SELECT seq, id, mailbox_id, message_uuid, folder_id, label, sender_id,
    sender_id_type, sender_label, sender_public, received_at, reply_by, has_attachments,
    visible, read, flagged, version, change_seq
FROM messages;

DROP TABLE messages;
DROP TABLE memos;
ALTER TABLE memos_new RENAME TO memos;
ALTER TABLE messages_new RENAME TO messages;

CREATE INDEX memos_due ON memos(visible_from) WHERE status = 'SCHEDULED';
CREATE INDEX memos_queue ON memos(recipient_system_id, accepted_at) WHERE receipted_at IS NULL;
CREATE INDEX memos_by_sender_mailbox ON memos(sender_mailbox_id) WHERE sender_mailbox_id IS NOT NULL;

CREATE INDEX messages_by_uuid ON messages(message_uuid);
CREATE INDEX messages_folder ON messages(mailbox_id, folder_id, visible, received_at);
CREATE INDEX messages_mailbox ON messages(mailbox_id, visible, received_at, folder_id);
CREATE INDEX messages_changes ON messages(mailbox_id, change_seq);
CREATE INDEX messages_unread ON messages(mailbox_id, visible, read, received_at, folder_id);

-- The folder counts' triggers went with the old table; the same again (see folder_counts).
CREATE TRIGGER messages_count_insert AFTER INSERT ON messages WHEN NEW.visible = 1
BEGIN
    INSERT INTO folder_counts (mailbox_id, folder_id, sender_public, total, unread)
    VALUES (NEW.mailbox_id, NEW.folder_id, NEW.sender_public, 1, NEW.read = 0)
    ON CONFLICT (mailbox_id, folder_id, sender_public)
    DO UPDATE SET total = total + 1, unread = unread + (NEW.read = 0);
END;

CREATE TRIGGER messages_count_delete AFTER DELETE ON messages WHEN OLD.visible = 1
BEGIN
    UPDATE folder_counts SET total = total - 1, unread = unread - (OLD.read = 0)
    WHERE mailbox_id = OLD.mailbox_id AND folder_id = OLD.folder_id
      AND sender_public = OLD.sender_public;
END;

CREATE TRIGGER messages_count_update
AFTER UPDATE OF visible, read, folder_id, sender_public, mailbox_id ON messages
BEGIN
    UPDATE folder_counts SET total = total - 1, unread = unread - (OLD.read = 0)
    WHERE OLD.visible = 1 AND mailbox_id = OLD.mailbox_id AND folder_id = OLD.folder_id
      AND sender_public = OLD.sender_public;
    INSERT INTO folder_counts (mailbox_id, folder_id, sender_public, total, unread)
    SELECT NEW.mailbox_id, NEW.folder_id, NEW.sender_public, 1, NEW.read = 0
    WHERE NEW.visible = 1
    ON CONFLICT (mailbox_id, folder_id, sender_public)
    DO UPDATE SET total = total + 1, unread = unread + (NEW.read = 0);
END;
