-- First login on a browser the account has not seen (SPEC 3.2.8): a 6-digit code sent by email.
create table login_challenge (
    id_hash                   bytea       primary key,     -- SHA-256 of the handle in the browser's cookie
    account_id                uuid        not null references account (id) on delete cascade,
    code_hash                 bytea       not null,        -- SHA-256(handle | code): useless without the cookie
    attempts                  integer     not null default 0,
    resends                   integer     not null default 0,
    pending_authorization_id  text,
    created_at                timestamptz not null,
    expires_at                timestamptz not null,
    consumed_at               timestamptz
);
create index login_challenge_expiry on login_challenge (expires_at);

-- Browsers that completed a security code: remembered for a while, then asked again.
create table known_device (
    token_hash    bytea       primary key,
    account_id    uuid        not null references account (id) on delete cascade,
    created_at    timestamptz not null,
    expires_at    timestamptz not null
);
create index known_device_account on known_device (account_id);
