-- Transactional outbox for mail (SPEC 5): a mail is inserted in the same transaction as the state change
-- that causes it, and a background sender delivers it over SMTP, retrying with backoff. An SMTP outage
-- delays mail, never loses it. Several instances share the table: a row is claimed with a lease
-- (locked_until) by an UPDATE ... FOR UPDATE SKIP LOCKED, so two senders never hold the same row.
create table mail_outbox (
    id               uuid        primary key,
    recipient        text        not null,
    subject          text        not null,
    text_body        text,                      -- one-time links and codes: cleared (null) once sent
    html_body        text,
    kind             varchar(32) not null,      -- EMAIL_CONFIRMATION, SECURITY_CODE, PROVISIONAL_CODE, EMAIL_CHANGED
    created_at       timestamptz not null,
    next_attempt_at  timestamptz not null,
    attempts         int         not null default 0,
    last_error       text,                      -- exception class names only, never a message (it may hold an address)
    sent_at          timestamptz,
    locked_until     timestamptz                -- lease of the instance sending it; null when nobody holds it
);

-- The sender's scan: due, unsent rows in order. Sent rows, the vast majority, stay out of the index.
create index mail_outbox_due on mail_outbox (next_attempt_at) where sent_at is null;
