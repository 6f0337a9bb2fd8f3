-- Sign-in: the state of the OAuth 2.0 authorization server. Codes and tokens are stored only as
-- SHA-256 hashes (lower-case hex), so a copy of the database grants nothing, and every core
-- instance sharing the database can check any token. Times are Unix seconds (UTC).

-- A grant: one sign-in of a person in one client, or one client-credentials authentication of
-- a system. Every token belongs to a grant; revoking the grant ends all of its tokens.
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

-- Authorization codes (single use, short-lived). A used code is kept until it expires, so that
-- a second exchange of it can be detected and the grant it produced revoked (RFC 6749 §4.1.2).
CREATE TABLE auth_codes (
    code_hash      TEXT PRIMARY KEY,
    client_id      TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    code_challenge TEXT NOT NULL,            -- PKCE S256 challenge (base64url, 43 characters)
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

-- Refresh tokens rotate: each use marks the token rotated and issues a new one in the same
-- grant. Presenting a rotated token again revokes the grant.
CREATE TABLE auth_refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    grant_id   TEXT NOT NULL REFERENCES auth_grants(id),
    expires_at BIGINT NOT NULL,
    rotated_at BIGINT
);
CREATE INDEX auth_refresh_tokens_grant ON auth_refresh_tokens (grant_id);
