-- Back-channel logout 1.0 (README « FranceConnect+ features »).

-- Per relying party: where its logout tokens are POSTed, and whether it needs the sid in them (always sent).
alter table relying_party
    add column backchannel_logout_uri              text,
    add column backchannel_logout_session_required boolean not null default false;

-- The relying parties a session signed in to: the client_id is added by the statement that issues a code for the
-- session (no statement of its own), and read by the one that ends the session.
alter table login_session add column client_ids text[] not null default '{}';

-- The sid of ID and logout tokens: per session and relying party (two RPs cannot correlate their users through it),
-- neither the cookie nor its hash. One definition for both statements that need it (code issuance, session end).
create function session_sid(session_hash bytea, client_id text) returns text
    language sql immutable strict parallel safe
    as $$ select rtrim(translate(encode(sha256(session_hash || convert_to('|sid|' || client_id, 'UTF8')), 'base64'),
                                 '+/', '-_'), '=') $$;

-- The sid of the session a code was issued in, for the ID token the code is exchanged for.
alter table authorization_code add column sid text;

-- Outbox of logout tokens (one row per relying party of an ended session that registered a backchannel_logout_uri),
-- written by the statement that ends the session; a background job signs and POSTs each, retrying with backoff. A row
-- is claimed with a lease (locked_until) by an UPDATE ... FOR UPDATE SKIP LOCKED, so two instances never hold the
-- same row; it is deleted once delivered, or given up after idp.backchannel-logout.max-attempts.
create table backchannel_logout (
    id               uuid        primary key,
    client_id        text        not null,
    account_id       uuid        not null,      -- no foreign key: the token is still due after the account went
    sid              text        not null,
    created_at       timestamptz not null,
    next_attempt_at  timestamptz not null,
    attempts         int         not null default 0,
    last_error       text,                      -- HTTP status or exception class names, never a message
    locked_until     timestamptz
);
create index backchannel_logout_due on backchannel_logout (next_attempt_at);
