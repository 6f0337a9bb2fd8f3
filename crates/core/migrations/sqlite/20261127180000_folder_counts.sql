-- How many visible messages each folder holds, and how many of them are unread, kept by
-- triggers on every change to `messages` (delivery, release, PATCH, delete, purge, recall), so
-- that counting a folder of 100,000 messages is one row read, not 100,000. Split by
-- sender_public, because representatives see only post from public senders.

CREATE TABLE folder_counts (
    mailbox_id    TEXT NOT NULL,
    folder_id     TEXT NOT NULL,
    sender_public INTEGER NOT NULL,
    total         INTEGER NOT NULL,
    unread        INTEGER NOT NULL,
    PRIMARY KEY (mailbox_id, folder_id, sender_public)
);

INSERT INTO folder_counts (mailbox_id, folder_id, sender_public, total, unread)
SELECT mailbox_id, folder_id, sender_public, COUNT(*), SUM(read = 0)
FROM messages WHERE visible = 1 GROUP BY mailbox_id, folder_id, sender_public;

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

-- Unread messages, newest first (the `read=false` filter of a list), counted from the index.
CREATE INDEX messages_unread ON messages(mailbox_id, visible, read, received_at, folder_id);
