-- Enrollment as a persisted state machine (STYLE §4): one row per attempt, typed facts, an optimistic
-- version, the current step derived from the facts and stored for reading and monitoring.
create table enrollment (
    id_hash                 bytea       primary key,       -- SHA-256 of the handle held by the browser or app
    channel                 varchar(8)  not null,          -- WEB or APP
    path                    varchar(24) not null,          -- CARTE_VITALE, FEDERATION, PROVISIONAL_CODE
    step                    varchar(24) not null,
    nir                     varchar(13),
    identity_verified_at    timestamptz,
    identity_attempts       integer     not null default 0,
    proof_attempts          integer     not null default 0,
    locked_until            timestamptz,
    proof_verified_at       timestamptz,
    cgu_version             varchar(16),
    cgu_accepted_at         timestamptz,
    password_hash           text,
    account_id              uuid references account (id) on delete set null,
    federation_sub          text,
    failure                 varchar(32),
    pending_authorization_id text,
    created_at              timestamptz not null,
    updated_at              timestamptz not null,
    expires_at              timestamptz not null,
    version                 bigint      not null default 0
);
create index enrollment_expiry on enrollment (expires_at);

-- Single-use email confirmation links, stored hashed; only the newest link of an account works.
create table email_confirmation (
    token_hash      bytea       primary key,
    account_id      uuid        not null references account (id) on delete cascade,
    email           text        not null,
    purpose         varchar(16) not null,                 -- ACTIVATION or EMAIL_CHANGE
    created_at      timestamptz not null,
    expires_at      timestamptz not null,
    used_at         timestamptz,
    superseded_at   timestamptz
);
create index email_confirmation_account on email_confirmation (account_id);
