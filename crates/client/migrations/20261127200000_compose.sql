-- Writing: drafts the user is composing, and messages waiting to be sent.

-- A draft as the user left it; `json` is brevdue_client::Draft. Saved as the user types.
CREATE TABLE drafts (
    id         TEXT PRIMARY KEY,
    mailbox_id TEXT NOT NULL,
    updated    INTEGER NOT NULL,
    json       TEXT NOT NULL
) STRICT;
CREATE INDEX drafts_by_mailbox ON drafts (mailbox_id, updated DESC);

-- A message queued to be sent exactly once, under the messageUUID it got when it was queued.
-- `model_json` is the brevdue_memo::Message without the sender's id (filled in when sent);
-- `files_json` maps each file of the model to its content in the cache's files (by SHA-256).
-- `failed` is the error code of a refusal that sending again cannot fix; such entries stay so
-- the user can see what happened, and are not sent again.
CREATE TABLE outgoing (
    message_uuid TEXT PRIMARY KEY,
    mailbox_id   TEXT NOT NULL,
    created      INTEGER NOT NULL,
    model_json   TEXT NOT NULL,
    files_json   TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    failed       TEXT
) STRICT;
