-- The client side of the FranceConnect-like provider (SPEC 3.3, FRANCECONNECT.md B).

-- One row per redirect to the provider: an authorization (LOGIN or ENROLLMENT) or an end-session
-- (LOGOUT). Only hashes of the state and the nonce are kept; the authorization is bound to the browser
-- that started it (the SHA-256 of its AMELI_FC cookie) and consumed atomically, once.
create table federation_request (
    state_hash               bytea       primary key,
    purpose                  varchar(16) not null check (purpose in ('LOGIN', 'ENROLLMENT', 'LOGOUT')),
    browser_hash             bytea,                      -- authorizations only
    nonce_hash               bytea,                      -- authorizations only
    code_verifier            text,                       -- PKCE (RFC 7636), authorizations only
    pending_authorization_id text,                       -- a relying party's request waiting for this login
    logout_target            text,                       -- LOGOUT: where the browser goes next (null: our page)
    created_at               timestamptz not null,
    expires_at               timestamptz not null,
    consumed_at              timestamptz
);
create index federation_request_expiry on federation_request (expires_at);

-- The provider vouched for a person who already has an unlinked account: the verified subject waits
-- here, server-side, until the account's password proves that the account is theirs (never linked on
-- email). Referenced by the SHA-256 of the AMELI_FC_LIEN cookie.
create table federation_link (
    id_hash                  bytea       primary key,
    account_id               uuid        not null references account (id) on delete cascade,
    sub                      text        not null,
    id_token                 text        not null,       -- kept for the session's logout at the provider
    purpose                  varchar(16) not null,
    pending_authorization_id text,
    attempts                 integer     not null default 0,
    created_at               timestamptz not null,
    expires_at               timestamptz not null,
    consumed_at              timestamptz
);
create index federation_link_expiry on federation_link (expires_at);
