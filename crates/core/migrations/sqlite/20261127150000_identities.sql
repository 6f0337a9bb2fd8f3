-- Who exists: people (identified by CPR), companies (CVR), public authorities and the IT
-- systems that send and receive on an authority's behalf. Shared by sign-in, mailboxes,
-- routing and contact points.

CREATE TABLE persons (
    id          TEXT PRIMARY KEY,          -- stable id used as the OIDC subject
    cpr         TEXT NOT NULL UNIQUE,      -- 10 digits
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''   -- shown on the demo sign-in page
);

CREATE TABLE companies (
    cvr  TEXT PRIMARY KEY,                 -- 8 digits
    name TEXT NOT NULL
);

-- An employee's right to handle a company's Digital Post.
CREATE TABLE company_rights (
    person_id TEXT NOT NULL REFERENCES persons(id),
    cvr       TEXT NOT NULL REFERENCES companies(cvr),
    PRIMARY KEY (person_id, cvr)
);

-- A public sender: a municipality, a region, a state agency or another public body.
CREATE TABLE authorities (
    id             TEXT PRIMARY KEY,
    cvr            TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    authority_type TEXT NOT NULL CHECK (authority_type IN ('STATE', 'REGION', 'MUNICIPALITY', 'OTHER'))
);

-- A sender or recipient system of an authority, authenticating with its own credentials
-- (OAuth 2.0 client credentials); only a hash of the secret is stored.
CREATE TABLE systems (
    id           TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authorities(id),
    role         TEXT NOT NULL CHECK (role IN ('SENDER', 'RECIPIENT')),
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL
);

-- The system that receives an authority's post when a contact point has no mapping of its own.
CREATE TABLE authority_default_recipients (
    authority_id TEXT PRIMARY KEY REFERENCES authorities(id),
    system_id    TEXT NOT NULL REFERENCES systems(id)
);
