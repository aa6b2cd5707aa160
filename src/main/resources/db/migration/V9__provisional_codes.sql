-- Provisional codes (SPEC 3.4, 3.5): 4 or 8 digits given at a CPAM counter (COUNTER) or sent by mail after
-- « Code oublié ? » (FORGOTTEN). Stored only as an Argon2id hash: 4 digits are enumerable offline, so a slow
-- hash, a strict attempt counter and a short life are what protect them. Only the newest code of a person works.
create table provisional_code (
    id                        uuid        primary key,
    nir                       varchar(13) not null references insured_person (nir),
    origin                    varchar(16) not null check (origin in ('COUNTER', 'FORGOTTEN')),
    code_hash                 text        not null,
    created_at                timestamptz not null,
    expires_at                timestamptz not null,
    attempts                  integer     not null default 0,
    superseded_at             timestamptz,
    consumed_at               timestamptz,            -- logged in with it (once)
    -- an account holder who logged in with the code must choose a new personal code on this browser first:
    reset_handle_hash         bytea       unique,     -- SHA-256 of the browser's cookie value
    reset_done_at             timestamptz,
    pending_authorization_id  text
);
create index provisional_code_live on provisional_code (nir) where consumed_at is null and superseded_at is null;

-- Captcha challenges of the forgotten-code form: 5 minutes, used once. The answer is kept as a hash keyed by
-- the challenge handle (to check it), and sealed (AES-GCM) under a key derived from that handle (to draw the
-- image and speak the audio): the handle lives only in the browser, so a database dump reveals no answer.
create table captcha_challenge (
    id_hash        bytea       primary key,
    answer_hash    bytea       not null,
    answer_sealed  bytea       not null,
    created_at     timestamptz not null,
    expires_at     timestamptz not null,
    used_at        timestamptz
);
create index captcha_challenge_expiry on captcha_challenge (expires_at);

-- Fixed-window request counters shared by every instance (INSERT ... ON CONFLICT ... RETURNING count).
-- key_hash is an HMAC of the bucket and its subject (a NIR, a client address): never the raw value.
create table rate_limit (
    key_hash      bytea       not null,
    window_start  timestamptz not null,
    count         integer     not null,
    expires_at    timestamptz not null,
    primary key (key_hash, window_start)
);
create index rate_limit_expiry on rate_limit (expires_at);

-- Activation links of the provisional-code path (seed 001): valid 7 days; until forget_at (21 days) a dead
-- link can be resent to the same or another address; after it the unconfirmed address is forgotten.
-- Null on the other paths: the address is kept, and a new link can always be asked for.
alter table email_confirmation add column forget_at timestamptz;

-- A browser that proved it may ask for a new activation link of a PENDING account (it followed a dead link,
-- or logged in with the account's password): short-lived, referenced by an HttpOnly cookie.
create table activation_recovery (
    id_hash      bytea       primary key,
    account_id   uuid        not null references account (id) on delete cascade,
    created_at   timestamptz not null,
    expires_at   timestamptz not null
);
create index activation_recovery_expiry on activation_recovery (expires_at);
