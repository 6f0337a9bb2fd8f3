-- The access log: what representatives listed and read in someone else's mailbox, for the
-- owner to see. `representative_id` has no foreign key: a grant may be revoked, its log stays.

CREATE TABLE access_log (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    mailbox_id        TEXT NOT NULL REFERENCES mailboxes(id),
    person_id         TEXT NOT NULL REFERENCES persons(id),
    representative_id TEXT,
    kind              TEXT NOT NULL,   -- LIST_MESSAGES, READ_MESSAGE, READ_FILE
    message_id        TEXT,
    at                TEXT NOT NULL
);
CREATE INDEX access_log_mailbox ON access_log(mailbox_id, seq);
CREATE INDEX access_log_repeat ON access_log(mailbox_id, person_id, kind, at);
