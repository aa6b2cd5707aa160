-- Pushed authorization requests (RFC 9126): the parameters an authenticated client pushed, referenced by a
-- request_uri (its SHA-256 is stored), usable once within 60 s.
create table pushed_authorization (
    handle_hash  bytea       primary key,
    client_id    text        not null,
    params       text        not null,            -- the pushed parameters, a JSON object of strings
    created_at   timestamptz not null,
    expires_at   timestamptz not null,
    used_at      timestamptz
);
create index pushed_authorization_expiry on pushed_authorization (expires_at);

alter table relying_party add column require_pushed_authorization_requests boolean not null default false;
