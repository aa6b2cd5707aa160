-- OpenID Connect provider state. Every credential-like value (session cookie, code, access token) is
-- stored only as its SHA-256 hash: a database dump lets nobody act as a user or a client.

create table relying_party (
    client_id                  text primary key,
    client_name                text        not null,
    secret_hash                text,                      -- SHA-256 (hex) of a high-entropy client secret
    auth_methods               text[]      not null,
    redirect_uris              text[]      not null,
    post_logout_redirect_uris  text[]      not null default '{}',
    scopes                     text[]      not null,
    id_token_alg               varchar(8)  not null default 'ES256',
    userinfo_alg               varchar(8),                -- null: userinfo as JSON
    sector                     text        not null,      -- pairwise subject sector
    jwks                       text,                      -- public keys for private_key_jwt
    require_pkce               boolean     not null default false,
    source                     varchar(16) not null,      -- config or operator
    updated_at                 timestamptz not null default now()
);

create table login_session (
    id_hash            bytea       primary key,
    account_id         uuid        not null references account (id) on delete cascade,
    auth_time          timestamptz not null,
    amr                text[]      not null,
    acr                varchar(16) not null,
    federation_id_token text,
    created_at         timestamptz not null,
    expires_at         timestamptz not null
);
create index login_session_account on login_session (account_id);
create index login_session_expiry on login_session (expires_at);

-- A validated authorization request waiting for the person to log in or consent (NOP's Interaction).
create table pending_authorization (
    id               text        primary key,
    client_id        text        not null,
    redirect_uri     text        not null,
    scope            text        not null,
    state            text        not null,
    nonce            text        not null,
    code_challenge   text,
    acr              varchar(16) not null,
    prompt           text        not null default '',
    max_age          integer,
    amr_requested    boolean     not null default false,
    ui_locales       text,
    created_at       timestamptz not null,
    expires_at       timestamptz not null
);
create index pending_authorization_expiry on pending_authorization (expires_at);

create table consent (
    account_id   uuid        not null references account (id) on delete cascade,
    client_id    text        not null,
    scopes       text[]      not null,
    granted_at   timestamptz not null,
    primary key (account_id, client_id)
);

create table authorization_code (
    code_hash        bytea       primary key,
    client_id        text        not null,
    redirect_uri     text        not null,
    account_id       uuid        not null references account (id) on delete cascade,
    scope            text        not null,
    nonce            text        not null,
    code_challenge   text,
    auth_time        timestamptz not null,
    acr              varchar(16) not null,
    amr              text[]      not null,
    amr_requested    boolean     not null,
    created_at       timestamptz not null,
    expires_at       timestamptz not null,
    consumed_at      timestamptz
);
create index authorization_code_expiry on authorization_code (expires_at);

create table access_token (
    token_hash   bytea       primary key,
    code_hash    bytea,
    client_id    text        not null,
    account_id   uuid        not null references account (id) on delete cascade,
    scope        text        not null,
    expires_at   timestamptz not null,
    revoked_at   timestamptz
);
create index access_token_code on access_token (code_hash);
create index access_token_expiry on access_token (expires_at);

-- private_key_jwt assertions seen (RFC 7523 §3: jti replay protection), kept until they expire.
create table client_assertion (
    client_id    text        not null,
    jti          text        not null,
    expires_at   timestamptz not null,
    primary key (client_id, jti)
);
